"""URL normalisation and address checks, shared by discovery, fetching and the web.

Normalising makes one page one key: the frontier, the archive and URL lookup all
compare normalised URLs. Only changes that cannot alter what a server returns are made
(RFC 3986 §6.2.2 plus dropping the fragment and default ports); the query keeps its
order because many news CMSs route on it. Pure: no DNS here — `fetch` does lookups.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from urllib.parse import quote, unquote_to_bytes, urljoin, urlsplit, urlunsplit

import idna

from kuaizhao.errors import UsageError

DEFAULT_PORTS = {"http": 80, "https": 443}

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
# Characters left as they are in paths and queries: unreserved, sub-delims and the
# gen-delims that may appear there. Decoding any of the reserved ones could change
# meaning (`%2F` is not `/`), so escapes of reserved characters stay escaped.
_KEEP_RAW = _UNRESERVED | frozenset("!$&'()*+,;=:@/?")
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
_HEX = frozenset("0123456789ABCDEFabcdef")
_STRIP_INSIDE = str.maketrans("", "", "\t\n\r")
_WWW = re.compile(r"^www\d*\.")
# As Google's canonicaliser (which the IA's extends): printable ASCII stays as it is,
# except '%' and '#'; control bytes, space and non-ASCII are %-escaped.
_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "%#")


def _normalise_escapes(part: str) -> str:
    """Decode escaped unreserved characters, uppercase the remaining escapes and
    percent-encode (as UTF-8) everything that may not appear raw, including a `%`
    that starts no valid escape — so running this twice changes nothing."""
    out: list[str] = []
    i, n = 0, len(part)
    while i < n:
        ch = part[i]
        if ch == "%" and i + 2 < n and part[i + 1] in _HEX and part[i + 2] in _HEX:
            decoded = chr(int(part[i + 1 : i + 3], 16))
            out.append(decoded if decoded in _UNRESERVED else "%" + part[i + 1 : i + 3].upper())
            i += 3
            continue
        if ch in _KEEP_RAW:
            out.append(ch)
        else:
            out.extend(f"%{b:02X}" for b in ch.encode("utf-8", "surrogatepass"))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4, for absolute URLs that arrive with `.` or `..` segments."""
    if "." not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for seg in segments[1:]:
        if seg == ".":
            continue
        if seg == "..":
            if out:
                out.pop()
            continue
        out.append(seg)
    if segments[-1] in (".", ".."):
        out.append("")
    return "/" + "/".join(out)


def _normalise_host(host: str, url: str) -> str:
    if host.startswith("[") or host.isascii():
        return host.lower()
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise UsageError(f"{url!r} has a host name that is not valid IDNA ({exc}); "
                         "check the address for typos") from exc


