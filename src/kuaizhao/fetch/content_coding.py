"""Undoing Content-Encoding ourselves, with a cap.

The session runs with `auto_decompress=False` so the WARC gets the bytes exactly as
sent; the decoded payload is made here, stopping once it passes the size limit so a
gzip, deflate or brotli bomb costs a bounded amount of memory.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

# brotlicffi, not brotli: its Decompressor stops at an output size, and brotli's name
# is shadowed by brotlipy (pulled in by pywb for the benchmarks), which cannot.
try:  # optional: advertise br only when we can decode it
    import brotlicffi as brotli
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
    """Fed a chunk at a time, each call yielding at most `_CHUNK` bytes: a few KB of
    brotli can stand for gigabytes, so the output is counted as it grows."""
    assert brotli is not None
    decoder = brotli.Decompressor()
    out = bytearray()
    try:
        for start in range(0, len(data), _CHUNK):
            piece = data[start:start + _CHUNK]
            while True:
                out += decoder.process(piece, output_buffer_limit=_CHUNK)
                if len(out) > limit:
                    return Decoded(None, too_large=True,
                                   error=f"body inflates past max_body_bytes={limit}")
                piece = b""
                if decoder.can_accept_more_data():
                    break
    except brotli.error as exc:
        detail = exc.args[0] if exc.args else exc  # brotlicffi gives bytes
        if isinstance(detail, bytes):
            detail = detail.decode("ascii", "replace")
        return Decoded(None, error=f"br body could not be decoded: {detail}")
    if not decoder.is_finished():
        return Decoded(None, truncated=True, error="compressed body ends early")
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
