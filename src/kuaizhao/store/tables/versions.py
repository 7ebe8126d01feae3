"""Versions of a URL, removals at the source and near-duplicate stories, in SQLite.

Tables from migration 0003_versions.sql. The decisions (is it a version, is it gone,
which member is the original) are made by `kuaizhao.dedupe` and handed in; this module
only records and reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.models import (
    ChangedUrl,
    NearDupEntry,
    Removal,
    Snapshot,
    StoryInfo,
    VersionInfo,
)
from kuaizhao.store.codec import db_time, from_db_time
from kuaizhao.store.tables.captures import _SNAPSHOT_COLUMNS, _SNAPSHOT_FROM, _snapshot
from kuaizhao.store.tables.connection import TableBase, marks, upsert

CAPTURE_KINDS = ("first", "version", "same", "revisit", "removed")
CHANGE_KINDS = ("changed", "removed")
_MAX_CANDIDATES = 200


def _time(text: str) -> datetime:
    value = from_db_time(text)
    assert value is not None
    return value


def _removal(row: Sequence[Any]) -> Removal:
    return Removal(url=row[0], removed_at=_time(row[1]), reason=row[2], capture_id=row[3],
                   last_snapshot_id=row[4], restored_at=from_db_time(row[5]))


_REMOVAL = ("SELECT url, removed_at, reason, capture_id, last_snapshot_id, restored_at "
            "FROM removals")


class VersionTables(TableBase):
    # ------------------------------------------------------------ versions

    def latest_version(self, url: str) -> Snapshot | None:
        row = self._one(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM {_SNAPSHOT_FROM} WHERE s.url = ? "
            "ORDER BY s.captured_at DESC, s.id DESC LIMIT 1", (url,))
        return _snapshot(row) if row else None

    def first_version_at(self, url: str) -> datetime | None:
        row = self._one("SELECT min(captured_at) FROM snapshots WHERE url = ?", (url,))
        return from_db_time(row[0]) if row else None

    def link_capture(self, capture_id: int, url: str, snapshot_id: int | None, kind: str,
                     changed: Sequence[str] = ()) -> None:
        """Record which version a capture of `url` shows (kind: see CAPTURE_KINDS)."""
        if kind not in CAPTURE_KINDS:
            raise UsageError(f"capture kind must be one of {', '.join(CAPTURE_KINDS)}, "
                             f"got {kind!r}")
        self._run(upsert("capture_versions", "capture_id",
                         ("capture_id", "url", "snapshot_id", "kind", "changed")),
                  (capture_id, url, snapshot_id, kind, ",".join(changed)))

    def versions_of_url(self, url: str) -> list[VersionInfo]:
        rows = self._all(
            "SELECT s.id, s.url, s.captured_at, s.title, "
            " (SELECT max(c.captured_at) FROM capture_versions v JOIN captures c "
            "  ON c.id = v.capture_id WHERE v.snapshot_id = s.id AND v.kind != 'removed'), "
            " (SELECT count(*) FROM capture_versions v WHERE v.snapshot_id = s.id "
            "  AND v.kind != 'removed'), "
            " (SELECT v.changed FROM capture_versions v WHERE v.capture_id = s.capture_id) "
            "FROM snapshots s WHERE s.url = ? AND s.removed = 0 ORDER BY s.captured_at, s.id",
            (url,))
        out = []
        for number, (sid, u, captured, title, last, count, changed) in enumerate(rows, 1):
            first = _time(captured)
            out.append(VersionInfo(
                snapshot_id=sid, url=u, number=number, captured_at=first,
                last_seen_at=_time(last) if last else first, captures=max(count, 1),
                title=title, changed=tuple(c for c in (changed or "").split(",") if c)))
        return out

    # ------------------------------------------------------------ removals

    def mark_removed(self, url: str, capture_id: int, removed_at: datetime, reason: str,
                     last_snapshot_id: int | None) -> bool:
        """Record the first capture that found `url` gone; False when already recorded
        (a page found gone again keeps the time it was first seen gone)."""
        current = self.removal(url)
        if current is not None and current.restored_at is None:
            return False
        self._run(upsert("removals", "url", ("url", "removed_at", "reason", "capture_id",
                                             "last_snapshot_id", "restored_at")),
                  (url, db_time(removed_at), reason, capture_id, last_snapshot_id, None))
        return True

    def mark_present(self, url: str, at: datetime) -> None:
        """A capture found the page there again after a removal."""
        self._run("UPDATE removals SET restored_at = ? WHERE url = ? AND restored_at IS NULL",
                  (db_time(at), url))

    def removal(self, url: str) -> Removal | None:
        row = self._one(_REMOVAL + " WHERE url = ?", (url,))
        return _removal(row) if row else None

    def changed_urls(self, *, kind: str | None = None, offset: int = 0,
                     limit: int = 20) -> tuple[list[ChangedUrl], int]:
        """URLs edited after their first version or removed at the source, newest event
        first, and how many there are in all. kind: 'changed', 'removed' or None (both)."""
        if kind is not None and kind not in CHANGE_KINDS:
            raise UsageError(f"kind must be one of {', '.join(CHANGE_KINDS)}, got {kind!r}")
        parts = []
        if kind in (None, "changed"):
            parts.append("SELECT v.url AS url, c.captured_at AS at FROM capture_versions v "
                         "JOIN captures c ON c.id = v.capture_id WHERE v.kind = 'version'")
        if kind in (None, "removed"):
            parts.append("SELECT url, removed_at AS at FROM removals WHERE restored_at IS NULL")
        events = " UNION ALL ".join(parts)
        total = self._one(f"SELECT count(DISTINCT url) FROM ({events}) AS events")[0]
        rows = self._all(f"SELECT url, max(at) FROM ({events}) AS events GROUP BY url "
                         "ORDER BY max(at) DESC, url LIMIT ? OFFSET ?", (limit, offset))
        out = []
        for url, at in rows:
            latest = self._one(
                "SELECT s.id, s.title, COALESCE(src.name, ''), "
                "(SELECT count(*) FROM snapshots o WHERE o.url = s.url AND o.removed = 0) "
                "FROM snapshots s LEFT JOIN sources src ON src.id = s.source_id "
                "WHERE s.url = ? AND s.removed = 0 "
                "ORDER BY s.captured_at DESC, s.id DESC LIMIT 1", (url,))
            if latest is None:
                continue
            removal = self.removal(url)
            out.append(ChangedUrl(
                url=url, source_name=latest[2], title=latest[1], latest_snapshot_id=latest[0],
                versions=latest[3], last_event_at=_time(at),
                removal=removal if removal and removal.restored_at is None else None))
        return out, int(total)

    # ------------------------------------------------------------ near duplicates

    def add_near_dup(self, snapshot_id: int, signature: bytes, shingles: int,
                     band_keys: Sequence[int]) -> None:
        self._run(upsert("near_dup_signatures", "snapshot_id",
                         ("snapshot_id", "signature", "shingles")),
                  (snapshot_id, signature, shingles))
        self._many("INSERT INTO lsh_bands (band_key, snapshot_id) VALUES (?, ?) "
                   "ON CONFLICT DO NOTHING", [(key, snapshot_id) for key in band_keys])

    def near_dup_candidates(self, band_keys: Sequence[int],
                            limit: int = _MAX_CANDIDATES) -> list[NearDupEntry]:
        """Stored bodies sharing at least one band key, most shared bands first."""
        if not band_keys:
            return []
        rows = self._all(
            f"SELECT b.snapshot_id, s.story_id, n.signature, n.shingles, count(*) AS shared "
            f"FROM lsh_bands b JOIN near_dup_signatures n ON n.snapshot_id = b.snapshot_id "
            f"JOIN snapshots s ON s.id = b.snapshot_id WHERE b.band_key IN ({marks(band_keys)}) "
            f"GROUP BY b.snapshot_id, s.story_id, n.signature, n.shingles "
            f"ORDER BY shared DESC, b.snapshot_id LIMIT ?",
            (*band_keys, limit))
        return [NearDupEntry(r[0], r[1], bytes(r[2]), r[3]) for r in rows]

    # ------------------------------------------------------------ stories

    def set_story_original(self, story_id: int, snapshot_id: int, reason: str) -> None:
        self._run("UPDATE stories SET original_snapshot_id = ?, original_reason = ?, "
                  "original_url = (SELECT url FROM snapshots WHERE id = ?) WHERE id = ?",
                  (snapshot_id, reason, snapshot_id, story_id))

    def story(self, story_id: int) -> StoryInfo:
        # A taken-down original is not named (docs/takedown.md).
        row = self._one("SELECT id, created_at, CASE WHEN (SELECT removed FROM snapshots "
                        "WHERE id = original_snapshot_id) = 1 THEN NULL ELSE "
                        "original_snapshot_id END, original_reason "
                        "FROM stories WHERE id = ?", (story_id,))
        if row is None:
            raise NotFound(f"no story with id {story_id}; story ids are listed on "
                           "snapshot pages and in /api/v1/snapshots/{id}",
                           code="story_not_found", id=story_id)
        rows = self._all(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM {_SNAPSHOT_FROM} WHERE s.story_id = ? AND "
            "NOT EXISTS (SELECT 1 FROM snapshots n WHERE n.url = s.url AND n.story_id = "
            "s.story_id AND n.removed = 0 AND (n.captured_at, n.id) > (s.captured_at, s.id)) "
            "ORDER BY coalesce(s.published_at, s.captured_at), s.id", (story_id,))
        return StoryInfo(id=row[0], created_at=_time(row[1]), original_snapshot_id=row[2],
                         original_reason=row[3], members=tuple(_snapshot(r) for r in rows))

    def story_candidates(self, story_id: int) -> list[Snapshot]:
        """Every snapshot of a story (all versions), for choosing its original."""
        rows = self._all(f"SELECT {_SNAPSHOT_COLUMNS} FROM {_SNAPSHOT_FROM} "
                         "WHERE s.story_id = ? ORDER BY s.id", (story_id,))
        return [_snapshot(r) for r in rows]