def normalize_url(url: str, base: str | None = None) -> str:
    """The canonical form of an http(s) URL, resolved against `base` when relative.

    Raises UsageError for anything that is not an absolute http or https URL after
    resolution (mailto:, javascript:, a host-less path), with the offending value.
    """
    raw = url.strip().translate(_STRIP_INSIDE)
    try:
        if base is not None:  # urljoin too raises on a bracket without its pair
            raw = urljoin(base.strip(), raw)
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"{url!r} is not a valid URL ({exc}); "
                         "give an absolute http:// or https:// URL") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise UsageError(f"{url!r} is not an http or https URL; "
                         "only http:// and https:// pages can be captured")
    hostname = parts.hostname or ""
    if not hostname:
        raise UsageError(f"{url!r} has no host name; give an absolute URL like "
                         "https://example.com/path")
    if ":" in hostname:  # IPv6 literal: urlsplit strips the brackets
        hostname = f"[{hostname}]"
    host = _normalise_host(hostname, url)
    netloc = host
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{host}:{port}"
    if "@" in parts.netloc:
        userinfo = parts.netloc.rsplit("@", 1)[0]
        netloc = f"{_normalise_escapes(userinfo)}@{netloc}"
    path = _remove_dot_segments(_normalise_escapes(parts.path or "/"))
    query = _normalise_escapes(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def host_key(url: str) -> str:
    """`scheme://host:port` with the port always spelled out: the unit of politeness
    (robots.txt, rate limits) — RFC 9309 scopes robots.txt to exactly this triple."""
    parts = urlsplit(normalize_url(url))
    scheme = parts.scheme
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{parts.port or DEFAULT_PORTS[scheme]}"


def url_host(url: str) -> str:
    """The normalised host of `url`, without brackets around IPv6 literals."""
    return urlsplit(normalize_url(url)).hostname or ""


# NAT64 (RFC 6052): the last 32 bits are the IPv4 address the gateway connects to.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# Names whose DNS answers with whatever address is written in the name (or always
# loopback): they exist to reach an address by name, so they count as that address —
# which no check without DNS can know, so they are treated as private.
_ADDRESS_IN_NAME = ("nip.io", "sslip.io", "xip.io", "nip.direct", "traefik.me",
                    "localtest.me", "lvh.me")


def ip_is_private(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for any address that is not globally routable: loopback, RFC 1918,
    link-local (cloud metadata lives at 169.254.169.254), CGNAT, unique-local,
    multicast, reserved, documentation and benchmark ranges — and IPv6 forms that
    embed such an IPv4 address (mapped, 6to4, Teredo, NAT64)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return ip_is_private(embedded)
        if ip.teredo is not None:
            return ip_is_private(ip.teredo[1])
    # Python 3.11 counts 64:ff9b:1::/48 and the IPv4-compatible ::/96 as global;
    # is_reserved catches both (and 240.0.0.0/4).
    return not ip.is_global or ip.is_multicast or ip.is_reserved


def _ipv4_number(part: str) -> int | None:
    """One part of a numeric IPv4 host as inet_aton(3) and the WHATWG URL standard
    read it: 0x… hexadecimal, 0… octal, else decimal."""
    base = 10
    if part[:2] in ("0x", "0X"):
        part, base = part[2:] or "0", 16
    elif len(part) > 1 and part.startswith("0"):
        part, base = part[1:], 8
    try:
        return int(part, base) if part.isalnum() and part.isascii() else None
    except ValueError:
        return None


def _legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """`2852039166`, `0xA9FEA9FE`, `127.1`, `0177.0.0.1`: the numeric spellings that
    resolvers and browsers turn into an IPv4 address although `ipaddress` rejects them."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(parts):
        return None
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    *head, last = [n for n in numbers if n is not None]
    if any(n > 255 for n in head) or last >= 256 ** (5 - len(parts)):
        return None
    value = last
    for i, n in enumerate(head):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def host_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names literally, in any spelling (bracketed IPv6 with a zone,
    legacy numeric IPv4); None for a host name."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.split("%", 1)[0]  # IPv6 zone id
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return _legacy_ipv4(host) if host[:1].isdigit() else None


def canonical_host(host: str) -> str:
    """One spelling per host: the standard form of an address written any way, else
    the lowercased name without its final dot."""
    address = host_address(host)
    return str(address) if address is not None else host.strip().lower().rstrip(".")


def is_private_address(host_or_ip: str) -> bool:
    """Whether a host is known, without DNS, to be private: an IP literal in any
    spelling that is not globally routable, `localhost` and its subdomains (RFC 6761),
    or a name under a service that resolves names to the address written in them
    (nip.io, sslip.io, …). Other names return False here; `fetch` checks what they
    resolve to at connect time."""
    address = host_address(host_or_ip)
    if address is not None:
        return ip_is_private(address)
    host = canonical_host(host_or_ip)
    return any(host == name or host.endswith("." + name)
               for name in ("localhost", *_ADDRESS_IN_NAME))


def _surt_host(host: str) -> str:
    host = host.strip(".").lower()
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host
    except ValueError:
        pass
    with contextlib.suppress(UnicodeError):  # a host IDNA refuses is indexed as written
        host = host.encode("idna").decode("ascii")
    return _WWW.sub("", host)


def _requote(text: str, safe: str) -> str:
    """Undo %-escapes, then escape exactly what is not `safe`, so spellings agree."""
    raw = unquote_to_bytes(text)
    return quote(raw, safe=safe)


def _canonical_path(path: str) -> str:
    parts: list[str] = []
    for segment in _requote(path, _SAFE).split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if parts:
                parts.pop()
            continue
        parts.append(segment)
    return "/" + "/".join(parts)  # a trailing slash is not part of the key


def surt_key(url: str) -> str:
    """The SURT key replay tools look `url` up by, e.g. `com,example)/news/a.html?a=1&b=2`."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"cannot index {url[:200]!r}: {exc}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url.strip().lower()  # dns:, urn: and the like are indexed verbatim
    host = _surt_host(parts.hostname)
    reversed_host = host if ":" in host else ",".join(reversed(host.split(".")))
    if port is not None and port != DEFAULT_PORTS[parts.scheme.lower()]:
        reversed_host += f":{port}"
    key = reversed_host + ")" + _canonical_path(parts.path or "/")
    if parts.query:
        # Sorted by name, then value (so "a=1" comes before "aa=1").
        arguments = sorted((a for a in _requote(parts.query, _SAFE).split("&") if a),
                           key=lambda a: a.partition("="))
        if arguments:
            key += "?" + "&".join(arguments)
    return key.lower()


# Query parameters that say how a visitor arrived, never which page: campaign tags
# (utm_*), click ids of ad networks, and the share markers of Chinese portals (spm,
# from, vd_source, isappinstalled...). Dropped from the lookup key only.
_TRACKING = frozenset({
    "spm", "spm_id_from", "from", "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid",
    "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok", "ocid", "cmpid", "xtor",
    "isappinstalled", "scene", "vd_source", "share_source", "share_medium", "share_plat",
    "share_tag", "wfr", "tt_from", "utm",
})


def _is_tracking(argument: str) -> bool:
    name = unquote_to_bytes(argument.partition("=")[0]).decode("utf-8", "replace").lower()
    return name.startswith("utm_") or name in _TRACKING


def lookup_key(url: str) -> str:
    """The key every spelling of one page shares, for finding a capture under a variant
    of its URL: the SURT key (no scheme, no `www.`, lower case, default port and
    fragment dropped, query sorted, trailing slash ignored) without tracking parameters."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise UsageError(f"cannot look up {url[:200]!r}: {exc}") from None
    query = "&".join(a for a in parts.query.split("&") if a and not _is_tracking(a))
    return surt_key(urlunsplit((parts.scheme, parts.netloc, parts.path, query, "")))
