"""Undoing transfer- and content-encoding of a stored payload, for re-reading records.

Our own records never hold chunked bodies (see `records`), but imported WARCs often do.
A body that does not decode as declared is returned as stored, with the reason, rather
than raising: the raw bytes are still the evidence, and servers do mislabel bodies.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from kuaizhao.models import Headers

# Bytes of one record, or of one decoded body, read into memory (the max_record_bytes
# setting): untrusted files must not decide how much memory import takes.
MAX_RECORD = 64 << 20


@dataclass(frozen=True, slots=True)
class DecodedPayload:
    body: bytes
    error: str | None = None


def header_value(headers: Headers, name: str) -> str | None:
    """First value of a header, matched case-insensitively."""
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def dechunk(data: bytes) -> bytes:
    """Remove HTTP/1.1 chunked framing; ValueError when the framing is broken."""
    out = bytearray()
    pos = 0
    while True:
        line_end = data.find(b"\r\n", pos)
        if line_end < 0:
            raise ValueError(f"chunk size line missing at byte {pos}")
        size_text = data[pos:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ValueError(f"bad chunk size {size_text[:20]!r} at byte {pos}") from None
        pos = line_end + 2
        if size == 0:
            return bytes(out)  # trailers, if any, are not part of the body
        if pos + size > len(data):
            raise ValueError(f"chunk at byte {pos} runs past the end of the body")
        out += data[pos : pos + size]
        pos += size
        if data[pos : pos + 2] == b"\r\n":
            pos += 2


def _inflate(data: bytes, wbits: int, limit: int) -> bytes:
    decompressor = zlib.decompressobj(wbits)
    out = decompressor.decompress(data, limit + 1)
    if len(out) > limit:
        raise ValueError(f"body inflates past {limit} bytes (max_record_bytes)")
    out += decompressor.flush()
    if not decompressor.eof:
        raise ValueError("compressed stream ends early (truncated body)")
    return out


def _undo_coding(data: bytes, coding: str, limit: int) -> bytes:
    if coding in ("gzip", "x-gzip"):
        return _inflate(data, 16 + zlib.MAX_WBITS, limit)
    if coding == "deflate":
        # Servers send both zlib-wrapped (as the RFC says) and raw deflate.
        try:
            return _inflate(data, zlib.MAX_WBITS, limit)
        except zlib.error:
            return _inflate(data, -zlib.MAX_WBITS, limit)
    raise ValueError(f"content-encoding {coding!r} is not supported")


def decode_payload(raw: bytes, headers: Headers, limit: int = MAX_RECORD) -> DecodedPayload:
    """The entity body with chunking and content-encodings undone, as far as possible.

    A body that would inflate past `limit` bytes stays as stored, with the reason.
    """
    body = raw
    transfer = (header_value(headers, "transfer-encoding") or "").lower()
    if "chunked" in transfer:
        try:
            body = dechunk(raw)
        except ValueError as exc:
            # Some writers de-chunk but keep the header; take the bytes as they are.
            return DecodedPayload(raw, f"Transfer-Encoding says chunked but {exc}")
    codings = [
        c.strip().lower()
        for c in (header_value(headers, "content-encoding") or "").split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]
    if not body:
        return DecodedPayload(body)
    for coding in reversed(codings):
        try:
            body = _undo_coding(body, coding, limit)
        except (zlib.error, ValueError) as exc:
            return DecodedPayload(body, f"cannot undo Content-Encoding {coding}: {exc}")
    return DecodedPayload(body)
