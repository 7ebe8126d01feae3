"""The photo behind a templated article's `<img>`: a small PNG drawn from its key.

The original photographs are not ours to bundle, but the page should not point at a
404 either; a 160×90 gradient keyed by the article stands in, byte-identical on every run.
"""

from __future__ import annotations

import functools
import hashlib
import struct
import zlib

WIDTH, HEIGHT = 160, 90


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


@functools.cache
def demo_png(key: str) -> bytes:
    r0, g0, b0 = hashlib.sha256(key.encode()).digest()[:3]
    rows = bytearray()
    for y in range(HEIGHT):
        rows.append(0)  # filter type: none
        for x in range(WIDTH):
            rows += bytes(((r0 + x) % 256, (g0 + y) % 256, (b0 + x + y) % 256))
    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + _chunk(b"IEND", b"")
    )
