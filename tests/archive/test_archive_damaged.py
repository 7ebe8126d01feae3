"""Deliberately broken WARC files: damage is reported with its offset, the rest is read.

The kuaizhao-written fixtures and `broken.json` come from `make_broken_fixtures.py`
in tests/data/archive; the others are copies of warcio's and resiliparse's test data
(Apache-2.0, licences alongside).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kuaizhao.archive import DamagedRecord, WarcEntry, iter_warc, read_response
from kuaizhao.archive.entries import WARNING
from kuaizhao.errors import ArchiveError, CorruptRecord
from kuaizhao.models import WarcPointer

DATA = Path(__file__).parents[1] / "data" / "archive"
MANIFEST: dict[str, dict[str, object]] = json.loads((DATA / "broken.json").read_text())


def _split(path: Path) -> tuple[list[WarcEntry], list[DamagedRecord]]:
    items = list(iter_warc(path, DATA))
    entries = [i for i in items if isinstance(i, WarcEntry)]
    damaged = [i for i in items if isinstance(i, DamagedRecord)]
    assert len(entries) + len(damaged) == len(items)
    return entries, damaged


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_broken_fixture_reports_damage_at_its_offset(name: str) -> None:
    expected = MANIFEST[name]
    entries, damaged = _split(DATA / name)
    assert len(entries) == expected["entries"]
    assert [d.offset for d in damaged] == [offset for offset, _ in expected["damaged"]]  # type: ignore[attr-defined]
    for found, (_, word) in zip(damaged, expected["damaged"], strict=True):  # type: ignore[call-overload]
        assert word in found.reason
        assert found.filename == name
        error = found.to_error()
        assert isinstance(error, CorruptRecord)
        assert str(found.offset) in str(error)
    for entry in entries:  # whatever iter_warc hands out, a pointer re-reads
        strict = not entry.digest_problems
        stored = read_response(DATA, entry.pointer, verify_digests=strict)
        assert stored.record_id == entry.record_id


def test_bad_digest_names_both_digests_and_blocks_strict_reads() -> None:
    offset = MANIFEST["bad-digest.warc.gz"]["digest_problem_at"]
    entries, _ = _split(DATA / "bad-digest.warc.gz")
    bad = next(e for e in entries if e.pointer.offset == offset)
    assert len(bad.digest_problems) == 2
    assert "WARC-Block-Digest" in bad.digest_problems[0]
    assert "WARC-Payload-Digest" in bad.digest_problems[1]
    assert all(not e.digest_problems for e in entries if e is not bad)
    with pytest.raises(CorruptRecord, match=rf"at offset {offset}: WARC-Block-Digest") as caught:
        read_response(DATA, bad.pointer)
    assert caught.value.offset == offset
    assert read_response(DATA, bad.pointer, verify_digests=False).raw_payload == bad.raw_payload


def test_pointer_into_damage_is_a_corrupt_record_error() -> None:
    torn_at = MANIFEST["truncated-tail.warc.gz"]["damaged"][0][0]  # type: ignore[index]
    size = (DATA / "truncated-tail.warc.gz").stat().st_size
    with pytest.raises(CorruptRecord, match="holds"):
        read_response(DATA, WarcPointer("truncated-tail.warc.gz", torn_at, size))
    with pytest.raises(CorruptRecord):
        read_response(DATA, WarcPointer("truncated-tail.warc.gz", torn_at, size - torn_at))
    bad_gzip_at = MANIFEST["bad-gzip-member.warc.gz"]["damaged"][0][0]  # type: ignore[index]
    with pytest.raises(CorruptRecord, match="gzip"):
        read_response(DATA, WarcPointer("bad-gzip-member.warc.gz", bad_gzip_at, 800))


def test_pointer_mistakes_are_clear_errors() -> None:
    entries, _ = _split(DATA / "example.warc.gz")
    with pytest.raises(ArchiveError, match="missing"):
        read_response(DATA, WarcPointer("nope.warc.gz", 0, 10))
    with pytest.raises(ArchiveError, match="inside the WARC directory"):
        read_response(DATA, WarcPointer("../archive/example.warc.gz", 0, 10))
    request = entries[0].request  # in warcio's example the request follows its response
    assert request is not None
    with pytest.raises(ArchiveError, match="'request' record"):
        read_response(DATA, request)


def test_warcio_example_with_a_revisit() -> None:
    entries, damaged = _split(DATA / "example.warc.gz")
    assert damaged == []
    assert [e.record_type for e in entries] == ["response", "revisit"]
    response, revisit = entries
    assert response.status == 200
    assert b"Example Domain" in response.payload
    assert revisit.refers_to_uri == response.target_uri
    assert revisit.refers_to_date is not None
    assert revisit.payload == b""
    assert all(e.request is not None for e in entries)


def test_foreign_damage_is_reported() -> None:
    # warcio reads its response whole (its gzip body is cut, so the digests fail) and
    # warns about the bytes after it: so do we, and keep the record.
    kept, trunc = _split(DATA / "example-trunc.warc")
    assert [(d.offset, d.kind, "stray bytes" in d.reason) for d in trunc] == [
        (2560, WARNING, True)]
    assert [(e.pointer.offset, len(e.digest_problems)) for e in kept] == [(1197, 2)]
    entries, clipped = _split(DATA / "clipped.warc.gz")
    assert entries == []
    assert [(d.offset, "cut off" in d.reason) for d in clipped] == [(0, True)]
    _, digest = _split(DATA / "example-digest.warc")
    assert [(d.offset, "request record: WARC-Payload-Digest" in d.reason) for d in digest] == [
        (0, True)]
