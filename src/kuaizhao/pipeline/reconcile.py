"""Start-up reconciliation: WARC records the database does not point to yet.

A crawl writes and fsyncs a fetch's WARC records before one transaction points the
database at them (docs/architecture.md, crash safety). A kill in between leaves whole
records at the end of a file that no capture names, and `reindex` would then count
more captures than the live archive holds. When a crawl or an import opens the
archive, each local WARC file of kuaizhao's own whose writer is gone is read from just
past the last record the database points to; every response or revisit found there is
indexed the way `reindex` indexes one record, and damage found there (the torn tail a
kill leaves) is reported. The frontier is left alone: the URL's row was claimed by the
dead crawl, is released and still due, and fetching it again makes a revisit.

Cheap when nothing was lost: one grouped query, a `stat` per file, and reading the
few records (request, metadata) written after each file's last response.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from kuaizhao.archive import DamagedRecord, iter_warc, list_warc_files
from kuaizhao.archive.naming import writer_pid
from kuaizhao.archive.writer import file_in_use
from kuaizhao.config import Settings
from kuaizhao.pipeline.reindex import SourceMap, ingest_entry
from kuaizhao.sources import SourceConfig
from kuaizhao.store.base import Store

log = logging.getLogger(__name__)


@dataclass
class ReconcileReport:
    files: int = 0  # files read past the database's last pointer
    records: int = 0  # records indexed that the database did not point to
    snapshots: int = 0
    damaged: list[DamagedRecord] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.records} WARC records the database did not point to were indexed "
                f"({self.snapshots} snapshots) from {self.files} files; "
                f"{len(self.damaged)} damaged stretches left as they are")


def process_alive(pid: int) -> bool:
    """Whether another process with this pid runs on this host (our own pid: no)."""
    if pid == os.getpid():
        return False  # left from an earlier run under the same pid, or ours not yet begun
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reconcile(store: Store, settings: Settings,
              sources: Sequence[SourceConfig]) -> ReconcileReport:
    """Index what the local WARC files of finished writers hold past the database."""
    report = ReconcileReport()
    ends = store.warc_file_ends()
    source_map: SourceMap | None = None
    for path in list_warc_files(settings.warc_path):
        name = path.relative_to(settings.warc_path).as_posix()
        pid = writer_pid(name)
        start = ends.get(name, 0)
        # A writer still at work commits its own records; imports are `import`'s.
        if pid is None or path.stat().st_size <= start or process_alive(pid) \
                or file_in_use(path):
            continue
        report.files += 1
        for item in iter_warc(path, name=name, limit=settings.max_record_bytes, start=start):
            if isinstance(item, DamagedRecord):
                report.damaged.append(item)
                continue
            if item.status is None or store.has_record(item.record_id):
                continue
            source_map = source_map or SourceMap(store, sources)
            report.snapshots += ingest_entry(store, settings, source_map, item, frontier=False)
            report.records += 1
    if report.records or report.damaged:
        log.warning("start-up check of the WARC files: %s", report.summary())
        for damaged in report.damaged:
            log.warning("%s at offset %d: %s", damaged.filename, damaged.offset, damaged.reason)
    return report
