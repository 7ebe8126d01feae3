"""A sorted CDXJ index as ZipNum: gzip blocks of lines plus a summary of the blocks.

This is the index py-wacz (through cdxj-indexer) puts in a WACZ, and so the one the
replay tools look for: pywb's `wb-manager add --unpack-wacz` takes `indexes/*.cdx.gz`
and reads it as one gzip stream; ReplayWeb.page reads `indexes/index.idx`, binary
searches its block keys and fetches only the block it needs. The `.idx` opens with a
`!meta` line naming the data file; each further line is the first key and timestamp
of a block and where that block lies in the `.cdx.gz`.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

LINES_PER_BLOCK = 3000  # cdxj-indexer's default, so block sizes match py-wacz's


@dataclass(frozen=True, slots=True)
class ZipNum:
    data: bytes  # the .cdx.gz: one gzip member per block
    summary: bytes  # the .idx


def _gzip_member(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=16 + zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def zipnum(lines: Iterable[str], data_name: str,
           lines_per_block: int = LINES_PER_BLOCK) -> ZipNum:
    """Compress sorted CDXJ `lines` (without newlines) into blocks; `data_name` is the
    file name the summary points to."""
    meta = json.dumps({"format": "cdxj-gzip-1.0", "filename": data_name})
    summary = [f"!meta 0 {meta}\n"]
    data = bytearray()
    block: list[str] = []

    def flush() -> None:
        member = _gzip_member("".join(line + "\n" for line in block).encode("utf-8"))
        prefix = block[0].split("{", 1)[0].strip()
        where = {"offset": len(data), "length": len(member),
                 "digest": f"sha256:{hashlib.sha256(member).hexdigest()}"}
        summary.append(f"{prefix} {json.dumps(where)}\n")
        data.extend(member)
        block.clear()

    for line in lines:
        block.append(line)
        if len(block) == lines_per_block:
            flush()
    if block:
        flush()
    return ZipNum(bytes(data), "".join(summary).encode("utf-8"))
