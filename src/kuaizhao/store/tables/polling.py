"""Poll history, the fair claim of due URLs, per-source statistics and WebSub, in SQLite."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from kuaizhao.models import LinkKind
from kuaizhao.store.base import FrontierItem
from kuaizhao.store.codec import db_time, db_time_or_none, from_db_time
from kuaizhao.store.polling import (
    DueUrl,
    PollRecord,
    PushedFeed,
    SourcePollStats,
    WebSubSubscription,
)
from kuaizhao.store.tables.connection import TableBase, upsert

HISTORY_ITEMS = 200  # item times kept per discovery URL
LAG_SAMPLES = 200  # newest first captures per source that the median lag is taken over
BACKFILL_LAG_SECONDS = 7 * 86400  # a first capture later than this is no freshness sample
_POLL_COLUMNS = ("url, source_id, kind, last_poll_at, next_poll_at, interval_seconds, reason, "
                 "last_new_at, empty_polls, errors, polls, not_modified, failures, new_items, "
                 "last_error")
_SUB_COLUMNS = ("id, topic, hub, source_id, secret, state, lease_seconds, requested_at, "
                "verified_at, expires_at, last_push_at, pushes, rejected, last_error")


def _time(text: str | None) -> datetime | None:
    return from_db_time(text)


def _poll_record(row: Sequence[Any]) -> PollRecord:
    return PollRecord(
        url=row[0], source_id=row[1], kind=LinkKind(row[2]), last_poll_at=_time(row[3]),
        next_poll_at=_time(row[4]), interval_seconds=row[5], reason=row[6],
        last_new_at=_time(row[7]), empty_polls=row[8], errors=row[9], polls=row[10],
        not_modified=row[11], failures=row[12], new_items=row[13], last_error=row[14])


def _subscription(row: Sequence[Any]) -> WebSubSubscription:
    requested = from_db_time(row[7])
    assert requested is not None
    return WebSubSubscription(
        id=row[0], topic=row[1], hub=row[2], source_id=row[3], secret=row[4], state=row[5],
        lease_seconds=row[6], requested_at=requested, verified_at=_time(row[8]),
        expires_at=_time(row[9]), last_push_at=_time(row[10]), pushes=row[11],
        rejected=row[12], last_error=row[13])


class PollingTables(TableBase):
    # ------------------------------------------------------------ poll history

    def poll_record(self, url: str) -> PollRecord | None:
        row = self._one(f"SELECT {_POLL_COLUMNS} FROM poll_state WHERE url = ?", (url,))
        return _poll_record(row) if row else None

    def save_poll_record(self, record: PollRecord) -> None:
        r = record
        self._run(
            upsert("poll_state", "url", _POLL_COLUMNS.split(", ")),
            (r.url, r.source_id, r.kind.value, db_time_or_none(r.last_poll_at),
             db_time_or_none(r.next_poll_at), r.interval_seconds, r.reason,
             db_time_or_none(r.last_new_at), r.empty_polls, r.errors, r.polls, r.not_modified,
             r.failures, r.new_items, r.last_error))

    def add_poll_items(self, feed_url: str, items: Sequence[tuple[str, datetime]],
                       seen_at: datetime) -> list[str]:
        """Remember the items a poll listed; returns the URLs it had not listed before."""
        new = []
        for item_url, item_time in items:
            cur = self._run(
                "INSERT INTO poll_items (feed_url, item_url, item_time, seen_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (feed_url, item_url, db_time(item_time), db_time(seen_at)))
            if cur.rowcount:
                new.append(item_url)
        if new:
            self._run(
                "DELETE FROM poll_items WHERE feed_url = ? AND item_url NOT IN ("
                " SELECT item_url FROM poll_items WHERE feed_url = ? "
                " ORDER BY item_time DESC LIMIT ?)", (feed_url, feed_url, HISTORY_ITEMS))
        return new

    def poll_item_times(self, feed_url: str) -> list[datetime]:
        rows = self._all("SELECT item_time FROM poll_items WHERE feed_url = ? "
                         "ORDER BY item_time", (feed_url,))
        return [datetime.fromisoformat(r[0]) for r in rows]

    def frontier_state(self, url: str) -> str | None:
        row = self._one("SELECT state FROM frontier WHERE url = ?", (url,))
        return str(row[0]) if row else None

    # ------------------------------------------------------------ the fair claim

    def next_due_at(self) -> datetime | None:
        """When the earliest pending frontier URL (or expired claim) falls due."""
        row = self._one(
            "SELECT MIN(t) FROM (SELECT MIN(due_at) AS t FROM frontier WHERE state = 'pending'"
            " UNION ALL SELECT MIN(claimed_until) FROM frontier WHERE state = 'claimed')")
        return _time(row[0]) if row else None

    def due_per_source(self, now: datetime, per_source: int) -> list[DueUrl]:
        """The best `per_source` due URLs of every source (priority, then age)."""
        stamp = db_time(now)
        rows = self._all(
            "SELECT url, source_id, priority, due_at FROM ("
            " SELECT url, source_id, priority, due_at, ROW_NUMBER() OVER ("
            "  PARTITION BY source_id ORDER BY priority DESC, due_at) AS rank FROM frontier"
            " WHERE (state = 'pending' AND due_at <= ?)"
            "    OR (state = 'claimed' AND claimed_until <= ?)"
            ") AS due WHERE rank <= ?", (stamp, stamp, per_source))
        return [DueUrl(r[0], r[1], r[2], datetime.fromisoformat(r[3])) for r in rows]

    def claim_urls(self, urls: Sequence[str], now: datetime, lease_seconds: float,
                   worker: str) -> list[FrontierItem]:
        """Claim these URLs if they are still due (another worker may have been first)."""
        until = db_time(now + timedelta(seconds=lease_seconds))
        stamp = db_time(now)
        claimed = []
        with self.transaction():
            for url in urls:
                cur = self._run(
                    "UPDATE frontier SET state = 'claimed', claimed_until = ?, claimed_by = ?, "
                    "attempts = attempts + 1 WHERE url = ? AND ("
                    "(state = 'pending' AND due_at <= ?) OR "
                    "(state = 'claimed' AND claimed_until <= ?))",
                    (until, worker, url, stamp, stamp))
                if cur.rowcount:
                    row = self._one("SELECT url, source_id, kind, attempts, category_hint, "
                                    "title_hint FROM frontier WHERE url = ?", (url,))
                    claimed.append(FrontierItem(url=row[0], source_id=row[1],
                                                kind=LinkKind(row[2]), attempts=row[3],
                                                category_hint=row[4], title_hint=row[5]))
        return claimed

    # ------------------------------------------------------------ statistics

    def _lags(self, source_id: int) -> list[float]:
        rows = self._all(
            "SELECT MIN(captured_at), MIN(published_at) FROM snapshots "
            "WHERE source_id = ? AND published_at IS NOT NULL GROUP BY url "
            "ORDER BY MIN(captured_at) DESC LIMIT ?", (source_id, LAG_SAMPLES))
        lags = []
        for captured, published in rows:
            lag = (datetime.fromisoformat(captured)
                   - datetime.fromisoformat(published)).total_seconds()
            # An article first captured long after it appeared came from a backfill (a
            # first crawl of an archive, an old sitemap) or carries a wrong date: it says
            # nothing about how fast new articles are caught.
            if lag <= BACKFILL_LAG_SECONDS:
                lags.append(max(lag, 0.0))
        return lags

    def _items_per_day(self, source_id: int, now: datetime) -> float | None:
        since = now - timedelta(days=7)
        row = self._one(
            "SELECT COUNT(DISTINCT i.item_url), MIN(i.item_time) FROM poll_items i "
            "JOIN poll_state p ON p.url = i.feed_url WHERE p.source_id = ? AND i.item_time >= ?",
            (source_id, db_time(since)))
        if not row or not row[0] or row[1] is None:
            return None
        days = max((now - datetime.fromisoformat(row[1])).total_seconds() / 86400.0, 1.0)
        return float(row[0]) / days

    def source_poll_stats(self, now: datetime) -> list[SourcePollStats]:
        rows = self._all(
            "SELECT s.id, s.name, COUNT(p.url), MAX(p.last_poll_at), MIN(p.next_poll_at), "
            "MIN(p.interval_seconds), COALESCE(SUM(p.polls), 0), "
            "COALESCE(SUM(p.not_modified), 0), COALESCE(SUM(p.failures), 0), "
            "COALESCE(MAX(p.errors), 0), MAX(p.last_error), COALESCE(SUM(p.new_items), 0), "
            "(SELECT reason FROM poll_state q WHERE q.source_id = s.id "
            " ORDER BY q.next_poll_at LIMIT 1), "
            "(SELECT state FROM websub_subscriptions w WHERE w.source_id = s.id "
            " ORDER BY w.id DESC LIMIT 1) "
            "FROM sources s LEFT JOIN poll_state p ON p.source_id = s.id "
            "GROUP BY s.id ORDER BY s.name")
        out = []
        for r in rows:
            lags = self._lags(r[0])
            out.append(SourcePollStats(
                source_id=r[0], name=r[1], discovery_urls=r[2], last_poll_at=_time(r[3]),
                next_poll_at=_time(r[4]), interval_seconds=r[5], reason=r[12], polls=r[6],
                not_modified=r[7], failures=r[8], errors_now=r[9], last_error=r[10],
                new_items=r[11], items_per_day=self._items_per_day(r[0], now),
                median_lag_seconds=statistics.median(lags) if lags else None,
                lag_samples=len(lags), websub=r[13]))
        return out

    # ------------------------------------------------------------ WebSub

    def websub_subscription(self, topic: str) -> WebSubSubscription | None:
        row = self._one(f"SELECT {_SUB_COLUMNS} FROM websub_subscriptions WHERE topic = ?",
                        (topic,))
        return _subscription(row) if row else None

    def websub_subscription_by_id(self, subscription_id: int) -> WebSubSubscription | None:
        row = self._one(f"SELECT {_SUB_COLUMNS} FROM websub_subscriptions WHERE id = ?",
                        (subscription_id,))
        return _subscription(row) if row else None

    def websub_subscriptions(self) -> list[WebSubSubscription]:
        rows = self._all(f"SELECT {_SUB_COLUMNS} FROM websub_subscriptions ORDER BY id")
        return [_subscription(r) for r in rows]

    def websub_request(self, topic: str, hub: str, source_id: int | None, secret: str,
                       now: datetime) -> WebSubSubscription:
        """Record a (re)subscription request before it is sent, so the hub's
        verification request finds it."""
        self._run(
            "INSERT INTO websub_subscriptions (topic, hub, source_id, secret, state, "
            "requested_at) VALUES (?, ?, ?, ?, 'requested', ?) ON CONFLICT(topic) DO UPDATE "
            "SET hub = excluded.hub, source_id = excluded.source_id, secret = excluded.secret, "
            "requested_at = excluded.requested_at, last_error = NULL, state = CASE "
            "WHEN state = 'active' THEN 'active' ELSE 'requested' END",
            (topic, hub, source_id, secret, db_time(now)))
        sub = self.websub_subscription(topic)
        assert sub is not None
        return sub

    def websub_set_state(self, subscription_id: int, state: str, now: datetime, *,
                         lease_seconds: int | None = None, error: str | None = None) -> None:
        expires = (db_time(now + timedelta(seconds=lease_seconds))
                   if lease_seconds is not None else None)
        self._run(
            "UPDATE websub_subscriptions SET state = ?, last_error = ?, "
            "verified_at = CASE WHEN ? = 'active' THEN ? ELSE verified_at END, "
            "lease_seconds = COALESCE(?, lease_seconds), expires_at = COALESCE(?, expires_at) "
            "WHERE id = ?",
            (state, error, state, db_time(now), lease_seconds, expires, subscription_id))

    def websub_receive(self, subscription_id: int, body: bytes, content_type: str | None,
                       now: datetime) -> None:
        self._run("INSERT INTO websub_inbox (subscription_id, received_at, content_type, body) "
                  "VALUES (?, ?, ?, ?)", (subscription_id, db_time(now), content_type, body))
        self._run("UPDATE websub_subscriptions SET pushes = pushes + 1, last_push_at = ? "
                  "WHERE id = ?", (db_time(now), subscription_id))

    def websub_rejected(self, subscription_id: int) -> None:
        self._run("UPDATE websub_subscriptions SET rejected = rejected + 1 WHERE id = ?",
                  (subscription_id,))

    def websub_take_pushes(self, limit: int = 50) -> list[PushedFeed]:
        """Remove and return the oldest pushes (call inside a transaction)."""
        rows = self._all(
            "SELECT i.id, i.subscription_id, s.topic, s.source_id, i.received_at, "
            "i.content_type, i.body FROM websub_inbox i JOIN websub_subscriptions s "
            "ON s.id = i.subscription_id ORDER BY i.id LIMIT ?", (limit,))
        for row in rows:
            self._run("DELETE FROM websub_inbox WHERE id = ?", (row[0],))
        return [PushedFeed(id=r[0], subscription_id=r[1], topic=r[2], source_id=r[3],
                           received_at=datetime.fromisoformat(r[4]), content_type=r[5],
                           body=bytes(r[6])) for r in rows]
