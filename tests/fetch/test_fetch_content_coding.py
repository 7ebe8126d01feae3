"""Brotli decoding within `max_body_bytes`, with memory measured in a child process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import brotlicffi

from kuaizhao.fetch.content_coding import ACCEPT_ENCODING, decode_content

# 1,617 bytes of brotli that expand to 2 GiB of zeros (quality 5, 24-bit window).
BOMB = Path(__file__).parents[1] / "data" / "fetch" / "zeros-2gib.br"

_CHILD = """
import resource, sys
from kuaizhao.fetch.content_coding import decode_content
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[2] == "decode":
    result = decode_content(data, "br", 10 * 1024 * 1024)
    assert result.too_large and result.body is None, result
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(before, after)
"""


def _peak_kib(mode: str) -> tuple[int, int]:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(BOMB), mode], check=True,
                          capture_output=True, text=True, timeout=60)
    before, after = done.stdout.split()
    return int(before), int(after)


def test_brotli_round_trip_truncation_and_garbage() -> None:
    assert "br" in ACCEPT_ENCODING
    text = "无锡召开科技创新座谈会".encode() * 500
    packed = brotlicffi.compress(text)
    assert decode_content(packed, "br", len(text)).body == text
    over = decode_content(packed, "br", len(text) - 1)
    assert over.too_large
    assert over.body is None
    assert decode_content(packed[:-4], "br", 1 << 20).truncated
    broken = decode_content(b"not brotli at all", "br", 1 << 20)
    assert broken.body is None
    assert broken.error is not None
    assert broken.error.startswith("br body could not be decoded")
    assert decode_content(brotlicffi.compress(b""), "br", 1).body == b""


def test_brotli_bomb_refused_with_bounded_memory() -> None:
    """A one-shot decode of the bomb needs its 2 GiB output in memory; the capped one
    stops after max_body_bytes (10 MiB) plus a chunk."""
    assert BOMB.stat().st_size < 2000
    _, idle = _peak_kib("import-only")
    before, after = _peak_kib("decode")
    assert after - before < 64 * 1024, (before, after)
    assert after - idle < 64 * 1024, (idle, after)
