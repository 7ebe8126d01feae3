"""`kuaizhao export`, checked by independent tools: warcio, FastWARC, py-wacz, surt."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from import_warcs import BuiltWarc, build_news_warc

from kuaizhao.cli.main import main
from kuaizhao.config import Settings, load_settings
from kuaizhao.errors import UsageError
from kuaizhao.pipeline.exporter import ExportFormat, ExportOptions, export
from kuaizhao.pipeline.importer import ImportOptions, import_files
from kuaizhao.store import Store, open_store

BIN = Path(sys.executable).parent
DATA = Path(__file__).parents[1] / "data" / "archive"
HERITRIX_ARC = DATA / "IAH-20080430204825-00000-blackbook-truncated.arc.gz"


@dataclass
class Archive:
    settings: Settings
    store: Store
    built: BuiltWarc


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    root = tmp_path_factory.mktemp("export")
    settings = load_settings(home=str(root / "home"), environ={},
                             overrides={"warc_fsync": False})
    store = open_store(settings)
    built = build_news_warc(root / "crawl")
    import_files(store, settings, [], [built.path, HERITRIX_ARC], ImportOptions())
    yield Archive(settings, store, built)
    store.close()


def warcio_check(path: Path) -> None:
    """`warcio check` verifies every block and payload digest; exit 0 means all pass."""
    done = subprocess.run([BIN / "warcio", "check", "-v", str(path)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "digest failed" not in done.stdout


def counts(path: Path) -> tuple[int, int]:
    """Records as warcio and as FastWARC (resiliparse) read them."""
    from fastwarc.warc import ArchiveIterator as FastIterator
    from fastwarc.warc import WarcRecordType
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        by_warcio = sum(1 for _ in ArchiveIterator(fh))
    with path.open("rb") as fh:
        by_fastwarc = sum(1 for _ in FastIterator(fh, record_types=WarcRecordType.any_type,
                                                  parse_http=False))
    return by_warcio, by_fastwarc


def test_the_archive_writers_own_warc_passes_the_independent_readers(archive: Archive) -> None:
    warcio_check(archive.built.path)
    by_warcio, by_fastwarc = counts(archive.built.path)
    # warcinfo + (response|revisit + request) per exchange
    assert by_warcio == by_fastwarc == 1 + 2 * (len(archive.built.articles) + 3)


def test_warc_export_copies_records_and_indexes_them(archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "all.warc.gz"
    report = export(archive.store, archive.settings, ExportOptions(ExportFormat.WARC), out)
    snapshots = sum(1 for _ in archive.store.iter_snapshots())
    assert report.snapshots == snapshots > len(archive.built.articles)  # ARC pages too
    warcio_check(out)
    by_warcio, by_fastwarc = counts(out)
    # warcinfo + response per snapshot + the request records the originals had
    assert by_warcio == by_fastwarc == 1 + snapshots + len(archive.built.articles)
    lines = (tmp_path / "all.warc.gz.cdxj").read_text().splitlines()
    assert len(lines) == snapshots
    assert lines == sorted(lines)
    from warcio.archiveiterator import ArchiveIterator
    with out.open("rb") as fh:
        ids = {r.rec_headers.get_header("WARC-Record-ID") for r in ArchiveIterator(fh)
               if r.rec_type == "response"}
    # Records from WARC/1.x files keep their ids; the crawl's records are all there.
    assert {a.record_id for a in archive.built.originals.values()} <= ids
    assert_warcinfo_ids_resolve(out)


def assert_warcinfo_ids_resolve(path: Path) -> None:
    """Every record names, by WARC-Warcinfo-ID, the one warcinfo record of its own file
    (the crawl's and the ARC file's warcinfo records are not exported)."""
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        headers = [r.rec_headers for r in ArchiveIterator(fh)]
    (info,) = [h.get_header("WARC-Record-ID") for h in headers
               if h.get_header("WARC-Type") == "warcinfo"]
    others = [h for h in headers if h.get_header("WARC-Type") != "warcinfo"]
    assert others
    assert all(h.get_header("WARC-Warcinfo-ID") == info for h in others)
    assert all(sum(1 for name, _ in h.headers if name.lower() == "warc-warcinfo-id") == 1
               for h in others)


def test_cdxj_keys_are_those_pywb_computes(archive: Archive, tmp_path: Path) -> None:
    import surt

    out = tmp_path / "archive.cdxj"
    report = export(archive.store, archive.settings, ExportOptions(ExportFormat.CDXJ), out)
    lines = out.read_text().splitlines()
    assert len(lines) == report.captures == archive.store.stats().captures
    for line in lines:
        key, stamp, data = line.split(" ", 2)
        fields = json.loads(data)
        assert key == surt.surt(fields["url"])
        assert len(stamp) == 14
        assert stamp.isdigit()
        assert (archive.settings.warc_path / fields["filename"]).is_file()
    revisits = [json.loads(line.split(" ", 2)[2]) for line in lines if "warc/revisit" in line]
    assert len(revisits) == 1


def test_wacz_export_passes_wacz_validate(archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "news.wacz"
    export(archive.store, archive.settings,
           ExportOptions(ExportFormat.WACZ, title="news export"), out)
    done = subprocess.run([BIN / "wacz", "validate", "-f", str(out)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Validation succeeded" in done.stdout
    with zipfile.ZipFile(out) as zf:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").splitlines()]
        package = json.loads(zf.read("datapackage.json"))
        inner = tmp_path / "data.warc.gz"
        inner.write_bytes(zf.read("archive/data.warc.gz"))
    assert pages[0]["format"] == "json-pages-1.0"
    assert {p["url"] for p in pages[1:]} >= {u for u, _ in archive.built.articles}
    assert {r["path"] for r in package["resources"]} == {
        "archive/data.warc.gz", "indexes/index.cdx.gz", "indexes/index.idx",
        "pages/pages.jsonl"}
    warcio_check(inner)
    assert_warcinfo_ids_resolve(inner)
    assert counts(inner)[0] == counts(inner)[1]
    from wacz.util import validate_pages_jsonl_file
    pages_file = tmp_path / "pages.jsonl"
    pages_file.write_text("\n".join(json.dumps(p) for p in pages))
    assert validate_pages_jsonl_file(str(pages_file))


def test_query_and_dates_select_and_jsonl_carries_provenance(archive: Archive,
                                                             tmp_path: Path) -> None:
    url, _ = archive.built.articles[0]
    [snap] = archive.store.snapshots_of_url(url)
    word = snap.article.title[:2]
    out = tmp_path / "q.jsonl"
    report = export(archive.store, archive.settings,
                    ExportOptions(ExportFormat.JSONL, query=word), out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert report.snapshots == len(rows) >= 1
    row = next(r for r in rows if r["snapshot_id"] == snap.id)
    assert row["article"]["title"] == snap.article.title
    assert row["provenance"]["payload_digest"] == snap.payload_digest
    assert row["provenance"]["warc_record_id"] == archive.built.originals[url].record_id
    assert row["provenance"]["warc_offset"] == snap.warc.offset
    none = tmp_path / "none.jsonl"
    export(archive.store, archive.settings,
           ExportOptions(ExportFormat.JSONL, since=date(2030, 1, 1)), none)
    assert none.read_text() == ""


def test_removed_snapshots_are_never_exported(archive: Archive, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = archive.built.articles[0]
    [removed] = archive.store.snapshots_of_url(url)
    visible = archive.store.visible
    monkeypatch.setattr(archive.store, "visible", lambda sid: sid != removed.id and visible(sid))
    out = tmp_path / "visible.jsonl"
    export(archive.store, archive.settings, ExportOptions(ExportFormat.JSONL), out)
    ids = {json.loads(line)["snapshot_id"] for line in out.read_text().splitlines()}
    assert removed.id not in ids
    assert ids


def test_export_refuses_to_overwrite_and_checks_dates(archive: Archive, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.jsonl"
    out.write_text("keep")
    with pytest.raises(UsageError, match="already exists"):
        export(archive.store, archive.settings, ExportOptions(ExportFormat.JSONL), out)
    assert out.read_text() == "keep"
    home = str(archive.settings.home_path)
    assert main(["--home", home, "export", "--format", "jsonl", "--since", "2024-13-01",
                 str(tmp_path / "y.jsonl")]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["--home", home, "export", "--format", "cdxj", str(tmp_path / "z.cdxj")]) == 0
    assert "captures as cdxj" in capsys.readouterr().out
