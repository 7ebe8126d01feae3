from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from aiohttp import web

from kuaizhao.fetch import Fetcher, FetchOptions
from kuaizhao.models import FetchOutcome


def local_options(**changes: Any) -> FetchOptions:
    """The test servers are on loopback, which the fetcher refuses unless told."""
    return FetchOptions(allow_private_addresses=True, **changes)


# The `serve` fixture (conftest.py) starts a real server: `await serve({path: handler})`.
ServeFactory = Callable[[dict[str, Any]], Awaitable[Any]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

ROBOTS = """User-agent: *
Disallow: /private
Crawl-delay: 0.25

User-agent: otherbot
Disallow: /
"""


def reply(body: str = "ok", status: int = 200, headers: dict[str, str] | None = None,
          delay: float = 0.0) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        if delay:
            await asyncio.sleep(delay)
        return web.Response(text=body, status=status, headers=headers or {})
    return handler


def sequence(*handlers: Handler) -> Handler:
    """Answers with the next handler each time; the last one repeats."""
    calls = iter(handlers)
    last: list[Handler] = []

    async def handler(request: web.Request) -> web.StreamResponse:
        h = next(calls, None)
        if h is not None:
            last[:] = [h]
        return await last[0](request)
    return handler


async def test_robots_disallow_and_crawl_delay_spacing(serve: ServeFactory) -> None:
    server = await serve({"/robots.txt": reply(ROBOTS), "/private/x": reply("secret"),
                          "/news/{n}": reply("article")})
    options = local_options(min_host_interval=0.0, total_concurrency=8)
    async with Fetcher(options) as fetcher:
        blocked = await fetcher.fetch(server.url + "/private/x")
        results = await asyncio.gather(*(fetcher.fetch(f"{server.url}/news/{n}")
                                         for n in range(4)))
        assert await fetcher.robots_allows(server.url + "/news/9")
        assert not await fetcher.robots_allows(server.url + "/private/y")
    assert blocked.outcome is FetchOutcome.ROBOTS_DISALLOWED
    assert blocked.exchanges == ()
    assert "robots.txt" in (blocked.error or "")
    assert "/private/x" not in server.seen.paths()
    assert server.seen.paths().count("/robots.txt") == 1
    assert all(r.outcome is FetchOutcome.OK for r in results)
    times = server.seen.times("/news/")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 3
    assert min(gaps) >= 0.24, gaps  # Crawl-delay 0.25 measured at the server
    assert all(h["User-Agent"] == options.user_agent for _, _, h in server.seen.requests)


async def test_robots_server_error_disallows_and_4xx_allows(serve: ServeFactory) -> None:
    down = await serve({"/robots.txt": reply("oops", 503), "/a": reply()})
    missing = await serve({"/a": reply()})  # robots.txt 404
    options = local_options(min_host_interval=0, retries=0)
    async with Fetcher(options) as fetcher:
        refused = await fetcher.fetch(down.url + "/a")
        allowed = await fetcher.fetch(missing.url + "/a")
    assert refused.outcome is FetchOutcome.ROBOTS_DISALLOWED
    assert "503" in (refused.error or "")
    assert "/a" not in down.seen.paths()
    assert allowed.outcome is FetchOutcome.OK


async def test_robots_cached_until_ttl(serve: ServeFactory) -> None:
    server = await serve({"/robots.txt": reply("User-agent: *\nDisallow:\n"), "/a": reply()})
    async with Fetcher(local_options(min_host_interval=0, robots_ttl=0.2)) as fetcher:
        await fetcher.fetch(server.url + "/a")
        await fetcher.fetch(server.url + "/a")
        assert server.seen.paths().count("/robots.txt") == 1
        await asyncio.sleep(0.25)
        await fetcher.fetch(server.url + "/a")
    assert server.seen.paths().count("/robots.txt") == 2


async def test_min_interval_without_robots(serve: ServeFactory) -> None:
    server = await serve({"/p/{n}": reply()})
    loop = asyncio.get_running_loop()
    async with Fetcher(local_options(min_host_interval=0.15, obey_robots=False)) as fetcher:
        start = loop.time()
        await asyncio.gather(*(fetcher.fetch(f"{server.url}/p/{n}") for n in range(3)))
    # The third request may not start before two intervals have passed; a loaded machine
    # can only make it arrive later. (Gaps between arrivals are no measure: a stalled
    # first connection can land right before the second.)
    assert max(server.seen.times("/p/")) - start >= 0.29
    assert len(server.seen.times("/p/")) == 3


async def test_host_concurrency_is_a_ceiling(serve: ServeFactory) -> None:
    server = await serve({"/s/{n}": reply(delay=0.1)})
    options = local_options(min_host_interval=0, host_concurrency=2, obey_robots=False)
    async with Fetcher(options) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(f"{server.url}/s/{n}") for n in range(6)))
    assert all(r.outcome is FetchOutcome.OK for r in results)
    assert server.seen.max_in_flight == 2


