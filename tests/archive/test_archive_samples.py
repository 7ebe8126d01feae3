"""`iter_warc` over real WARC/ARC files from public test suites (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaizhao.archive import DamagedRecord, WarcEntry, iter_warc, list_warc_files, read_response

# The shared folder beside the checkout (as CI lays it out), else the workplace copy.
SAMPLES = next(
    (p for p in (Path(__file__).parents[3] / "shared/data/warc_samples",
                 Path("/work/shared/data/warc_samples")) if p.is_dir()),
    Path("/work/shared/data/warc_samples"),
)
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared WARC samples not present")

UKWA = "ukwa_test_suite/small-arcs-and-warcs/IAH-20080430204825-00000-blackbook-truncated"
# (file, responses and revisits found, how many have their request paired)
EXPECTED = [
    ("resiliparse_cc/warcfile.warc.gz", 16, 16),
    ("resiliparse_cc/clueweb-quirk.warc.gz", 29, 0),
    ("ukwa_test_suite/small-arcs-and-warcs/IAH-urls-wget.warc.gz", 16, 16),
    (f"{UKWA}.warc", 8, 7),
    (f"{UKWA}.warc.gz", 8, 7),
    (f"{UKWA}.arc", 8, 0),
    (f"{UKWA}.arc.gz", 8, 0),
    ("warcio_testdata/example.arc.gz", 1, 0),
    ("warcio_testdata/example-iana.org-chunked.warc", 1, 1),
    ("warcio_testdata/post-test.warc.gz", 3, 3),
]


def _entries(path: Path) -> tuple[list[WarcEntry], list[DamagedRecord]]:
    items = list(iter_warc(path, SAMPLES))
    return ([i for i in items if isinstance(i, WarcEntry)],
            [i for i in items if isinstance(i, DamagedRecord)])


@pytest.mark.parametrize(("name", "responses", "paired"), EXPECTED)
def test_counts_and_pointers_of_real_files(name: str, responses: int, paired: int) -> None:
    entries, damaged = _entries(SAMPLES / name)
    assert damaged == []
    assert len(entries) == responses
    assert sum(e.request is not None for e in entries) == paired
    for entry in entries:
        stored = read_response(SAMPLES, entry.pointer, verify_digests=False)
        assert (stored.record_id, stored.target_uri) == (entry.record_id, entry.target_uri)
        assert stored.date.tzinfo is not None


def test_common_crawl_file_has_chinese_pages_and_sound_digests() -> None:
    entries, _ = _entries(SAMPLES / "resiliparse_cc/warcfile.warc.gz")
    assert all(e.digest_problems == () for e in entries)
    assert all(e.status is not None for e in entries)
    gbk = [e for e in entries if "gb" in (e.header("Content-Type") or "").lower()]
    assert gbk
    assert all(e.request_method == "GET" for e in entries)


def test_every_sample_file_is_read_without_crashing() -> None:
    files = list_warc_files(SAMPLES)
    assert len(files) >= 20
    total = 0
    for path in files:
        entries, damaged = _entries(path)
        total += len(entries)
        for item in damaged:
            assert item.reason
            assert 0 <= item.offset < path.stat().st_size
    assert total >= 250  # 299 responses and revisits in the set as stored
