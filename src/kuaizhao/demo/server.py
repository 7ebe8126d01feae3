"""The demo news web on loopback: one aiohttp server per outlet, one port each.

`Site` decides what each path is; this module adds what a real server adds: slow
answers, a 503 with Retry-After before the first success, conditional GET (ETag and
Last-Modified, 304), the edition switch, and an access log kept in memory so
politeness tests can read when each outlet was hit.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs

from aiohttp import web

from kuaizhao.demo.catalog import EDITIONS, OUTLETS, Behaviour
from kuaizhao.demo.site import Expected, Page, Site
from kuaizhao.demo.sourcesfile import OutletInfo, sources_toml
from kuaizhao.errors import ConfigError, UsageError

EDITION_PATH = "/_demo/edition"
DEFAULT_CRAWL_DELAY = 0.2  # seconds: polite in form, fast enough for tests
DEFAULT_SLOW_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class DemoOptions:
    host: str = "127.0.0.1"
    ports: tuple[int, ...] = (0, 0, 0)  # one per outlet; 0 picks a free port
    crawl_delay: float = DEFAULT_CRAWL_DELAY  # seconds, announced in every robots.txt
    slow_seconds: float = DEFAULT_SLOW_SECONDS  # how long the slow article takes to answer
    edition: int = 1
    oversize_bytes: int = 12 * 1024 * 1024  # above the crawler's default 10 MB limit
    retry_after: int = 1  # seconds, in the flaky article's 503

    def __post_init__(self) -> None:
        if len(self.ports) != len(OUTLETS):
            raise UsageError(
                f"the demo web needs {len(OUTLETS)} ports (one per outlet), "
                f"got {len(self.ports)}: {self.ports}"
            )
        if any(not 0 <= p <= 65535 for p in self.ports):
            raise UsageError(f"ports must be 0..65535 (0 = any free port), got {self.ports}")
        _check_edition(self.edition)
        if self.crawl_delay < 0 or self.slow_seconds < 0 or self.retry_after < 0:
            raise UsageError("crawl_delay, slow_seconds and retry_after must not be negative")


class AccessRecord(NamedTuple):
    outlet: str  # the outlet's name, as in the sources file
    method: str
    path: str  # path and query string as requested
    status: int
    time: float  # time.monotonic() when the response was ready
    started: float = 0.0  # time.monotonic() when the request arrived


def _check_edition(n: int) -> None:
    if n not in EDITIONS:
        raise UsageError(f"edition must be one of {EDITIONS}, got {n!r}")


def _not_modified(request: web.Request, page: Page) -> bool:
    """RFC 9110: If-None-Match decides when present; If-Modified-Since otherwise."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or page.etag in tags
    since = request.headers.get("If-Modified-Since")
    if since is None or page.last_modified is None:
        return False
    try:
        since_time = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False  # an unparsable date is ignored, as the RFC says
    if since_time.tzinfo is None:
        return False
    return page.last_modified.replace(microsecond=0) <= since_time