async def test_slow_host_does_not_hold_up_another(serve: ServeFactory) -> None:
    gate = asyncio.Event()

    async def held(request: web.Request) -> web.Response:
        await gate.wait()  # answers only once the fast host has answered
        return web.Response(text="late")

    slow = await serve({"/x/{n}": held})
    fast = await serve({"/y": reply()})
    options = local_options(min_host_interval=0, total_concurrency=2, obey_robots=False)

    async def slow_host_busy() -> None:
        while not slow.seen.in_flight:
            await asyncio.sleep(0.01)

    async with Fetcher(options) as fetcher:
        slow_tasks = [asyncio.create_task(fetcher.fetch(f"{slow.url}/x/{n}")) for n in range(3)]
        try:
            await asyncio.wait_for(slow_host_busy(), 60)
            # Three queued requests on the slow host hold one global slot, not both: the
            # fast host is served while the slow one still holds its request. (Were both
            # slots taken, this would wait for the gate, which never opens first.)
            fast_result = await asyncio.wait_for(fetcher.fetch(fast.url + "/y"), 60)
            assert slow.seen.in_flight == 1
        finally:
            gate.set()
        slow_results = await asyncio.gather(*slow_tasks)
    assert fast_result.outcome is FetchOutcome.OK
    assert [r.outcome for r in slow_results] == [FetchOutcome.OK] * 3
    assert slow.seen.max_in_flight == 1


async def test_retry_after_seconds_then_success(serve: ServeFactory) -> None:
    server = await serve({"/r": sequence(reply("busy", 503, {"Retry-After": "1"}), reply("ok"))})
    options = local_options(min_host_interval=0, backoff_base=0.01, backoff_jitter=False,
                            obey_robots=False)
    async with Fetcher(options) as fetcher:
        result = await fetcher.fetch(server.url + "/r")
    assert result.outcome is FetchOutcome.OK
    first, second = server.seen.times("/r")
    assert second - first >= 0.95  # Retry-After honoured, not the 0.01 s backoff
    assert len(result.exchanges) == 1  # retries are not hops


async def test_429_with_http_date_then_success(serve: ServeFactory) -> None:
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
    server = await serve({"/r": sequence(reply("slow down", 429, {"Retry-After": soon}),
                                         reply("ok"))})
    options = local_options(min_host_interval=0, backoff_base=0.01, backoff_jitter=False,
                            obey_robots=False)
    async with Fetcher(options) as fetcher:
        result = await fetcher.fetch(server.url + "/r")
    assert result.outcome is FetchOutcome.OK
    assert server.seen.paths() == ["/r", "/r"]


async def test_retry_after_beyond_cap_gives_up(serve: ServeFactory) -> None:
    server = await serve({"/r": reply("later", 503, {"Retry-After": "3600"})})
    options = local_options(min_host_interval=0, max_retry_after=0.2, obey_robots=False)
    async with Fetcher(options) as fetcher:
        result = await fetcher.fetch(server.url + "/r")
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert "3600" in (result.error or "")
    assert server.seen.paths() == ["/r"]


async def test_retries_exhausted_and_backoff_grows(serve: ServeFactory) -> None:
    server = await serve({"/e": reply("down", 500), "/bad": reply("no", 400)})
    options = local_options(min_host_interval=0, retries=2, backoff_base=0.05,
                            backoff_jitter=False, obey_robots=False)
    async with Fetcher(options) as fetcher:
        result = await fetcher.fetch(server.url + "/e")
        client_error = await fetcher.fetch(server.url + "/bad")
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert "after 3 attempts" in (result.error or "")
    t = server.seen.times("/e")
    assert len(t) == 3
    assert t[1] - t[0] >= 0.045
    assert t[2] - t[1] >= 0.095
    assert client_error.outcome is FetchOutcome.HTTP_ERROR
    assert server.seen.paths().count("/bad") == 1  # 400 is not retried
