"""The crawler's address policy at connect time: private addresses refused for every
hop and every spelling, except the exact host and port a source's own URL names."""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from kuaizhao.errors import BlockedAddressError
from kuaizhao.fetch import Fetcher, FetchOptions
from kuaizhao.fetch.addresses import AddressGuard
from kuaizhao.models import FetchOutcome

# The `serve` fixture (conftest.py) starts a real server: `await serve({path: handler})`.
ServeFactory = Callable[[dict[str, Any]], Awaitable[Any]]


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def _redirect(location: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": location})
    return handler


async def _page(request: web.Request) -> web.Response:
    return web.Response(text="<html><title>internal</title></html>", content_type="text/html")


async def test_default_options_refuse_loopback(serve: ServeFactory) -> None:
    server = await serve({"/": _page})
    assert not FetchOptions().allow_private_addresses
    async with Fetcher(FetchOptions(min_host_interval=0)) as fetcher:
        result = await fetcher.fetch(server.url + "/")
    assert result.outcome is FetchOutcome.BLOCKED_ADDRESS
    assert result.error is not None
    assert "crawl_allow_private" in result.error
    assert server.seen.requests == []


@pytest.mark.parametrize("spelling", [
    "127.0.0.1", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]", "localhost"])
async def test_own_host_opens_only_its_port(serve: ServeFactory, spelling: str) -> None:
    """A redirect from the source's own loopback address to another loopback port —
    however the address is written — is refused before anything connects there."""
    inner = await serve({"/secret": _page})
    location = f"http://{spelling}:{_port(inner.url)}/secret"
    own = await serve({"/": _redirect(location), "/ok": _page})
    options = FetchOptions(min_host_interval=0, retries=0,
                           own_hosts=frozenset({("127.0.0.1", _port(own.url))}))
    async with Fetcher(options) as fetcher:
        allowed = await fetcher.fetch(own.url + "/ok")
        hop = await fetcher.fetch(own.url + "/")
    assert allowed.outcome is FetchOutcome.OK
    assert hop.outcome is FetchOutcome.BLOCKED_ADDRESS, hop.error
    assert [e.status for e in hop.exchanges] == [302]  # the public hop, not the private one
    assert inner.seen.requests == []


async def test_allow_private_reaches_every_loopback_port(serve: ServeFactory) -> None:
    inner = await serve({"/secret": _page})
    own = await serve({"/": _redirect(inner.url + "/secret")})
    async with Fetcher(FetchOptions(min_host_interval=0, allow_private_addresses=True)) as f:
        result = await f.fetch(own.url + "/")
    assert result.outcome is FetchOutcome.OK
    assert inner.seen.paths() == ["/robots.txt", "/secret"]


def test_socket_factory_is_the_last_line() -> None:
    """Every socket the session opens is made by the guard, so an address that got
    past the URL check (a resolver answer, an IP literal) is still refused."""
    guard = AddressGuard(own_hosts=[("127.0.0.1", 8080), ("localhost", 9000)])
    info = (socket.AF_INET, socket.SOCK_STREAM, 6, "")
    for address in ("169.254.169.254", "10.0.0.1", "100.64.0.1", "0.0.0.0",  # noqa: S104
                    "127.0.0.1"):
        with pytest.raises(BlockedAddressError):
            guard.socket_factory((*info, (address, 80)))
    with guard.socket_factory((*info, ("127.0.0.1", 8080))) as sock:
        assert sock.family == socket.AF_INET
    with pytest.raises(BlockedAddressError):
        guard.socket_factory((socket.AF_INET6, socket.SOCK_STREAM, 6, "",
                              ("64:ff9b::a9fe:a9fe", 80, 0, 0)))
    # a name the source names opens what it resolves to, at that port only
    assert not guard.allows_address("127.0.0.1", 9000)
    guard.filter_resolved("localhost", 9000, [{
        "hostname": "localhost", "host": "127.0.0.1", "port": 9000,
        "family": socket.AF_INET, "proto": 0, "flags": 0}])
    assert guard.allows_address("127.0.0.1", 9000)
    assert not guard.allows_address("127.0.0.1", 9001)
    assert AddressGuard(allow_private=True).allows_address("169.254.169.254", 80)
