"""`kuaizhao export`: the archive, or a query's results, in the formats other tools read.

* `warc` — a new .warc.gz with each selected snapshot's response and request records
  copied unchanged, plus `<OUT>.cdxj`, its CDXJ index (a replay tool needs both).
* `wacz` — that WARC, its CDXJ index and pages.jsonl packed as WACZ 1.1.1.
* `cdxj` — a CDXJ index of the archive's own WARC files, in place: point pywb's
  `archive_paths` at `<home>/warc/`. Without a query every capture is indexed
  (revisits and non-HTML records too); with one, the selected snapshots'.
* `jsonl` — one extracted article per line, with its provenance (URL, capture time,
  payload digest, WARC file, offset and record id).

Selection: `--query` is a search query (same language as `kuaizhao search`); where
search folds a story's reposts into one result, the export holds every member of the
story (`--collapse-stories`: only the one search shows). `--since` and `--until` are
capture dates (UTC, inclusive). Snapshots the store does not hold
`visible` (removed content) are never exported.
"""

from __future__ import annotations

import enum
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from kuaizhao import __version__
from kuaizhao.archive.cdxj import CdxjRecord, cdxj_lines
from kuaizhao.archive.export import ExportItem, ExportWarc
from kuaizhao.archive.storage import open_storage
from kuaizhao.archive.wacz import WaczPage, write_wacz
from kuaizhao.config import Settings
from kuaizhao.errors import UsageError
from kuaizhao.models import Snapshot
from kuaizhao.store.base import ArchivedCapture, Store

SOFTWARE = f"kuaizhao/{__version__}"
_PAGE = 100  # the search engine's largest page


class ExportFormat(enum.StrEnum):
    WARC = "warc"
    WACZ = "wacz"
    CDXJ = "cdxj"
    JSONL = "jsonl"


_SUFFIXES = {ExportFormat.WARC: ".warc.gz", ExportFormat.WACZ: ".wacz",
             ExportFormat.CDXJ: ".cdxj", ExportFormat.JSONL: ".jsonl"}


