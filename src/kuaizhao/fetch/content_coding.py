"""Undoing Content-Encoding ourselves, with a cap.

The session runs with `auto_decompress=False` so the WARC gets the bytes exactly as
sent; the decoded payload is made here, stopping once it passes the size limit so a
gzip bomb costs a bounded amount of memory.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

try:  # brotli is optional: advertise br only when we can decode it
    import brotli
except ImportError:  # pragma: no cover - depends on the environment
    brotli = None

ACCEPT_ENCODING = "gzip, deflate, br" if brotli is not None else "gzip, deflate"
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class Decoded:
    body: bytes | None
    too_large: bool = False
    truncated: bool = False
    error: str | None = None


def _inflate(data: bytes, wbits: int, limit: int) -> Decoded:
    inflater = zlib.decompressobj(wbits=wbits)
    out = bytearray()
    pending = data
    while pending:
        out += inflater.decompress(pending, _CHUNK)
        if len(out) > limit:
            return Decoded(None, too_large=True,
                           error=f"body inflates past max_body_bytes={limit}")
        pending = inflater.unconsumed_tail
    out += inflater.flush()
    if len(out) > limit:
        return Decoded(None, too_large=True, error=f"body inflates past max_body_bytes={limit}")
    if not inflater.eof:
        return Decoded(None, truncated=True, error="compressed body ends early")
    return Decoded(bytes(out))


def _unbrotli(data: bytes, limit: int) -> Decoded:
    try:
        out = brotli.decompress(data)  # one shot: the brotli binding has no output cap
    except Exception as exc:  # brotli.error derives from Exception only
        return Decoded(None, error=f"br body could not be decoded: {exc}")
    if len(out) > limit:
        return Decoded(None, too_large=True, error=f"body inflates past max_body_bytes={limit}")
    return Decoded(bytes(out))


def _decode_one(data: bytes, coding: str, limit: int) -> Decoded:
    try:
        if coding in ("gzip", "x-gzip"):
            return _inflate(data, 31, limit)
        if coding == "deflate":
            # RFC 9110 says zlib-wrapped, but some servers send raw deflate.
            try:
                return _inflate(data, 15, limit)
            except zlib.error:
                return _inflate(data, -15, limit)
        if coding == "br" and brotli is not None:
            return _unbrotli(data, limit)
    except zlib.error as exc:
        return Decoded(None, error=f"{coding} body could not be decoded: {exc}")
    return Decoded(None, error=f"unsupported Content-Encoding {coding!r}")


def decode_content(raw: bytes, content_encoding: str | None, limit: int) -> Decoded:
    """The payload of `raw` after undoing every listed coding (last applied first)."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    body = raw
    for coding in reversed([c for c in codings if c and c != "identity"]):
        step = _decode_one(body, coding, limit)
        if step.body is None:
            return step
        body = step.body
    return Decoded(body)
