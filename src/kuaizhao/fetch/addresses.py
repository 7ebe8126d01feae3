"""Refusing private addresses at the moment of connecting.

Checking a URL's host name before fetching is not enough: the name can resolve to a
public address for the check and a private one for the connection (DNS rebinding).
So the policy is enforced where connections are made: the resolver the connector
uses drops private results (the addresses it returns are the only ones a name is
ever connected to), and the connector's socket factory checks every address a
socket is opened to — including IP literals, which aiohttp connects to without
asking the resolver. Every request of a session passes both (redirect hops,
robots.txt, feeds, articles), so no code path can get round them.

The policy (`AddressGuard`): public addresses always; private ones when the
operator allows them all, or when they are the host and port a source's own URL
names (`own_hosts`: the operator configured that address, nobody else chose it).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from kuaizhao.errors import BlockedAddressError
from kuaizhao.urls import canonical_host, host_address, ip_is_private, is_private_address

Sockaddr = tuple[Any, ...]
AddrInfo = tuple[int, int, int, str, Sockaddr]


def _private(address: str) -> bool:
    try:
        return ip_is_private(ipaddress.ip_address(address.split("%", 1)[0]))
    except ValueError:
        return True  # not an address at all: refuse rather than guess


class AddressGuard:
    """The address policy of one client session. `own_hosts` holds `(host, port)`
    pairs (hosts as `canonical_host` spells them) that may be private; a name among
    them opens the addresses it resolves to, at that port, to the socket check."""

    def __init__(self, allow_private: bool = False,
                 own_hosts: Iterable[tuple[str, int]] = ()) -> None:
        self.allow_private = allow_private
        self.own_hosts = frozenset((canonical_host(h), p) for h, p in own_hosts)
        self._opened: set[tuple[str, int]] = {
            (h, p) for h, p in self.own_hosts if host_address(h) is not None}

    def is_own(self, host: str, port: int) -> bool:
        return (canonical_host(host), port) in self.own_hosts

    def allows_host(self, host: str, port: int) -> bool:
        """The check without DNS, for a URL about to be requested."""
        return self.allow_private or self.is_own(host, port) or not is_private_address(host)

    def allows_address(self, address: str, port: int) -> bool:
        return (self.allow_private or (canonical_host(address), port) in self._opened
                or not _private(address))

    def filter_resolved(self, host: str, port: int,
                        results: list[ResolveResult]) -> list[ResolveResult]:
        """The results a connection may use; BlockedAddressError when none is left."""
        if self.allow_private:
            return results
        if self.is_own(host, port):
            self._opened.update((canonical_host(r["host"]), port) for r in results)
            return results
        allowed = [r for r in results if not _private(r["host"])]
        if not allowed:
            raise BlockedAddressError(host, [r["host"] for r in results])
        return allowed

    def socket_factory(self, addr_info: AddrInfo) -> socket.socket:
        """For `TCPConnector(socket_factory=...)`: every socket the session opens is
        made here, so an address the policy refuses is never connected to."""
        family, type_, proto, _, sockaddr = addr_info
        address, port = str(sockaddr[0]), int(sockaddr[1])
        if not self.allows_address(address, port):
            raise BlockedAddressError(address, [address])
        return socket.socket(family=family, type=type_, proto=proto)


class PublicOnlyResolver(AbstractResolver):
    """Wraps a resolver and drops what `guard` refuses; raises BlockedAddressError (not
    an OSError, so aiohttp passes it through unwrapped) when nothing is left."""

    def __init__(self, inner: AbstractResolver | None = None,
                 guard: AddressGuard | None = None) -> None:
        self._inner = inner or DefaultResolver()
        self._guard = guard or AddressGuard()

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        if not self._guard.allows_host(host, port):
            raise BlockedAddressError(host, [host])
        results = await self._inner.resolve(host, port, family)
        return self._guard.filter_resolved(host, port, results)

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