@dataclass(frozen=True, slots=True)
class ExportOptions:
    format: ExportFormat
    query: str | None = None
    since: date | None = None
    until: date | None = None
    title: str = "kuaizhao export"
    collapse_stories: bool = False  # one snapshot per story, as search shows them

    @property
    def window(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) of the capture dates, in UTC."""
        start = datetime.combine(self.since, time(), UTC) if self.since else None
        end = datetime.combine(self.until + timedelta(days=1), time(), UTC) if self.until \
            else None
        return start, end


@dataclass
class ExportReport:
    out: str
    format: str
    snapshots: int = 0
    captures: int = 0
    files: list[str] = field(default_factory=list)

    def summary(self) -> str:
        what = (f"{self.captures} captures" if self.format == ExportFormat.CDXJ
                else f"{self.snapshots} snapshots")
        return f"exported {what} as {self.format} to {', '.join(self.files)}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


Progress = Callable[[ExportReport], None]


def parse_day(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UsageError(f"--{name} expects a date written YYYY-MM-DD (e.g. 2024-02-07), "
                         f"got {value[:40]!r}") from None


def selected_snapshots(store: Store, options: ExportOptions) -> Iterator[Snapshot]:
    """The snapshots an export holds, oldest capture first within each page of results."""
    start, end = options.window
    if options.since and options.until and options.since > options.until:
        raise UsageError(f"--since {options.since} is after --until {options.until}; swap them")
    snapshots = (_search(store, options.query, not options.collapse_stories) if options.query
                 else store.iter_snapshots())
    stories: set[int] = set()
    for snap in snapshots:
        if (start and snap.captured_at < start) or (end and snap.captured_at >= end):
            continue
        if options.collapse_stories and snap.story_id is not None:
            if snap.story_id in stories:
                continue
            stories.add(snap.story_id)
        if store.visible(snap.id):
            yield snap


def _search(store: Store, query: str, members: bool) -> Iterator[Snapshot]:
    """Search folds a story's reposts into one hit (its original); an archive export
    wants every member back unless asked to collapse."""
    seen: set[int] = set()
    offset: int | None = 0
    while offset is not None:
        page = store.search(query, offset=offset, limit=_PAGE, sort="newest")
        for hit in page.hits:
            snap = store.snapshot(hit.snapshot_id)
            group = [snap]
            if members and snap.story_id is not None:
                group += [m for m in store.story_members(snap.story_id) if m.id != snap.id]
            for member in group:
                if member.id not in seen:
                    seen.add(member.id)
                    yield member
        offset = page.next_offset


def export(store: Store, settings: Settings, options: ExportOptions, out: Path,
           progress: Progress | None = None) -> ExportReport:
    report = ExportReport(out=str(out), format=options.format.value)
    if out.exists():
        raise UsageError(f"{out} already exists; give a new file name (nothing is overwritten)")
    suffix = _SUFFIXES[options.format]
    if not out.name.lower().endswith(suffix):
        raise UsageError(f"a {options.format.value} export is written as {suffix}; name the "
                         f"output file accordingly, e.g. export{suffix}")
    if not out.parent.is_dir():
        raise UsageError(f"directory {out.parent} does not exist; create it first")
    match options.format:
        case ExportFormat.JSONL:
            _jsonl(store, options, out, report, progress)
        case ExportFormat.CDXJ:
            _cdxj(store, settings, options, out, report, progress)
        case ExportFormat.WARC:
            records, _ = _warc(store, settings, options, out, report, progress)
            index = out.with_name(out.name + ".cdxj")
            _write_lines(index, cdxj_lines(records))
            report.files.append(str(index))
        case ExportFormat.WACZ:
            _wacz(store, settings, options, out, report, progress)
    return report


def _item(capture: ArchivedCapture) -> ExportItem:
    return ExportItem(url=capture.url, captured_at=capture.captured_at, status=capture.status,
                      content_type=capture.content_type, payload_digest=capture.payload_digest,
                      is_revisit=capture.is_revisit, response=capture.response,
                      request=capture.request)


def _warc(store: Store, settings: Settings, options: ExportOptions, out: Path,
          report: ExportReport, progress: Progress | None
          ) -> tuple[list[CdxjRecord], list[WaczPage]]:
    records: list[CdxjRecord] = []
    pages: list[WaczPage] = []
    storage = open_storage(settings.warc_storage_options)
    with ExportWarc(out, storage, SOFTWARE) as warc:
        for snap in selected_snapshots(store, options):
            capture = store.archived_capture_of_snapshot(snap.id)
            records.append(warc.add(_item(capture)))
            pages.append(WaczPage(url=snap.url, captured_at=snap.captured_at,
                                  title=snap.article.title, page_id=f"snapshot-{snap.id}"))
            report.snapshots += 1
            report.captures += 1
            if progress:
                progress(report)
    report.files.append(str(out))
    return records, pages


def _wacz(store: Store, settings: Settings, options: ExportOptions, out: Path,
          report: ExportReport, progress: Progress | None) -> None:
    # The WARC is written beside OUT first (inside the WACZ it is archive/data.warc.gz,
    # the name its index lines use), then stored into the ZIP and removed.
    staged = out.with_name(f".{out.name}.partial")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir()
    try:
        warc = staged / "data.warc.gz"
        records, pages = _warc(store, settings, options, warc, report, progress)
        write_wacz(out, [warc], cdxj_lines(records), pages, title=options.title,
                   software=SOFTWARE, description=_describe(options))
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    report.files = [str(out)]


def _describe(options: ExportOptions) -> str:
    parts = [f"query {options.query!r}" if options.query else "every snapshot"]
    if options.since:
        parts.append(f"captured from {options.since}")
    if options.until:
        parts.append(f"until {options.until}")
    return "kuaizhao export of " + ", ".join(parts)


def _cdxj(store: Store, settings: Settings, options: ExportOptions, out: Path,
          report: ExportReport, progress: Progress | None) -> None:
    if options.query:
        captures: Iterator[ArchivedCapture] = (
            store.archived_capture_of_snapshot(s.id) for s in selected_snapshots(store, options))
    else:
        captures = store.iter_archived_captures(*options.window)
    records = []
    for capture in captures:
        if capture.snapshot_id is not None and not store.visible(capture.snapshot_id):
            continue
        records.append(CdxjRecord(
            url=capture.url, captured_at=capture.captured_at, filename=capture.response.filename,
            offset=capture.response.offset, length=capture.response.length,
            status=capture.status, mime=(capture.content_type or "").split(";")[0].strip().lower(),
            digest=capture.payload_digest,
            record_type="revisit" if capture.is_revisit else "response"))
        report.captures += 1
        report.snapshots += capture.snapshot_id is not None
        if progress:
            progress(report)
    _write_lines(out, cdxj_lines(records))
    report.files.append(str(out))


def _jsonl(store: Store, options: ExportOptions, out: Path, report: ExportReport,
           progress: Progress | None) -> None:
    with out.open("x", encoding="utf-8") as handle:
        for snap in selected_snapshots(store, options):
            capture = store.archived_capture_of_snapshot(snap.id)
            handle.write(json.dumps(article_record(snap, capture), ensure_ascii=False) + "\n")
            report.snapshots += 1
            if progress:
                progress(report)
    report.files.append(str(out))


def article_record(snap: Snapshot, capture: ArchivedCapture) -> dict[str, object]:
    """One JSONL line: the extracted article and where exactly it came from."""
    article = asdict(snap.article)
    for key in ("published_at", "updated_at"):
        value = article[key]
        article[key] = value.isoformat() if isinstance(value, datetime) else None
    return {
        "snapshot_id": snap.id,
        "url": snap.url,
        "source": snap.source_name or None,
        "captured_at": snap.captured_at.isoformat(),
        "status": snap.status,
        "story_id": snap.story_id,
        "article": article,
        "provenance": {
            "payload_digest": snap.payload_digest,
            "warc_record_id": capture.record_id,
            "warc_file": capture.response.filename,
            "warc_offset": capture.response.offset,
            "warc_length": capture.response.length,
            "content_type": capture.content_type,
            "exported_by": SOFTWARE,
        },
    }


def _write_lines(path: Path, lines: list[str]) -> None:
    with path.open("x", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in lines)
