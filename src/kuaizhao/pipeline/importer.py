"""`kuaizhao import`: captures from WARC and ARC files other tools wrote.

Each file is read once, record by record (`iter_warc` holds one record at a time), and
stays where it is: pointers name it through `archive.foreign` (a link, or a copy with
`--copy`). A record becomes a capture the way a crawled page does (`ingest`): HTML
responses are extracted, deduplicated and indexed; other responses (images, scripts,
feeds, errors) are kept as captures and counted by content type, not extracted; a
revisit resolves to its original (by WARC-Refers-To, then Refers-To URI and date, then
payload digest). Records not imported are reported with their offset and counted by
kind (`SKIP_KINDS`): damaged (bad gzip member, wrong Content-Length, torn tail), bad
digests, no HTTP response (dns:, metadata), too large, an incomplete segmented record;
the rest of the file still imports. A file whose SHA-256 was imported before with the
same options adds nothing; with options that read differently (`--accept-bad-digests`,
`max_record_bytes`) it is read again for what the first run skipped. A record whose
WARC-Record-ID the archive already holds is never added twice.
"""

from __future__ import annotations

import ctypes
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from kuaizhao.archive import DamagedRecord, WarcEntry, iter_warc
from kuaizhao.archive.digest import normalize_digest, payload_digest
from kuaizhao.archive.entries import DAMAGED, INCOMPLETE, TOO_LARGE, WARNING
from kuaizhao.archive.foreign import check_archive_file, file_sha256, place_file
from kuaizhao.archive.records import angle_record_id
from kuaizhao.config import Settings
from kuaizhao.errors import ExtractError
from kuaizhao.models import ArchivedExchange, Article
from kuaizhao.pipeline.ingest import extract_capture, is_html, new_capture, save
from kuaizhao.pipeline.reconcile import reconcile
from kuaizhao.pipeline.reindex import SourceMap
from kuaizhao.sources import SourceConfig
from kuaizhao.store.base import CaptureRef, NewCapture, Store


@dataclass(frozen=True, slots=True)
class ImportOptions:
    source: str | None = None  # outlet name for every capture (default: by host, from sources)
    category: str | None = None  # category of articles whose page names none
    copy: bool = False  # copy the file under <home>/warc/imported/ instead of linking it
    # Skip records whose declared digests do not match. Off for crawls known to have
    # written digests their own way (ClueWeb09's WARC/0.18 payload digests).
    verify_digests: bool = True


NOT_HTTP = "not-http"  # a record without an HTTP response (dns:, whois, bare resource)
BAD_DIGEST = "bad-digest"  # a declared digest does not match (--accept-bad-digests takes it)
SKIP_KINDS = (DAMAGED, BAD_DIGEST, NOT_HTTP, TOO_LARGE, INCOMPLETE)


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    offset: int
    length: int
    reason: str
    kind: str = DAMAGED


def read_options(options: ImportOptions, settings: Settings) -> dict[str, object]:
    """The options that decide which records of a file are read: a re-run that differs
    in these reads the file again."""
    return {"verify_digests": options.verify_digests,
            "max_record_bytes": settings.max_record_bytes}


@dataclass
class FileReport:
    """What importing one file did; saved as JSON with the file's row."""

    path: str
    sha256: str = ""
    size: int = 0
    warc_file: str = ""
    placement: str = ""
    already_imported: bool = False
    records: int = 0  # response and revisit records read whole
    captures: int = 0  # new capture rows
    snapshots: int = 0  # new extracted articles
    unchanged: int = 0  # HTML whose payload (or article text) equals the URL's last capture
    not_articles: int = 0  # HTML with no article to extract (front pages, errors)
    revisits: int = 0
    revisits_unresolved: int = 0  # the original is not in the archive
    duplicates: int = 0  # WARC-Record-ID already in the archive
    other_types: dict[str, int] = field(default_factory=dict)  # non-HTML, kept
    skipped: list[SkippedRecord] = field(default_factory=list)
    warnings: list[SkippedRecord] = field(default_factory=list)  # records kept despite these
    options: dict[str, object] = field(default_factory=dict)  # `read_options` of this run
    rescanned: bool = False  # imported before with other options; read again
    skipped_before: int = 0  # records the earlier import skipped, when it adds nothing now
    bytes_done: int = 0

    def skipped_by_kind(self) -> dict[str, int]:
        counts = Counter(s.kind for s in self.skipped)
        return {kind: counts[kind] for kind in SKIP_KINDS if counts[kind]}

    def summary(self) -> str:
        if self.already_imported:
            again = (f"; it skipped {self.skipped_before} records then: --accept-bad-digests "
                     "or another max_record_bytes reads it again" if self.skipped_before else "")
            return f"{self.path}: already imported (same SHA-256), nothing added{again}"
        other = sum(self.other_types.values())
        skipped = ", ".join(f"{n} {kind}" for kind, n in self.skipped_by_kind().items())
        again = " (read again with other options)" if self.rescanned else ""
        return (f"{self.path}{again}: {self.records} records, {self.captures} new captures, "
                f"{self.snapshots} articles, {self.unchanged} unchanged, {self.not_articles} "
                f"HTML pages without an article, {other} non-HTML kept, {self.revisits} "
                f"revisits ({self.revisits_unresolved} without original), {self.duplicates} "
                f"already archived, skipped: {skipped or 'none'}"
                + (f", {len(self.warnings)} warnings" if self.warnings else ""))

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)


