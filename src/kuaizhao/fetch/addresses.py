"""Refusing private addresses at the moment of connecting.

Checking a URL's host name before fetching is not enough: the name can resolve to a
public address for the check and a private one for the connection (DNS rebinding).
So the check lives in the resolver the connector uses — the addresses it returns are
the only ones a connection is ever opened to — plus an up-front check for IP
literals, which aiohttp connects to without asking the resolver.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from kuaizhao.errors import BlockedAddressError
from kuaizhao.urls import ip_is_private, is_private_address


def _private(address: str) -> bool:
    try:
        return ip_is_private(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:
        return True  # not an address at all: refuse rather than guess


class PublicOnlyResolver(AbstractResolver):
    """Wraps a resolver and drops private results; raises BlockedAddressError (not an
    OSError, so aiohttp passes it through unwrapped) when nothing public is left."""

    def __init__(self, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or DefaultResolver()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        if is_private_address(host):
            raise BlockedAddressError(host, [host])
        results = await self._inner.resolve(host, port, family)
        public = [r for r in results if not _private(r["host"])]
        if not public:
            raise BlockedAddressError(host, [r["host"] for r in results])
        return public

    async def close(self) -> None:
        await self._inner.close()


async def resolve_is_public(host: str) -> bool:
    """Whether `host` resolves, and only to public addresses — for validating a
    user-submitted URL before queueing it. The fetcher re-checks at connect time."""
    if is_private_address(host):
        return False
    loop = asyncio.get_running_loop()
    try:
        infos: list[tuple[Any, ...]] = await loop.getaddrinfo(host, None,
                                                              type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return False
    addresses = [str(info[4][0]) for info in infos]
    return bool(addresses) and not any(_private(a) for a in addresses)