class DemoWeb:
    """Async context manager: `async with DemoWeb(options) as demo: ...`."""

    def __init__(self, options: DemoOptions | None = None) -> None:
        self.options = options or DemoOptions()
        self.access_log: list[AccessRecord] = []
        self._runners: list[web.AppRunner] = []
        self._base_urls: dict[str, str] = {}
        self._site: Site | None = None
        self._flaky_served: set[tuple[str, str]] = set()

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        if self._runners:
            raise UsageError("this demo web is already running; stop() it first")
        host = self.options.host
        try:
            for outlet, port in zip(OUTLETS, self.options.ports, strict=True):
                app = web.Application()
                app.router.add_route("*", "/{tail:.*}", self._handler(outlet.key, outlet.name))
                runner = web.AppRunner(app, access_log=None)
                await runner.setup()
                self._runners.append(runner)
                await web.TCPSite(runner, host, port).start()
                bound = runner.addresses[0][1]
                shown = f"[{host}]" if ":" in host else host
                self._base_urls[outlet.key] = f"http://{shown}:{bound}"
        except OSError as exc:
            await self.stop()
            raise ConfigError(
                f"the demo web cannot listen on {host} ports {self.options.ports}: {exc}; "
                "choose free ports with --ports or use 0 for any free port"
            ) from exc
        self._site = self._new_site(self.options.edition)

    async def stop(self) -> None:
        runners, self._runners = self._runners, []
        for runner in runners:
            await runner.cleanup()

    async def __aenter__(self) -> DemoWeb:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @contextlib.contextmanager
    def in_thread(self) -> Iterator[DemoWeb]:
        """Run the servers on an event loop in a background thread, for sync tests;
        returns once every outlet is listening and stops them on exit."""
        loop = asyncio.new_event_loop()
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # handed to the waiting thread, re-raised there
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        thread = threading.Thread(target=serve, name="kuaizhao-demo-web", daemon=True)
        thread.start()
        ready.wait()
        if failure:
            thread.join()
            raise failure[0]
        try:
            yield self
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()

    # ------------------------------------------------------------ what it serves

    def _new_site(self, edition: int) -> Site:
        return Site(self._base_urls, edition, self.options.crawl_delay, self.options.oversize_bytes)

    def _running_site(self) -> Site:
        if self._site is None:
            raise UsageError("the demo web is not running; call start() first")
        return self._site

    @property
    def edition(self) -> int:
        return self._running_site().edition

    def set_edition(self, n: int) -> None:
        """Switch every outlet to edition `n` (1 or 2). The flaky article's one 503 is
        not repeated: it is once per server, not per edition."""
        _check_edition(n)
        self._site = self._new_site(n)

    @property
    def outlets(self) -> list[OutletInfo]:
        self._running_site()
        return [OutletInfo.of(o, self._base_urls[o.key]) for o in OUTLETS]

    def sources_toml(self) -> str:
        return sources_toml(self.outlets)

    def expected(self, edition: int | None = None) -> Expected:
        site = self._running_site()
        if edition is None or edition == site.edition:
            return site.expected()
        _check_edition(edition)
        return self._new_site(edition).expected()

    # ------------------------------------------------------------ HTTP

    def _handler(
        self, outlet_key: str, outlet_name: str
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            started = time.monotonic()
            response = await self._respond(outlet_key, request)
            self.access_log.append(
                AccessRecord(outlet_name, request.method, request.raw_path, response.status,
                             time.monotonic(), started)
            )
            return response

        return handle

    async def _respond(self, outlet_key: str, request: web.Request) -> web.StreamResponse:
        if request.path == EDITION_PATH:
            return await self._edition_endpoint(request)
        if request.method not in ("GET", "HEAD"):
            return web.Response(status=405, headers={"Allow": "GET, HEAD"})
        page = self._running_site().page(outlet_key, request.raw_path)
        if page.behaviour is Behaviour.FLAKY and request.method == "GET":
            key = (outlet_key, request.raw_path)
            if key not in self._flaky_served:
                self._flaky_served.add(key)
                return web.Response(
                    status=503,
                    text="Service temporarily unavailable; retry later.\n",
                    headers={"Retry-After": str(self.options.retry_after)},
                )
        if page.behaviour is Behaviour.SLOW:
            await asyncio.sleep(self.options.slow_seconds)
        if page.status == 200 and _not_modified(request, page):
            headers = page.headers()
            del headers["Content-Type"]
            return web.Response(status=304, headers=headers)
        return web.Response(status=page.status, body=page.body, headers=page.headers())

    async def _edition_endpoint(self, request: web.Request) -> web.Response:
        if request.method == "GET":
            return web.json_response({"edition": self.edition})
        if request.method != "POST":
            return web.Response(status=405, headers={"Allow": "GET, POST"})
        value = request.query.get("n")
        if value is None:
            body = (await request.text()).strip()
            value = parse_qs(body).get("n", [body])[0]
        try:
            self.set_edition(int(value or ""))
        except (ValueError, UsageError):
            return web.json_response(
                {"error": f"give the edition as n=1 or n=2 (query or body), got {value!r}"},
                status=400,
            )
        return web.json_response({"edition": self.edition})


def run_demo_site(
    options: DemoOptions,
    sources_out: Path | None,
    on_ready: Callable[[DemoWeb], None] | None = None,
) -> None:
    """Serve until SIGINT or SIGTERM (blocking); write the sources file once listening."""

    async def main() -> None:
        demo = DemoWeb(options)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with demo:
            if sources_out is not None:
                try:
                    sources_out.write_text(demo.sources_toml(), encoding="utf-8")
                except OSError as exc:
                    raise ConfigError(
                        f"cannot write the sources file {sources_out}: {exc.strerror}; "
                        "choose a writable path for --write-sources"
                    ) from exc
            if on_ready is not None:
                on_ready(demo)
            await stop.wait()

    asyncio.run(main())