Progress = Callable[[FileReport], None]
_M_MMAP_THRESHOLD = -3  # glibc mallopt parameter


def release_large_blocks() -> None:
    """Have glibc serve blocks of 128 KB and more (record payloads) by mmap.

    Its default threshold climbs after the first large block is freed, after which
    1 MB payloads come from the heap and, interleaved with the extractor's small
    objects, keep it fragmented: on a 2 GB import peak memory was 367 MB instead of
    297 MB. Mapped blocks go back to the system when freed. Elsewhere it does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
    except (OSError, AttributeError):
        return  # not glibc (e.g. musl): its allocator already maps large blocks


def import_files(store: Store, settings: Settings, sources: Sequence[SourceConfig],
                 paths: Sequence[Path], options: ImportOptions,
                 progress: Progress | None = None) -> list[FileReport]:
    """Import every file in order; a bad path raises before anything is imported."""
    checked = [check_archive_file(p) for p in paths]
    reconcile(store, settings, sources)  # what a killed crawl left uncommitted goes first
    source_map = SourceMap(store, sources)
    fixed = _fixed_source(store, sources, options)
    return [import_file(store, settings, path, options, source_map, fixed, progress)
            for path in checked]


def _fixed_source(store: Store, sources: Sequence[SourceConfig],
                  options: ImportOptions) -> tuple[int | None, SourceConfig | None]:
    if options.source is None:
        return None, None
    config = next((s for s in sources if s.name == options.source), None)
    if config is None:
        config = SourceConfig(name=options.source)
        with store.transaction():
            source_id = store.upsert_source(config.name, None, config.to_json())
    else:
        with store.transaction():
            source_id = store.upsert_source(config.name, config.homepage, config.to_json())
    return source_id, config


def import_file(store: Store, settings: Settings, path: Path, options: ImportOptions,
                source_map: SourceMap, fixed: tuple[int | None, SourceConfig | None],
                progress: Progress | None = None) -> FileReport:
    report = FileReport(path=str(path), size=path.stat().st_size,
                        options=read_options(options, settings))
    report.sha256 = file_sha256(path)
    earlier = store.imported_file(report.sha256)
    if earlier is not None:
        before = json.loads(earlier.report_json)
        # Rows written before options were kept: read with digests checked, no size limit.
        if (before.get("options", {**report.options, "verify_digests": True}) == report.options
                or not before.get("skipped")):
            report.already_imported, report.warc_file = True, earlier.warc_file
            report.placement = earlier.placement
            report.skipped_before = len(before.get("skipped", ()))
            return report
        report.rescanned = True
    placed = place_file(path, settings.warc_path, report.sha256, options.copy)
    report.warc_file, report.placement = placed.warc_file, placed.placement.value
    types: Counter[str] = Counter()
    for item in iter_warc(settings.warc_path / placed.warc_file, settings.warc_path,
                          limit=settings.max_record_bytes):
        if isinstance(item, DamagedRecord):
            found = SkippedRecord(item.offset, item.length, item.reason, item.kind)
            (report.warnings if item.kind == WARNING else report.skipped).append(found)
            report.bytes_done = item.offset + item.length
        else:
            _import_entry(store, settings, item, options, source_map, fixed, report, types)
            report.bytes_done = item.pointer.offset + item.pointer.length
        if progress:
            progress(report)
    report.other_types = dict(types.most_common())
    with store.transaction():
        if report.rescanned:
            store.update_imported_file(report.sha256, datetime.now(UTC), report.to_json())
        else:
            store.add_imported_file(report.sha256, report.size, str(path), report.warc_file,
                                    report.placement, fixed[0], options.category,
                                    datetime.now(UTC), report.to_json())
    return report


def _import_entry(store: Store, settings: Settings, entry: WarcEntry, options: ImportOptions,
                  source_map: SourceMap, fixed: tuple[int | None, SourceConfig | None],
                  report: FileReport, types: Counter[str]) -> None:
    pointer = entry.pointer
    if entry.digest_problems and options.verify_digests:
        reason = "; ".join(entry.digest_problems)
        report.skipped.append(SkippedRecord(pointer.offset, pointer.length, reason, BAD_DIGEST))
        return
    if entry.status is None:
        report.skipped.append(SkippedRecord(
            pointer.offset, pointer.length,
            f"{entry.record_type} record of {entry.target_uri[:200]} holds no HTTP response",
            NOT_HTTP))
        return
    report.records += 1
    if store.has_record(entry.record_id):
        report.duplicates += 1
        return
    source_id, source = fixed if fixed[1] is not None else source_map.lookup(entry.target_uri)
    if options.category and source is not None and source.category is None:
        source = replace(source, category=options.category)
    capture, original = _capture(store, entry, source_id)
    article: Article | None = None
    content_type = capture.content_type
    if capture.is_revisit:
        report.revisits += 1
        report.revisits_unresolved += original is None
    elif not is_html(content_type, entry.payload):
        types[(content_type or "unknown").split(";")[0].strip().lower() or "unknown"] += 1
    else:
        previous = store.last_capture(capture.url)
        if previous is not None and previous.payload_digest == capture.payload_digest:
            report.unchanged += 1
        else:
            article = _extract(capture, entry, source, settings, options)
            report.not_articles += article is None
    with store.transaction():
        ingested = save(store, capture, article)
    report.captures += 1
    report.snapshots += ingested.snapshot_id is not None
    # An article whose text equals the URL's last version is no new snapshot (versions).
    report.unchanged += article is not None and ingested.snapshot_id is None


def _extract(capture: NewCapture, entry: WarcEntry, source: SourceConfig | None,
             settings: Settings, options: ImportOptions) -> Article | None:
    try:
        article = extract_capture(capture, entry.payload, source, settings)
    except ExtractError:
        return None  # kept as a capture; the raw view still shows the page
    if article is not None and article.category is None and options.category:
        article = replace(article, category=options.category)
    return article


def _capture(store: Store, entry: WarcEntry,
             source_id: int | None) -> tuple[NewCapture, CaptureRef | None]:
    """The capture row for a record, and for a revisit the original it resolved to."""
    original = _original_of(store, entry) if entry.is_revisit else None
    if original is not None:
        digest = original.payload_digest
    elif entry.payload_digest:
        digest = normalize_digest(entry.payload_digest)  # a response's is checked by iter_warc
    else:
        digest = payload_digest(entry.raw_payload)  # ARC and some wget files declare none
    archived = ArchivedExchange(
        url=_target_url(entry.target_uri), record_id=entry.record_id, response=entry.pointer,
        request=entry.request, payload_digest=digest, is_revisit=entry.is_revisit,
        fetched_at=entry.date, status=entry.status or 0,
    )
    return new_capture(archived, entry.http_headers, source_id), original


def _original_of(store: Store, entry: WarcEntry) -> CaptureRef | None:
    found = store.capture_by_record(angle_record_id(entry.refers_to)) if entry.refers_to else None
    if found is None and entry.refers_to_uri and entry.refers_to_date:
        found = store.capture_at(_target_url(entry.refers_to_uri), entry.refers_to_date)
    if found is None and entry.payload_digest:
        found = store.capture_with_digest(normalize_digest(entry.payload_digest))
    return found


def _target_url(uri: str) -> str:
    # wget 1.14 wrote WARC-Target-URI in angle brackets.
    uri = uri.strip()
    return uri[1:-1] if uri.startswith("<") and uri.endswith(">") else uri
