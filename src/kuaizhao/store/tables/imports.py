"""Imported WARC files, and the capture reads that import, export and Memento need.

`visible` is the one place that decides whether a snapshot may leave the archive
(export) or be listed to Memento clients; the takedown feature narrows it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from kuaizhao.errors import NotFound
from kuaizhao.models import WarcPointer
from kuaizhao.store.base import ArchivedCapture, CaptureRef, ImportedFile
from kuaizhao.store.codec import db_time, from_db_time
from kuaizhao.store.tables.captures import _CAPTURE_REF, _capture_ref
from kuaizhao.store.tables.connection import TableBase

_IMPORTED = """SELECT id, sha256, size, original_path, warc_file, placement, source_id,
    category, imported_at, report_json FROM imported_files"""
_ARCHIVED = """SELECT c.id, c.url, c.captured_at, c.status, c.content_type, c.record_id,
    c.payload_digest, c.is_revisit, c.warc_file, c.warc_offset, c.warc_length,
    c.request_offset, c.request_length, s.id
    FROM captures c LEFT JOIN snapshots s ON s.capture_id = c.id"""


def _imported(row: Sequence[Any]) -> ImportedFile:
    when = from_db_time(row[8])
    assert when is not None
    return ImportedFile(id=row[0], sha256=row[1], size=row[2], original_path=row[3],
                        warc_file=row[4], placement=row[5], source_id=row[6], category=row[7],
                        imported_at=when, report_json=row[9])


def _archived(row: Sequence[Any]) -> ArchivedCapture:
    when = from_db_time(row[2])
    assert when is not None
    request = WarcPointer(row[8], row[11], row[12]) if row[11] is not None else None
    return ArchivedCapture(id=row[0], url=row[1], captured_at=when, status=row[3],
                           content_type=row[4], record_id=row[5], payload_digest=row[6],
                           is_revisit=bool(row[7]), response=WarcPointer(row[8], row[9], row[10]),
                           request=request, snapshot_id=row[13])


class ImportTables(TableBase):
    def imported_file(self, sha256: str) -> ImportedFile | None:
        row = self._one(_IMPORTED + " WHERE sha256 = ?", (sha256,))
        return _imported(row) if row else None

    def imported_files(self) -> list[ImportedFile]:
        return [_imported(r) for r in self._all(_IMPORTED + " ORDER BY id")]

    def add_imported_file(self, sha256: str, size: int, original_path: str, warc_file: str,
                          placement: str, source_id: int | None, category: str | None,
                          imported_at: datetime, report_json: str) -> int:
        return self._insert(
            "INSERT INTO imported_files (sha256, size, original_path, warc_file, placement, "
            "source_id, category, imported_at, report_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sha256, size, original_path, warc_file, placement, source_id, category,
             db_time(imported_at), report_json),
        )

    def update_imported_file(self, sha256: str, imported_at: datetime, report_json: str) -> None:
        """Record a re-scan of a file imported before (with other options)."""
        self._run("UPDATE imported_files SET imported_at = ?, report_json = ? WHERE sha256 = ?",
                  (db_time(imported_at), report_json, sha256))

    def capture_by_record(self, record_id: str) -> CaptureRef | None:
        row = self._one(_CAPTURE_REF + " WHERE c.record_id = ?", (record_id,))
        return _capture_ref(row) if row else None

    def capture_at(self, url: str, captured_at: datetime) -> CaptureRef | None:
        """The full (non-revisit) capture of `url` made at `captured_at`, if any."""
        row = self._one(_CAPTURE_REF + " WHERE c.url = ? AND c.captured_at = ? "
                        "AND c.is_revisit = 0 ORDER BY c.id LIMIT 1", (url, db_time(captured_at)))
        return _capture_ref(row) if row else None

    def archived_capture_of_snapshot(self, snapshot_id: int) -> ArchivedCapture:
        row = self._one(_ARCHIVED + " WHERE s.id = ?", (snapshot_id,))
        if row is None:
            raise NotFound(f"no snapshot with id {snapshot_id}")
        return _archived(row)

    def visible(self, snapshot_id: int) -> bool:
        """Whether a snapshot may be exported and listed in TimeMaps.

        A snapshot taken down (docs/takedown.md) is not; every exporter and Memento
        view follows.
        """
        return self._one("SELECT 1 FROM snapshots WHERE id = ? AND removed = 0",
                         (snapshot_id,)) is not None

    def iter_archived_captures(self, since: datetime | None = None,
                               until: datetime | None = None) -> Iterator[ArchivedCapture]:
        """Every capture (responses, revisits, non-HTML) captured in [since, until),
        except those taken down."""
        last = 0
        low = db_time(since) if since else ""
        high = db_time(until) if until else "~"
        while True:
            rows = self._all(_ARCHIVED + " WHERE c.id > ? AND c.removed = 0 AND c.captured_at >= ? "
                             "AND c.captured_at < ? ORDER BY c.id LIMIT 500", (last, low, high))
            if not rows:
                return
            yield from (_archived(r) for r in rows)
            last = rows[-1][0]
