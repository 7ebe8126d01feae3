"""Sources, the crawl frontier and the fetch log, in SQLite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from kuaizhao.models import LinkKind
from kuaizhao.store.base import FrontierEntry, FrontierItem, SourceRow
from kuaizhao.store.codec import db_time
from kuaizhao.store.tables.connection import TableBase


class FrontierTables(TableBase):
    def upsert_source(self, name: str, homepage: str | None, config_json: str) -> int:
        self._run(
            "INSERT INTO sources (name, homepage, config_json, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
            "homepage = excluded.homepage, config_json = excluded.config_json, "
            "updated_at = excluded.updated_at",
            (name, homepage, config_json, db_time(datetime.now(UTC))),
        )
        row = self._one("SELECT id FROM sources WHERE name = ?", (name,))
        return int(row[0])

    def sources(self) -> list[SourceRow]:
        rows = self._all(
            "SELECT src.id, src.name, src.homepage, "
            "(SELECT COUNT(*) FROM snapshots s WHERE s.source_id = src.id AND s.removed = 0) "
            "FROM sources src ORDER BY src.name"
        )
        return [SourceRow(*r) for r in rows]

    def enqueue(self, entries: Sequence[FrontierEntry]) -> int:
        added = 0
        for e in entries:
            cur = self._run(
                "INSERT INTO frontier (url, source_id, kind, priority, due_at, "
                "discovered_at, category_hint, title_hint) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (
                    e.url,
                    e.source_id,
                    e.kind.value,
                    e.priority,
                    db_time(e.due_at),
                    db_time(e.due_at),
                    e.category_hint,
                    e.title_hint,
                ),
            )
            added += cur.rowcount
        return added

    def reschedule(self, url: str, due_at: datetime) -> None:
        """Make a known URL due again (feeds and listings are polled repeatedly)."""
        self._run(
            "UPDATE frontier SET state = 'pending', due_at = ?, claimed_until = NULL "
            "WHERE url = ? AND state != 'claimed'",
            (db_time(due_at), url),
        )

    def claim_due(
        self, now: datetime, limit: int, lease_seconds: float, worker: str = ""
    ) -> list[FrontierItem]:
        until = db_time(now + timedelta(seconds=lease_seconds))
        stamp = db_time(now)
        with self.transaction():
            rows = self._all(
                "SELECT url, source_id, kind, attempts, category_hint, title_hint FROM frontier "
                "WHERE (state = 'pending' AND due_at <= ?) "
                "   OR (state = 'claimed' AND claimed_until <= ?) "
                "ORDER BY priority DESC, due_at LIMIT ?",
                (stamp, stamp, limit),
            )
            for row in rows:
                self._run(
                    "UPDATE frontier SET state = 'claimed', claimed_until = ?, "
                    "claimed_by = ?, attempts = attempts + 1 WHERE url = ?",
                    (until, worker, row[0]),
                )
        return [
            FrontierItem(
                url=r[0],
                source_id=r[1],
                kind=LinkKind(r[2]),
                attempts=r[3] + 1,
                category_hint=r[4],
                title_hint=r[5],
            )
            for r in rows
        ]

    def claimants(self) -> list[str]:
        """Workers that hold claims now (to find the claims of workers that died)."""
        rows = self._all(
            "SELECT DISTINCT claimed_by FROM frontier "
            "WHERE state = 'claimed' AND claimed_by IS NOT NULL"
        )
        return [r[0] for r in rows]

    def release_claims(self, worker: str) -> int:
        """Hand a dead worker's claims back to the frontier; returns how many."""
        cur = self._run(
            "UPDATE frontier SET state = 'pending', claimed_until = NULL, "
            "claimed_by = NULL WHERE state = 'claimed' AND claimed_by = ?",
            (worker,),
        )
        return cur.rowcount

    def finish(self, url: str, outcome: str, next_due_at: datetime | None,
               priority: int | None = None) -> None:
        """Mark a fetched URL done, or due again at `next_due_at` (with a new priority)."""
        if priority is not None:
            self._run("UPDATE frontier SET priority = ? WHERE url = ?", (priority, url))
        if next_due_at is None:
            self._run(
                "UPDATE frontier SET state = 'done', claimed_until = NULL, "
                "last_outcome = ? WHERE url = ?",
                (outcome, url),
            )
        else:
            self._run(
                "UPDATE frontier SET state = 'pending', claimed_until = NULL, due_at = ?, "
                "last_outcome = ? WHERE url = ?",
                (db_time(next_due_at), outcome, url),
            )

    # ------------------------------------------------------------ host pacing

    def reserve_host_start(self, key: str, interval: float, now: float) -> float:
        """The next start of host `key` (epoch seconds) for any crawl process: `now`
        or later, and at least `interval` after the start reserved before it. One
        statement, atomic on both engines: no transaction needed around it (`_all`
        steps it to its end, which is what commits it on SQLite)."""
        [row] = self._all(
            "INSERT INTO host_pacing (host, next_start) VALUES (?, ?) "
            "ON CONFLICT (host) DO UPDATE SET next_start = CASE "
            "WHEN host_pacing.next_start > ? THEN host_pacing.next_start ELSE ? END + ? "
            "RETURNING next_start", (key, now + interval, now, now, interval))
        return float(row[0]) - interval

    def defer_host(self, key: str, until: float) -> None:
        """No process starts a request to `key` before `until` (epoch seconds)."""
        self._run(
            "INSERT INTO host_pacing (host, next_start) VALUES (?, ?) "
            "ON CONFLICT (host) DO UPDATE SET next_start = CASE "
            "WHEN host_pacing.next_start > ? THEN host_pacing.next_start ELSE ? END",
            (key, until, until, until))

    def record_fetch(
        self,
        url: str,
        source_id: int | None,
        kind: LinkKind,
        outcome: str,
        status: int | None,
        error: str | None,
        fetched_at: datetime,
    ) -> None:
        self._run(
            "INSERT INTO fetches (url, source_id, kind, outcome, status, error, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (url, source_id, kind.value, outcome, status, error, db_time(fetched_at)),
        )
