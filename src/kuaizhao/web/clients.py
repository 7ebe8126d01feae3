"""Who the client is: the peer address, or the address a trusted proxy forwarded.

Behind a reverse proxy every request comes from the proxy, so per-client limits would
treat all readers as one. `X-Forwarded-For` and `Forwarded` are honoured only when the
direct peer is in the `trusted_proxies` setting; the client is then the rightmost hop
that is not a trusted proxy (anything to its left was written by the client itself and
may be forged). uvicorn runs with `proxy_headers=False`, so this is the one place
forwarding headers are read.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache

from fastapi import Request

from kuaizhao.setting_checks import parse_networks
from kuaizhao.web.render import site_of

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_FOR = re.compile(r'(?:^|[;,])\s*for\s*=\s*("[^"]*"|[^;,\s]*)', re.IGNORECASE)
_MAX_HOPS = 30  # a longer chain is not worth walking; its left end is forged anyway


@lru_cache(maxsize=4)
def _networks(text: str) -> tuple[Network, ...]:
    return parse_networks(text)  # checked when the settings were loaded


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("["):  # Forwarded: for="[2001:db8::1]:4711"
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # 192.0.2.1:4711
        text = text.partition(":")[0]
    try:
        found = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(found, "ipv4_mapped", None)
    return mapped or found


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None,
             networks: tuple[Network, ...]) -> bool:
    return address is not None and any(address in net for net in networks)


def forwarded_hops(forwarded: list[str], x_forwarded_for: list[str]) -> list[str]:
    """The hops a proxy reported, nearest the client first.

    `X-Forwarded-For` wins, since nearly every proxy appends to it (nginx, HAProxy,
    Caddy, Traefik) and a client's own `Forwarded` header, which such a proxy passes on
    untouched, must not be believed; `Forwarded` counts only when there is no XFF.
    """
    if x_forwarded_for:
        return [hop for value in x_forwarded_for for hop in value.split(",")]
    return [m.group(1) for value in forwarded for m in _FOR.finditer(value)]


def client_of(peer: str, hops: list[str], networks: tuple[Network, ...]) -> str:
    """The client address: `peer`, or the rightmost untrusted hop when `peer` is trusted."""
    if not _trusted(_address(peer), networks):
        return peer
    client = peer
    for hop in reversed(hops[-_MAX_HOPS:]):
        address = _address(hop)
        if address is None:
            break  # garbage: the hop to its right is the last one we can vouch for
        client = str(address)
        if not _trusted(address, networks):
            break
    return client


def limit_key(address: str) -> str:
    """What per-client limits count: the address, or for IPv6 its /64 (one subscriber
    line usually holds a whole /64, so single addresses would cost a guesser nothing)."""
    found = _address(address)
    if isinstance(found, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((found, 64), strict=False))
    return address


def client_address(request: Request) -> str:
    """The client key per-client limits count against (see the module docstring)."""
    peer = request.client.host if request.client else "unknown"
    networks = _networks(site_of(request).settings.trusted_proxies)
    if not networks:
        return limit_key(peer)
    hops = forwarded_hops(request.headers.getlist("forwarded"),
                          request.headers.getlist("x-forwarded-for"))
    return limit_key(client_of(peer, hops, networks))
