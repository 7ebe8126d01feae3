"""Real HTTP servers on 127.0.0.1 for the fetch tests, recording what they saw."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Seen:
    """Requests one server received: path, start time (loop clock), headers."""

    requests: list[tuple[str, float, dict[str, str]]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0

    def paths(self) -> list[str]:
        return [p for p, _, _ in self.requests]

    def times(self, path_prefix: str = "/") -> list[float]:
        return [t for p, t, _ in self.requests if p.startswith(path_prefix)]


@dataclass
class Server:
    url: str
    seen: Seen


ServeFactory = Callable[[dict[str, Handler]], Awaitable[Server]]


@pytest.fixture
async def serve() -> AsyncIterator[ServeFactory]:
    """`await serve({"/path": handler, ...})` starts a server; paths not listed 404
    (so robots.txt is "unavailable", i.e. allow all, unless a test serves one)."""
    runners: list[web.AppRunner] = []

    async def start(routes: dict[str, Handler]) -> Server:
        seen = Seen()

        @web.middleware
        async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
            seen.requests.append((request.path_qs, asyncio.get_running_loop().time(),
                                  dict(request.headers)))
            seen.in_flight += 1
            seen.max_in_flight = max(seen.max_in_flight, seen.in_flight)
            try:
                return await handler(request)
            finally:
                seen.in_flight -= 1

        app = web.Application(middlewares=[record])
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        return Server(f"http://127.0.0.1:{port}", seen)

    yield start
    for runner in runners:
        await runner.cleanup()

