"""The ZipNum index of a WACZ: byte for byte what cdxj-indexer (py-wacz's indexer)
writes for the same lines, and every block readable on its own by its summary line."""

from __future__ import annotations

import gzip
import hashlib
import io
import json

import pytest
from cdxj_indexer.main import CompressedWriter

from kuaizhao.archive.zipnum import zipnum

LINES = [f"cn,example,news)/a/{n:05d}.html 20240207{n % 24:02d}0000 "
         + json.dumps({"url": f"https://news.example.cn/a/{n:05d}.html", "offset": n * 100,
                       "length": 99, "filename": "data.warc.gz"})
         for n in range(25)]


@pytest.mark.parametrize("per_block", [1, 7, 25, 3000])
def test_blocks_and_summary_equal_cdxj_indexers(per_block: int) -> None:
    ours = zipnum(LINES, "index.cdx.gz", per_block)
    summary, data = io.StringIO(), io.BytesIO()
    theirs = CompressedWriter(summary, data, num_lines=per_block, data_out_name="index.cdx.gz",
                              digest_records=True)
    for line in LINES:
        theirs.write(line + "\n")
    if theirs.block:
        theirs.flush()
    assert ours.summary.decode() == summary.getvalue()
    assert gzip.decompress(ours.data) == gzip.decompress(data.getvalue())


def test_each_summary_line_finds_its_block() -> None:
    index = zipnum(LINES, "index.cdx.gz", 10)
    meta, *blocks = index.summary.decode().splitlines()
    assert meta == '!meta 0 {"format": "cdxj-gzip-1.0", "filename": "index.cdx.gz"}'
    assert len(blocks) == 3
    seen = []
    for line in blocks:
        key, stamp, where = line.split(" ", 2)
        block = json.loads(where)
        member = index.data[block["offset"]:block["offset"] + block["length"]]
        assert block["digest"] == "sha256:" + hashlib.sha256(member).hexdigest()
        lines = gzip.decompress(member).decode().splitlines()
        assert lines[0].startswith(f"{key} {stamp} ")
        seen += lines
    assert seen == LINES
