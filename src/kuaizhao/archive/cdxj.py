"""CDXJ index lines, the index format of pywb, ReplayWeb.page and WACZ.

One line per record: `<SURT key> <14-digit UTC timestamp> <JSON>`, sorted, so a
replay tool binary-searches the key its own canonicaliser computes for a requested
URL. The key must therefore be computed the way those tools compute it: the SURT
("Sort-friendly URI Reordering Transform") of the URL after the Internet Archive's
canonicalisation (lower case, no scheme, no `www.`, no default port, host labels
reversed and comma-separated, query arguments sorted, no fragment). `surt_key` does
that; a test compares it with the `surt` package pywb uses, on real URLs.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote_to_bytes, urlsplit

from kuaizhao.errors import UsageError

_WWW = re.compile(r"^www\d*\.")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# As Google's canonicaliser (which the IA's extends): printable ASCII stays as it is,
# except '%' and '#'; control bytes, space and non-ASCII are %-escaped.
_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in "%#")
_ESCAPE_DIGITS = re.compile(r"%([0-9a-fA-F]{2})")


@dataclass(frozen=True, slots=True)
class CdxjRecord:
    """What an index line says about one WARC record."""

    url: str
    captured_at: datetime
    filename: str  # relative to the directory the replay tool reads WARCs from
    offset: int
    length: int
    status: int | None
    mime: str
    digest: str  # payload digest, "sha1:BASE32"
    record_type: str = "response"  # or "revisit"


def _canonical_host(host: str) -> str:
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
    host = _canonical_host(parts.hostname)
    reversed_host = host if ":" in host else ",".join(reversed(host.split(".")))
    if port is not None and str(port) != _DEFAULT_PORTS[parts.scheme.lower()]:
        reversed_host += f":{port}"
    key = reversed_host + ")" + _canonical_path(parts.path or "/")
    if parts.query:
        # Sorted by name, then value (so "a=1" comes before "aa=1").
        arguments = sorted((a for a in _requote(parts.query, _SAFE).split("&") if a),
                           key=lambda a: a.partition("="))
        if arguments:
            key += "?" + "&".join(arguments)
    return key.lower()


def cdxj_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def cdxj_line(record: CdxjRecord) -> str:
    """One index line (without the newline)."""
    fields: dict[str, object] = {"url": record.url}
    if record.record_type == "revisit":
        fields["mime"] = "warc/revisit"
    else:
        fields["mime"] = record.mime or "unk"
    if record.status is not None:
        fields["status"] = str(record.status)
    fields |= {"digest": record.digest, "length": str(record.length),
               "offset": str(record.offset), "filename": record.filename}
    data = json.dumps(fields, ensure_ascii=False, separators=(", ", ": "))
    return f"{surt_key(record.url)} {cdxj_timestamp(record.captured_at)} {data}"


def cdxj_lines(records: Iterable[CdxjRecord]) -> list[str]:
    """Index lines in the order replay tools binary-search: by key, then timestamp."""
    return sorted(cdxj_line(r) for r in records)
