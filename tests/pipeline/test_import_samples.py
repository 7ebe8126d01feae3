"""`kuaizhao import` on real WARC/ARC files from public test suites: each file's outcome.

Three small files are kept in tests/data/archive (licences there); the rest are read
from the shared sample folder and skipped when it is absent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kuaizhao.config import Settings, load_settings
from kuaizhao.pipeline.importer import FileReport, ImportOptions, import_files
from kuaizhao.store import Store, open_store

DATA = Path(__file__).parents[1] / "data" / "archive"
# The shared folder beside the checkout (as CI lays it out), else the workplace copy.
SAMPLES = next(
    (p for p in (Path(__file__).parents[3] / "shared/data/warc_samples",
                 Path("/work/shared/data/warc_samples")) if p.is_dir()),
    Path("/work/shared/data/warc_samples"),
)
UKWA = "ukwa_test_suite/small-arcs-and-warcs/IAH-20080430204825-00000-blackbook-truncated"
WIKI = "ukwa_test_suite/wikipedia-sopa-blackout-2012"

# file: (records read, HTML pages, non-HTML kept, revisits, skipped, a skip reason)
# Every record read becomes a capture (each file goes into an empty archive).
OUTCOMES: dict[str, tuple[int, int, int, int, int, str]] = {
    "resiliparse_cc/warcfile.warc.gz": (16, 16, 0, 0, 0, ""),
    "resiliparse_cc/clipped.warc.gz": (0, 0, 0, 0, 1, "gzip member cut off"),
    "resiliparse_cc/clueweb-quirk.warc.gz": (0, 0, 0, 0, 29, "WARC-Payload-Digest"),
    "resiliparse_cc/block-sized-records.warc.gz": (0, 0, 0, 0, 0, ""),
    f"{UKWA}.warc": (7, 2, 5, 0, 1, "dns:www.archive.org holds no HTTP response"),
    f"{UKWA}.warc.gz": (7, 2, 5, 0, 1, "dns:www.archive.org holds no HTTP response"),
    f"{UKWA}.arc": (7, 2, 5, 0, 1, "dns:www.archive.org holds no HTTP response"),
    f"{UKWA}.arc.gz": (7, 2, 5, 0, 1, "dns:www.archive.org holds no HTTP response"),
    "ukwa_test_suite/small-arcs-and-warcs/IAH-urls-wget.warc.gz": (16, 11, 5, 0, 0, ""),
    f"{WIKI}/wikipedia-blackout/sopa-wikipedia-homepage.warc.gz": (74, 1, 73, 0, 0, ""),
    f"{WIKI}/wikipedia-post-blackout/main-page.warc.gz": (70, 1, 69, 0, 0, ""),
    f"{WIKI}/wikipedia-post-blackout/post-blackout.warc.gz": (51, 1, 50, 0, 0, ""),
    "warcio_testdata/bad.arc": (0, 0, 0, 0, 1, "not an ARC record header line"),
    "warcio_testdata/example-bad-non-chunked.warc.gz": (0, 0, 0, 0, 1, "bytes follow the record"),
    "warcio_testdata/example-digest.warc": (0, 0, 0, 0, 1, "does not match"),
    "warcio_testdata/example-iana.org-chunked.warc": (1, 1, 0, 0, 0, ""),
    "warcio_testdata/example-resource.warc.gz": (0, 0, 0, 0, 0, ""),
    "warcio_testdata/example-space-in-target-uri.warc.gz": (0, 0, 0, 0, 0, ""),
    # 12 bytes short of its ARC length field (its CRs were lost), HTTP body whole: kept.
    "warcio_testdata/example-space-in-url.arc": (1, 1, 0, 0, 0, ""),
    # Read like warcio does (stray bytes after the response are a warning); its gzip
    # body is cut, so its digests fail, as `warcio check` says too.
    "warcio_testdata/example-trunc.warc": (0, 0, 0, 0, 1, "WARC-Block-Digest"),
    "warcio_testdata/example-wget-bad-target-uri.warc.gz": (1, 1, 0, 0, 0, ""),
    "warcio_testdata/example-wrong-chunks.warc.gz": (0, 0, 0, 0, 3, "Content-Length"),
    "warcio_testdata/example.arc": (1, 1, 0, 0, 0, ""),
    "warcio_testdata/example.arc.gz": (1, 1, 0, 0, 0, ""),
    "warcio_testdata/example.warc": (2, 1, 0, 1, 0, ""),
    "warcio_testdata/example.warc.gz": (2, 1, 0, 1, 0, ""),
    "warcio_testdata/post-test.warc.gz": (3, 0, 3, 0, 0, ""),
}
KEPT = {  # copies in tests/data/archive, so these run everywhere
    "resiliparse-cc-warcfile.warc.gz": "resiliparse_cc/warcfile.warc.gz",
    "IAH-urls-wget.warc.gz": "ukwa_test_suite/small-arcs-and-warcs/IAH-urls-wget.warc.gz",
    "IAH-20080430204825-00000-blackbook-truncated.arc.gz": f"{UKWA}.arc.gz",
}


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[tuple[Settings, Store]]:
    settings = load_settings(home=str(tmp_path), environ={}, overrides={"warc_fsync": False})
    store = open_store(settings)
    yield settings, store
    store.close()


def _check(report: FileReport, expected: tuple[int, int, int, int, int, str]) -> None:
    records, html, other, revisits, skipped, reason = expected
    assert report.records == report.captures == records
    assert report.snapshots + report.not_articles + report.unchanged == html
    assert sum(report.other_types.values()) == other
    assert report.revisits == revisits
    assert report.revisits_unresolved == 0
    assert len(report.skipped) == skipped
    assert not skipped or any(reason in s.reason for s in report.skipped)
    assert all(0 <= s.offset < report.size for s in report.skipped)


@pytest.mark.parametrize("name", sorted(KEPT))
def test_kept_samples(archive: tuple[Settings, Store], name: str) -> None:
    settings, store = archive
    [report] = import_files(store, settings, [], [DATA / name], ImportOptions())
    _check(report, OUTCOMES[KEPT[name]])


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="shared WARC samples not present")
@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_shared_samples(archive: tuple[Settings, Store], name: str) -> None:
    settings, store = archive
    [report] = import_files(store, settings, [], [SAMPLES / name], ImportOptions())
    _check(report, OUTCOMES[name])


def test_every_shared_sample_is_in_the_table() -> None:
    if not SAMPLES.is_dir():
        pytest.skip("shared WARC samples not present")
    found = {p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*")
             if p.name.endswith((".warc", ".warc.gz", ".arc", ".arc.gz"))}
    assert found == set(OUTCOMES)


def test_common_crawl_gbk_pages_are_extracted_as_chinese(
        archive: tuple[Settings, Store]) -> None:
    settings, store = archive
    [report] = import_files(store, settings, [], [DATA / "resiliparse-cc-warcfile.warc.gz"],
                            ImportOptions(source="CC-MAIN sample"))
    assert report.snapshots >= 10
    chinese = [s for s in store.iter_snapshots()
               if sum("\u4e00" <= ch <= "\u9fff" for ch in s.article.text) > 50]
    assert len(chinese) >= 5
    assert all(s.source_name == "CC-MAIN sample" for s in chinese)


def test_clueweb_digests_can_be_accepted(archive: tuple[Settings, Store]) -> None:
    if not SAMPLES.is_dir():
        pytest.skip("shared WARC samples not present")
    settings, store = archive
    [report] = import_files(store, settings, [], [SAMPLES / "resiliparse_cc/clueweb-quirk.warc.gz"],
                            ImportOptions(verify_digests=False))
    assert report.skipped == []
    assert report.captures == 29
