from __future__ import annotations

import asyncio
import gzip
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from kuaizhao.fetch import Fetcher, FetchOptions, Validators
from kuaizhao.models import FetchOutcome


def local_options(**changes: Any) -> FetchOptions:
    """The test servers are on loopback, which the fetcher refuses unless told."""
    return FetchOptions(allow_private_addresses=True, **changes)


# The `serve` fixture (conftest.py) starts a real server: `await serve({path: handler})`.
ServeFactory = Callable[[dict[str, Any]], Awaitable[Any]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

FAST = local_options(min_host_interval=0.0, backoff_base=0.01, backoff_jitter=False,
                     timeout=5.0)
HTML = "<html><head><meta charset=gbk></head><body>无锡召开科技创新座谈会</body></html>"


def reply(body: bytes | str, status: int = 200, headers: dict[str, str] | None = None,
          ) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        data = body.encode("gbk") if isinstance(body, str) else body
        return web.Response(body=data, status=status, headers=headers or {})
    return handler


async def test_ok_records_exchange_as_sent(serve: ServeFactory) -> None:
    server = await serve({"/a": reply(HTML, headers={"X-Odd-Case": "1", "ETag": '"v1"',
                                                     "Content-Type": "text/html"})})
    async with Fetcher(FAST) as fetcher:
        result = await fetcher.fetch(server.url + "/a#frag")
    assert result.outcome is FetchOutcome.OK
    assert result.error is None
    ex = result.final
    assert ex is not None
    assert ex.url == server.url + "/a"
    assert (ex.status, ex.reason, ex.http_version) == (200, "OK", "1.1")
    assert ex.body == HTML.encode("gbk") == ex.raw_body
    assert ("X-Odd-Case", "1") in ex.response_headers  # original case kept
    assert ex.ip_address == "127.0.0.1"
    sent = dict(ex.request_headers)
    assert sent["User-Agent"] == FAST.user_agent
    assert "gzip" in sent["Accept-Encoding"]
    assert sent["Host"].startswith("127.0.0.1:")
    assert ex.fetched_at.tzinfo is not None
    # what the server saw is what was recorded
    assert server.seen.requests[-1][2]["User-Agent"] == FAST.user_agent


async def test_gzip_body_kept_raw_and_decoded(serve: ServeFactory) -> None:
    compressed = gzip.compress(HTML.encode("gbk"))
    server = await serve({"/g": reply(compressed, headers={"Content-Encoding": "gzip"})})
    async with Fetcher(FAST) as fetcher:
        result = await fetcher.fetch(server.url + "/g")
    assert result.outcome is FetchOutcome.OK
    assert result.final is not None
    assert result.final.raw_body == compressed
    assert result.final.body == HTML.encode("gbk")
    assert ("Content-Encoding", "gzip") in result.final.response_headers


async def test_conditional_get_304(serve: ServeFactory) -> None:
    async def handler(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(text="new")

    server = await serve({"/c": handler})
    validators = Validators(etag='"v1"', last_modified="Wed, 07 Feb 2024 13:02:00 GMT")
    async with Fetcher(FAST) as fetcher:
        result = await fetcher.fetch(server.url + "/c", validators)
        fresh = await fetcher.fetch(server.url + "/c")
    assert result.outcome is FetchOutcome.NOT_MODIFIED
    assert result.final is not None
    assert result.final.status == 304
    sent = dict(result.final.request_headers)
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Wed, 07 Feb 2024 13:02:00 GMT"
    assert fresh.outcome is FetchOutcome.OK


async def test_gone_and_http_error(serve: ServeFactory) -> None:
    server = await serve({"/gone": reply("bye", 410), "/teapot": reply("no", 418)})
    async with Fetcher(FAST) as fetcher:
        gone = await fetcher.fetch(server.url + "/gone")
        missing = await fetcher.fetch(server.url + "/nowhere")
        teapot = await fetcher.fetch(server.url + "/teapot")
    assert gone.outcome is FetchOutcome.GONE
    assert missing.outcome is FetchOutcome.GONE
    assert teapot.outcome is FetchOutcome.HTTP_ERROR
    assert teapot.error is not None
    assert "418" in teapot.error
    assert teapot.final is not None
    assert teapot.final.body == b"no"


async def test_redirect_chain_records_every_hop(serve: ServeFactory) -> None:
    server = await serve({
        "/r1": reply("", 301, {"Location": "/r2"}),
        "/r2": reply("", 302, {"Location": "final?x=1"}),
        "/final": reply("done"),
    })
    async with Fetcher(FAST) as fetcher:
        result = await fetcher.fetch(server.url + "/r1")
    assert result.outcome is FetchOutcome.OK
    assert [e.status for e in result.exchanges] == [301, 302, 200]
    assert result.final_url == server.url + "/final?x=1"
    assert result.url == server.url + "/r1"


async def test_redirect_loop_stops(serve: ServeFactory) -> None:
    server = await serve({"/loop": reply("", 302, {"Location": "/loop"})})
    async with Fetcher(local_options(min_host_interval=0, max_redirects=3)) as fetcher:
        result = await fetcher.fetch(server.url + "/loop")
    assert result.outcome is FetchOutcome.TOO_MANY_REDIRECTS
    assert len(result.exchanges) == 4
    assert "max_redirects=3" in (result.error or "")


async def test_redirect_to_non_http_is_an_error(serve: ServeFactory) -> None:
    server = await serve({"/x": reply("", 302, {"Location": "ftp://files.example/x"})})
    async with Fetcher(FAST) as fetcher:
        result = await fetcher.fetch(server.url + "/x")
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert "redirect" in (result.error or "")


async def test_oversized_body_with_and_without_length(serve: ServeFactory) -> None:
    async def stream(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(10):
            await response.write(b"x" * 1000)
        await response.write_eof()
        return response

    server = await serve({"/big": reply(b"x" * 5000), "/stream": stream})
    options = local_options(min_host_interval=0, max_body_bytes=2000)
    async with Fetcher(options) as fetcher:
        declared = await fetcher.fetch(server.url + "/big")
        streamed = await fetcher.fetch(server.url + "/stream")
    for result in (declared, streamed):
        assert result.outcome is FetchOutcome.TOO_LARGE
        assert result.exchanges == ()  # nothing partial is kept
        assert "max_body_bytes=2000" in (result.error or "")


async def test_gzip_bomb_is_too_large(serve: ServeFactory) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    server = await serve({"/bomb": reply(bomb, headers={"Content-Encoding": "gzip"})})
    async with Fetcher(local_options(min_host_interval=0, max_body_bytes=100_000)) as fetcher:
        result = await fetcher.fetch(server.url + "/bomb")
    assert len(bomb) < 100_000
    assert result.outcome is FetchOutcome.TOO_LARGE
    assert "inflates" in (result.error or "")


async def _raw_server(payload: bytes) -> tuple[asyncio.Server, int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(payload)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[1]


async def test_truncated_body(serve: ServeFactory) -> None:
    # Content-Length promises 1000 bytes, the server sends 11 and closes.
    server, port = await _raw_server(
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/html\r\n\r\nhello world")
    options = local_options(min_host_interval=0, obey_robots=False)
    async with server, Fetcher(options) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/t")
    assert result.outcome is FetchOutcome.TRUNCATED
    assert result.exchanges == ()


async def test_truncated_gzip_stream(serve: ServeFactory) -> None:
    broken = gzip.compress(b"<html>" + b"a" * 5000)[:-30]
    server = await serve({"/tg": reply(broken, headers={"Content-Encoding": "gzip"})})
    async with Fetcher(FAST) as fetcher:
        result = await fetcher.fetch(server.url + "/tg")
    assert result.outcome is FetchOutcome.TRUNCATED


async def test_slow_server_times_out(serve: ServeFactory) -> None:
    gate = asyncio.Event()

    async def never(request: web.Request) -> web.Response:
        await gate.wait()  # no answer until the test is over
        return web.Response(text="late")

    server = await serve({"/slow": never})
    loop = asyncio.get_running_loop()
    start = loop.time()
    try:
        async with Fetcher(local_options(min_host_interval=0, timeout=0.3)) as fetcher:
            # Without the timeout this would wait for the gate: 60 s, then fail.
            result = await asyncio.wait_for(fetcher.fetch(server.url + "/slow"), 60)
    finally:
        gate.set()
    assert result.outcome is FetchOutcome.TIMEOUT
    assert loop.time() - start >= 0.3
    assert "0.3" in (result.error or "")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connection_refused_after_retries() -> None:
    port = _closed_port()
    options = local_options(min_host_interval=0, retries=2, backoff_base=0.01,
                            backoff_jitter=False, obey_robots=False)
    async with Fetcher(options) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/")
        stats = fetcher.host_stats()
    assert result.outcome is FetchOutcome.CONNECTION_ERROR
    assert result.exchanges == ()
    assert "cannot connect" in (result.error or "")
    assert stats[f"http://127.0.0.1:{port}"][0] == 3  # first try and two retries


async def test_unreachable_host_reports_connection_error_via_robots() -> None:
    port = _closed_port()
    options = local_options(min_host_interval=0, retries=1, backoff_base=0.01,
                            backoff_jitter=False)
    async with Fetcher(options) as fetcher:
        first = await fetcher.fetch(f"http://127.0.0.1:{port}/a")
        second = await fetcher.fetch(f"http://127.0.0.1:{port}/b")
        stats = fetcher.host_stats()
    for result in (first, second):
        assert result.outcome is FetchOutcome.CONNECTION_ERROR
        assert "robots.txt is unreachable" in (result.error or "")
    # robots.txt tried twice, then the host is left alone until robots_error_ttl passes
    assert stats[f"http://127.0.0.1:{port}"][0] == 2


async def test_tls_error(serve: ServeFactory) -> None:
    server = await serve({"/": reply("plain http")})
    https = server.url.replace("http://", "https://")
    async with Fetcher(local_options(min_host_interval=0, obey_robots=False)) as fetcher:
        result = await fetcher.fetch(https + "/")
    assert result.outcome is FetchOutcome.TLS_ERROR


async def test_private_addresses_refused_when_disallowed(serve: ServeFactory) -> None:
    server = await serve({"/": reply("secret")})
    port = server.url.rsplit(":", 1)[1]
    options = FetchOptions(min_host_interval=0)
    async with Fetcher(options) as fetcher:
        literal = await fetcher.fetch(server.url + "/")
        by_name = await fetcher.fetch(f"http://localhost:{port}/")
    assert literal.outcome is FetchOutcome.BLOCKED_ADDRESS
    assert by_name.outcome is FetchOutcome.BLOCKED_ADDRESS
    assert server.seen.requests == []  # not even robots.txt


async def test_missing_context_is_a_programming_error() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        await Fetcher(FAST).fetch("http://127.0.0.1:9/")
