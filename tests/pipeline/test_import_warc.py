"""`kuaizhao import` on WARC files kuaizhao built from real news pages, and on broken ones."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from import_warcs import BuiltWarc, build_news_warc

from kuaizhao.archive import read_response
from kuaizhao.cli.main import main
from kuaizhao.config import Settings
from kuaizhao.errors import UsageError
from kuaizhao.pipeline.importer import ImportOptions, import_files
from kuaizhao.store import Store

DATA = Path(__file__).parents[1] / "data" / "archive"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarc:
    return build_news_warc(tmp_path_factory.mktemp("foreign"))


def test_html_pages_become_searchable_snapshots_pointing_into_the_file(
        home: tuple[Settings, Store], built: BuiltWarc) -> None:
    settings, store = home
    [report] = import_files(store, settings, [], [built.path],
                            ImportOptions(source="Example News", category="国内"))
    assert report.skipped == []
    assert report.records == len(built.articles) + 3
    assert report.snapshots == len(built.articles)
    assert report.other_types == {"image/png": 1}
    assert report.not_articles == 1  # the 404 page
    assert (report.revisits, report.revisits_unresolved) == (1, 0)
    link = settings.warc_path / report.warc_file
    assert report.placement == "link"
    assert link.is_symlink()
    assert link.resolve() == built.path.resolve()
    url, body = built.articles[0]
    [snap] = store.snapshots_of_url(url)
    assert snap.source_name == "Example News"
    assert snap.warc.filename == report.warc_file
    assert read_response(settings.warc_path, snap.warc).payload == body
    hits = store.search(snap.article.title.split()[0][:4])
    assert snap.id in [h.snapshot_id for h in hits.hits]
    # The revisit resolved to its original: same payload digest, the snapshot is shared.
    captures = store.captures_of_url(url)
    assert [c.is_revisit for c in captures] == [False, True]
    assert captures[1].snapshot_id == snap.id


def test_importing_the_same_file_again_adds_nothing(home: tuple[Settings, Store],
                                                    built: BuiltWarc, tmp_path: Path) -> None:
    settings, store = home
    import_files(store, settings, [], [built.path], ImportOptions())
    before = store.stats()
    [again] = import_files(store, settings, [], [built.path], ImportOptions())
    assert again.already_imported
    assert again.captures == 0
    # A copy under another name has another path but the same bytes: nothing either.
    copy = tmp_path / "renamed.warc.gz"
    shutil.copyfile(built.path, copy)
    [renamed] = import_files(store, settings, [], [copy], ImportOptions())
    assert renamed.already_imported
    assert store.stats() == before


def test_records_already_archived_are_not_added_twice(home: tuple[Settings, Store],
                                                      built: BuiltWarc, tmp_path: Path) -> None:
    settings, store = home
    import_files(store, settings, [], [built.path], ImportOptions())
    # Same records, different bytes (uncompressed): the file digest differs, record ids do not.
    plain = tmp_path / "same-records.warc"
    plain.write_bytes(gzip.decompress(built.path.read_bytes()))
    [report] = import_files(store, settings, [], [plain], ImportOptions())
    assert report.captures == 0
    assert report.duplicates == report.records > 0


def test_copy_puts_the_file_under_warc_imported(home: tuple[Settings, Store],
                                                built: BuiltWarc) -> None:
    settings, store = home
    [report] = import_files(store, settings, [], [built.path], ImportOptions(copy=True))
    copied = settings.warc_path / report.warc_file
    assert report.placement == "copy"
    assert report.warc_file.startswith("imported/")
    assert not copied.is_symlink()
    assert copied.read_bytes() == built.path.read_bytes()


@pytest.mark.parametrize("name", ["bad-gzip-member.warc.gz", "bad-digest.warc.gz",
                                  "truncated-tail.warc.gz", "wrong-content-length.warc",
                                  "short-content-length.warc.gz"])
def test_a_corrupt_record_is_reported_with_its_offset_and_the_rest_imports(
        home: tuple[Settings, Store], name: str) -> None:
    settings, store = home
    expected = json.loads((DATA / "broken.json").read_text())[name]
    [report] = import_files(store, settings, [], [DATA / name], ImportOptions())
    [skipped] = report.skipped
    if expected["damaged"]:
        [(offset, reason)] = expected["damaged"]
        assert (skipped.offset, reason in skipped.reason) == (offset, True)
        assert report.captures == expected["entries"]
    else:  # the bad digest: read whole, but skipped as damaged evidence
        assert skipped.offset == expected["digest_problem_at"]
        assert "does not match" in skipped.reason
        assert report.captures == expected["entries"] - 1
    assert report.captures > 0


def test_bad_paths_are_refused_before_anything_is_imported(home: tuple[Settings, Store],
                                                           built: BuiltWarc,
                                                           tmp_path: Path) -> None:
    settings, store = home
    text = tmp_path / "notes.txt"
    text.write_text("x")
    for bad in (tmp_path / "missing.warc.gz", text, tmp_path):
        with pytest.raises(UsageError):
            import_files(store, settings, [], [built.path, bad], ImportOptions())
    assert store.stats().captures == 0


def test_cli_import_list_and_reimport(tmp_path: Path, built: BuiltWarc,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    home = str(tmp_path / "cli-home")
    assert main(["--home", home, "import", str(built.path), "--source", "Example"]) == 0
    first = capsys.readouterr().out
    assert f"{len(built.articles)} articles" in first
    assert main(["--home", home, "import", str(built.path)]) == 0
    assert "already imported" in capsys.readouterr().out
    assert main(["--home", home, "import", "--list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["other_types"] == {"image/png": 1}
    assert main(["--home", home, "import"]) == 2
    assert main(["--home", home, "reindex"]) == 0  # linked files are part of the archive
    assert f"{len(built.articles)} snapshots" in capsys.readouterr().out
