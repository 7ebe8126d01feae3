"""Well-formed but unusual records (IRIs, segments) and records past the size limit.

The hand-made files come from `tests/data/archive/make_odd_fixtures.py`; each must
pass `warcio check` first, so what kuaizhao reads here is what other tools accept.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kuaizhao.archive import (
    DamagedRecord,
    WarcEntry,
    WarcOptions,
    WarcWriter,
    iter_warc,
    read_response,
)
from kuaizhao.archive.entries import INCOMPLETE, TOO_LARGE
from kuaizhao.archive.payload import decode_payload
from kuaizhao.archive.scanning import inflate_member
from kuaizhao.models import HttpExchange

DATA = Path(__file__).parents[1] / "data" / "archive"
ODD = json.loads((DATA / "odd.json").read_text(encoding="utf-8"))
WARCIO = Path(sys.executable).parent / "warcio"


def _items(path: Path, limit: int | None = None) -> list[WarcEntry | DamagedRecord]:
    if limit is None:
        return list(iter_warc(path, DATA))
    return list(iter_warc(path, path.parent, limit=limit))


@pytest.mark.parametrize("name", ["utf8-target-uri.warc", "segmented.warc",
                                  "segmented-missing.warc"])
def test_hand_made_files_pass_warcio_check(name: str) -> None:
    done = subprocess.run([str(WARCIO), "check", str(DATA / name)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_utf8_target_uri_keeps_the_block_where_its_bytes_are() -> None:
    [entry] = _items(DATA / "utf8-target-uri.warc")
    assert isinstance(entry, WarcEntry)
    assert entry.target_uri == ODD["iri"]
    assert entry.digest_problems == ()
    assert read_response(DATA, entry.pointer).payload == entry.payload  # strict re-read
    assert "義大利公開賽" in entry.payload.decode()


def test_segmented_record_comes_whole() -> None:
    [entry] = _items(DATA / "segmented.warc")
    assert isinstance(entry, WarcEntry)
    assert entry.record_type == "response"
    assert entry.target_uri == ODD["segmented_url"]
    assert len(entry.payload) == ODD["segmented_payload_bytes"]
    text = entry.payload.decode()
    assert all(f"第{n}段完" in text for n in range(1, ODD["paragraphs"] + 1))
    assert read_response(DATA, entry.pointer).payload == entry.payload  # the raw view's read


def test_segmented_record_missing_a_segment_is_reported_not_handed_out() -> None:
    items = _items(DATA / "segmented-missing.warc")
    assert not any(isinstance(i, WarcEntry) for i in items)
    [damage] = items
    assert isinstance(damage, DamagedRecord)
    assert damage.kind == INCOMPLETE
    assert damage.offset == 0
    assert "segment 2 is missing" in damage.reason


def test_continuation_without_its_first_segment_is_reported(tmp_path: Path) -> None:
    data = (DATA / "segmented.warc").read_bytes()
    second = ODD["segment_offsets"][1]
    path = tmp_path / "tail.warc"
    path.write_bytes(data[second:])
    items = _items(path, 1 << 20)
    assert [(type(i).__name__, getattr(i, "kind", "")) for i in items] == [
        ("DamagedRecord", INCOMPLETE), ("DamagedRecord", INCOMPLETE)]
    assert "first segment is not before it" in items[0].reason  # type: ignore[union-attr]


def _exchange(url: str, body: bytes) -> HttpExchange:
    return HttpExchange(
        method="GET", url=url, request_headers=(), status=200, reason="OK", http_version="1.1",
        response_headers=(("Content-Type", "application/octet-stream"),), raw_body=body,
        body=body, fetched_at=datetime(2024, 2, 7, tzinfo=UTC), ip_address=None)


@pytest.mark.parametrize("compressed", [True, False])
def test_record_past_the_limit_is_skipped_and_the_next_is_read(tmp_path: Path,
                                                               compressed: bool) -> None:
    with WarcWriter(WarcOptions(tmp_path, gzip=compressed, fsync=False)) as writer:
        writer.write_exchange(_exchange("http://example.com/big.bin", bytes(3 << 20)))
        writer.write_exchange(_exchange("http://example.com/small.bin", b"small"))
        name = writer.current_file
    assert name is not None
    items = _items(tmp_path / name, limit=1 << 20)
    damaged = [i for i in items if isinstance(i, DamagedRecord)]
    entries = [i for i in items if isinstance(i, WarcEntry)]
    assert [d.kind for d in damaged] == [TOO_LARGE]
    assert "max_record_bytes" in damaged[0].reason
    assert [e.target_uri for e in entries] == ["http://example.com/small.bin"]


def test_gzip_member_inflating_past_the_limit_stops_early() -> None:
    bomb = gzip.compress(bytes(64 << 20), compresslevel=9)
    member = inflate_member(bomb, 0, len(bomb), limit=1 << 20)
    assert not member.complete
    assert member.too_large
    assert member.data == b""
    assert member.length < len(bomb)  # stopped reading before the end


def test_content_encoding_inflating_past_the_limit_stays_as_stored() -> None:
    body = zlib.compress(bytes(8 << 20))
    decoded = decode_payload(body, (("Content-Encoding", "deflate"),), limit=1 << 20)
    assert decoded.body == body
    assert decoded.error is not None
    assert "max_record_bytes" in decoded.error
