"""Regenerate the deliberately broken WARC files in this folder, and `broken.json`.

Run from the repository root: `.venv/bin/python tests/data/archive/make_broken_fixtures.py`.
Each file is written by kuaizhao's own WarcWriter and then damaged in one known way;
`broken.json` records, per file, how many response entries stay readable and at which
offsets `iter_warc` must report damage (with a word its reason must contain).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kuaizhao.archive import WarcOptions, WarcWriter
from kuaizhao.models import ArchivedExchange, HttpExchange

HERE = Path(__file__).parent
START = datetime(2024, 2, 7, 13, 2, 0, tzinfo=UTC)


def _exchange(n: int) -> HttpExchange:
    body = f"<html><title>第{n}篇</title><p>{'新闻正文。' * 40}</p></html>".encode("gbk")
    return HttpExchange(
        method="GET",
        url=f"http://news.example.cn/a/{n}.html",
        request_headers=(("User-Agent", "kuaizhao-fixture"),),
        status=200,
        reason="OK",
        http_version="1.1",
        response_headers=(("Content-Type", "text/html; charset=gbk"),
                          ("Content-Length", str(len(body)))),
        raw_body=body,
        body=body,
        fetched_at=START + timedelta(minutes=n),
        ip_address="203.0.113.9",
    )


def _write(count: int, gzip_records: bool) -> tuple[bytes, list[ArchivedExchange]]:
    with tempfile.TemporaryDirectory() as tmp:
        options = WarcOptions(Path(tmp), gzip=gzip_records, fsync=False)
        with WarcWriter(options) as writer:
            archived = [writer.write_exchange(_exchange(n)) for n in range(count)]
        return (Path(tmp) / archived[0].response.filename).read_bytes(), archived


def _recompress(member: bytes, change: Callable[[bytes], bytes]) -> bytes:
    return gzip.compress(change(gzip.decompress(member)), mtime=0)


def _replace_member(data: bytes, start: int, length: int, new: bytes) -> bytes:
    return data[:start] + new + data[start + length :]


def main() -> None:
    manifest: dict[str, dict[str, object]] = {}

    # A flipped byte in the second response's body: both digests fail, framing is fine.
    data, archived = _write(3, True)
    target = archived[1].response
    member = data[target.offset : target.offset + target.length]
    flipped = _recompress(member, lambda rec: rec.replace("新闻".encode("gbk"), b"XXXX", 1))
    (HERE / "bad-digest.warc.gz").write_bytes(
        _replace_member(data, target.offset, target.length, flipped))
    manifest["bad-digest.warc.gz"] = {"entries": 3, "damaged": [],
                                      "digest_problem_at": target.offset}

    # A torn tail: the first half of one more response member.
    data, archived = _write(4, True)
    last = archived[3].response
    (HERE / "truncated-tail.warc.gz").write_bytes(data[: last.offset + last.length // 2])
    manifest["truncated-tail.warc.gz"] = {"entries": 3,
                                          "damaged": [[last.offset, "cut off"]]}

    # Garbage inside the second response's compressed member.
    data, archived = _write(4, True)
    target = archived[1].response
    middle = target.offset + target.length // 2
    broken = data[:middle] + b"\xff" * 16 + data[middle + 16 :]
    (HERE / "bad-gzip-member.warc.gz").write_bytes(broken)
    manifest["bad-gzip-member.warc.gz"] = {"entries": 3,
                                           "damaged": [[target.offset, "gzip"]]}

    # Content-Length too large in an uncompressed file: the next record is swallowed.
    data, archived = _write(3, False)
    target = archived[1].response
    record = data[target.offset : target.offset + target.length]
    declared = int(re.search(rb"Content-Length: (\d+)", record).group(1))  # type: ignore[union-attr]
    wrong = record.replace(f"Content-Length: {declared}".encode(),
                           f"Content-Length: {declared + 10}".encode(), 1)
    (HERE / "wrong-content-length.warc").write_bytes(
        _replace_member(data, target.offset, target.length, wrong))
    manifest["wrong-content-length.warc"] = {"entries": 2,
                                             "damaged": [[target.offset, "Content-Length"]]}

    # Content-Length too small inside a gzip member.
    data, archived = _write(3, True)
    target = archived[2].response
    member = data[target.offset : target.offset + target.length]
    shorter = _recompress(member, lambda rec: re.sub(
        rb"Content-Length: (\d+)\r\n\r\nHTTP",
        lambda m: b"Content-Length: %d\r\n\r\nHTTP" % (int(m.group(1)) - 50), rec, count=1))
    (HERE / "short-content-length.warc.gz").write_bytes(
        _replace_member(data, target.offset, target.length, shorter))
    manifest["short-content-length.warc.gz"] = {"entries": 2,
                                                "damaged": [[target.offset, "Content-Length"]]}

    (HERE / "broken.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    shutil.rmtree(HERE / "__pycache__", ignore_errors=True)


if __name__ == "__main__":
    main()
