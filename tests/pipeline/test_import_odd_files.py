"""`kuaizhao import` on files other tools accept: IRIs, segmented records, re-runs with
other options, skips counted by kind, and files that are no WARC at all."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from kuaizhao.cli.main import main
from kuaizhao.config import Settings
from kuaizhao.errors import UsageError
from kuaizhao.pipeline.importer import BAD_DIGEST, NOT_HTTP, ImportOptions, import_files
from kuaizhao.store import Store

DATA = Path(__file__).parents[1] / "data" / "archive"
ODD = json.loads((DATA / "odd.json").read_text(encoding="utf-8"))


def test_iri_target_uri_imports_as_an_article(home: tuple[Settings, Store]) -> None:
    settings, store = home
    [report] = import_files(store, settings, [], [DATA / "utf8-target-uri.warc"],
                            ImportOptions())
    assert report.skipped == []
    assert (report.captures, report.snapshots) == (1, 1)
    [snapshot] = store.iter_snapshots()
    assert snapshot.url == ODD["iri"]
    assert "費德勒" in snapshot.article.text


def test_segmented_record_is_indexed_whole(home: tuple[Settings, Store]) -> None:
    settings, store = home
    [report] = import_files(store, settings, [], [DATA / "segmented.warc"], ImportOptions())
    assert report.skipped == []
    assert (report.captures, report.snapshots) == (1, 1)
    [snapshot] = store.iter_snapshots()
    assert all(f"第{n}段完" in snapshot.article.text for n in range(1, ODD["paragraphs"] + 1))


def test_segmented_record_missing_a_segment_is_not_indexed(home: tuple[Settings, Store]) -> None:
    settings, store = home
    [report] = import_files(store, settings, [], [DATA / "segmented-missing.warc"],
                            ImportOptions())
    assert report.captures == 0
    assert report.skipped_by_kind() == {"incomplete": 1}
    assert "skipped: 1 incomplete" in report.summary()
    assert store.stats().captures == 0


def test_rerun_with_accept_bad_digests_adds_what_the_first_run_skipped(
        home: tuple[Settings, Store], tmp_path: Path) -> None:
    settings, store = home
    path = tmp_path / "bad-digest.warc.gz"
    shutil.copy(DATA / "bad-digest.warc.gz", path)
    [first] = import_files(store, settings, [], [path], ImportOptions())
    assert first.skipped_by_kind() == {BAD_DIGEST: 1}
    assert first.captures == 2
    [same] = import_files(store, settings, [], [path], ImportOptions())
    assert same.already_imported
    assert "already imported" in same.summary()
    assert "it skipped 1 records then: --accept-bad-digests" in same.summary()
    [accepting] = import_files(store, settings, [], [path], ImportOptions(verify_digests=False))
    assert accepting.rescanned
    assert not accepting.already_imported
    assert (accepting.captures, accepting.duplicates, accepting.skipped) == (1, 2, [])
    assert "read again with other options" in accepting.summary()
    [again] = import_files(store, settings, [], [path], ImportOptions(verify_digests=False))
    assert again.already_imported
    assert store.stats().captures == 3
    [row] = store.imported_files()
    assert json.loads(row.report_json)["options"]["verify_digests"] is False


def test_records_without_http_are_counted_apart_from_damage(
        home: tuple[Settings, Store]) -> None:
    settings, store = home
    name = "IAH-20080430204825-00000-blackbook-truncated.arc.gz"
    [report] = import_files(store, settings, [], [DATA / name], ImportOptions())
    assert report.skipped_by_kind() == {NOT_HTTP: 1}
    assert report.skipped[0].kind == NOT_HTTP
    assert "dns:" in report.skipped[0].reason
    assert "skipped: 1 not-http" in report.summary()
    assert "damaged" not in report.summary()


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("empty.warc", b"", "the file is empty"),
    ("page.warc.gz", gzip.compress(b"<html><body>hello</body></html>"), "it starts with"),
    ("notes.arc", b"just some notes\n", "it starts with"),
    ("broken.warc.gz", b"\x1f\x8b\x08garbage", "does not decompress"),
])
def test_a_file_that_is_no_warc_exits_non_zero_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes,
        problem: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["--home", str(tmp_path / "home"), "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err
    assert problem in err
    assert "expected a WARC or ARC file" in err


def test_non_warc_is_refused_before_anything_is_imported(home: tuple[Settings, Store],
                                                         tmp_path: Path) -> None:
    settings, store = home
    empty = tmp_path / "empty.warc.gz"
    empty.touch()
    with pytest.raises(UsageError, match="empty"):
        import_files(store, settings, [], [DATA / "segmented.warc", empty], ImportOptions())
    assert store.stats().captures == 0
