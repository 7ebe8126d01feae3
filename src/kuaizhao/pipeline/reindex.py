"""Rebuild the database from the WARC files alone.

The WARC files are the archive; the database is derived from them. `reindex` forgets
every capture, snapshot, story, index entry, fetch log and frontier row, then reads
every record in write order and ingests it as the crawl would have: a response whose
payload equals the URL's previous capture is a capture without a new snapshot, a
revisit points back to its original, discovery documents (feeds, sitemaps, listing
pages, marked by the crawler in the record's `Kuaizhao-Link-Kind` field) are kept as
captures and not extracted. Damaged records are reported with file and offset.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from kuaizhao.archive import DamagedRecord, WarcEntry
from kuaizhao.archive.reader import iter_stored
from kuaizhao.archive.storage import open_storage
from kuaizhao.config import Settings
from kuaizhao.models import ArchivedExchange, LinkKind
from kuaizhao.pipeline.ingest import KIND_FIELD, new_capture, save
from kuaizhao.pipeline.removal import examine
from kuaizhao.pipeline.versions import recheck_at
from kuaizhao.sources import SourceConfig
from kuaizhao.store.base import FrontierEntry, Store

_KINDS = {k.value for k in LinkKind}


@dataclass
class ReindexReport:
    files: int = 0
    records: int = 0
    snapshots: int = 0
    damaged: list[DamagedRecord] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.files} WARC files, {self.records} response/revisit records, "
                f"{self.snapshots} snapshots, {len(self.damaged)} damaged records skipped")


class SourceMap:
    """Which configured source a URL belongs to, by host (WARC records do not say)."""

    def __init__(self, store: Store, sources: Sequence[SourceConfig]) -> None:
        self._by_host: dict[str, tuple[int, SourceConfig]] = {}
        for source in sources:
            source_id = store.upsert_source(source.name, source.homepage, source.to_json())
            for url in source.urls:
                host = urlsplit(url).netloc.lower()
                if host:
                    self._by_host.setdefault(host, (source_id, source))

    def lookup(self, url: str) -> tuple[int | None, SourceConfig | None]:
        found = self._by_host.get(urlsplit(url).netloc.lower())
        return found if found else (None, None)


def reindex(store: Store, settings: Settings, sources: Sequence[SourceConfig],
            progress: Callable[[ReindexReport], None] | None = None) -> ReindexReport:
    store.reset_derived()
    source_map = SourceMap(store, sources)
    report = ReindexReport()
    storage = open_storage(settings.warc_storage_options)
    for name in storage.list_files():
        report.files += 1
        for entry in iter_stored(storage, name, limit=settings.max_record_bytes):
            if isinstance(entry, DamagedRecord):
                report.damaged.append(entry)
                continue
            if entry.status is None or store.has_record(entry.record_id):
                continue
            report.records += 1
            if ingest_entry(store, settings, source_map, entry):
                report.snapshots += 1
            if progress:
                progress(report)
    return report


def ingest_entry(store: Store, settings: Settings, source_map: SourceMap, entry: WarcEntry,
                 *, frontier: bool = True) -> bool:
    """Index one record as the crawl would have; True when it made a new snapshot.

    With `frontier` off the crawl frontier is left as it is (start-up reconciliation:
    the URL's row is still there and due).
    """
    source_id, source = source_map.lookup(entry.target_uri)
    archived = ArchivedExchange(
        url=entry.target_uri, record_id=entry.record_id, response=entry.pointer,
        request=entry.request, payload_digest=entry.payload_digest or "",
        is_revisit=entry.is_revisit, fetched_at=entry.date, status=entry.status or 0,
    )
    capture = new_capture(archived, entry.http_headers, source_id)
    article = None
    marked = entry.warc_header(KIND_FIELD)
    kind = LinkKind(marked) if marked in _KINDS else LinkKind.ARTICLE
    previous = store.last_capture(capture.url)
    unchanged = previous is not None and previous.payload_digest == capture.payload_digest
    removal = None
    if kind is LinkKind.ARTICLE and not unchanged:
        seen = examine(capture, entry.http_headers, entry.payload, source, settings)
        article, removal = seen.article, seen.removal
    with store.transaction():
        if not frontier:
            return save(store, capture, article, removal).snapshot_id is not None
        # The frontier remembers the URL as done, so the next crawl does not fetch it anew;
        # an article stays due for its re-checks (edits, removals) that are still ahead.
        store.enqueue([FrontierEntry(url=capture.url, source_id=source_id, kind=kind,
                                     due_at=capture.captured_at)])
        ingested = save(store, capture, article, removal)
        due = (recheck_at(store, capture.url, datetime.now(UTC), settings.recheck_schedule,
                          captured=False) if kind is LinkKind.ARTICLE else None)
        store.finish(capture.url, "ok", due)
        return ingested.snapshot_id is not None
