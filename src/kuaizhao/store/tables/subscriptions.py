"""Subscriptions, their matches (the stream), and webhook deliveries (0005_accounts.sql).

Every read and write of a subscription names its user: a subscription id that is not
the caller's is answered exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from kuaizhao.errors import NotFound
from kuaizhao.store.account_rows import (
    Delivery,
    MatchRule,
    StreamItem,
    StreamPage,
    Subscription,
    SubscriptionKind,
    Webhook,
)
from kuaizhao.store.codec import db_time, from_db_time
from kuaizhao.store.tables.connection import TableBase, marks

_SUB_COLUMNS = ("s.id, s.user_id, s.kind, s.target, s.name, s.paused, s.created_at, "
                "s.webhook_url, s.webhook_secret, s.webhook_enabled, s.webhook_failures, "
                "s.webhook_disabled_reason")
_UNREAD = ("(SELECT count(DISTINCT m.story_key) FROM subscription_matches m "
           "WHERE m.subscription_id = s.id AND m.read = 0)")


def _webhook(row: Sequence[Any]) -> Webhook | None:
    if not row[0]:
        return None
    return Webhook(url=row[0], secret=row[1], enabled=bool(row[2]), failures=row[3],
                   disabled_reason=row[4])


def _subscription(row: Sequence[Any]) -> Subscription:
    created = from_db_time(row[6])
    assert created is not None
    return Subscription(id=row[0], user_id=row[1], kind=SubscriptionKind(row[2]),
                        target=row[3], name=row[4], paused=bool(row[5]), created_at=created,
                        webhook=_webhook(row[7:12]), unread=row[12] if len(row) > 12 else 0)


class SubscriptionTables(TableBase):
    # ------------------------------------------------------------ subscriptions

    def add_subscription(self, user_id: int, kind: SubscriptionKind, target: str, name: str,
                         now: datetime) -> Subscription:
        subscription_id = self._insert(
            "INSERT INTO subscriptions (user_id, kind, target, name, created_at) "
            "VALUES (?, ?, ?, ?, ?)", (user_id, kind.value, target, name, db_time(now)))
        return self.subscription(user_id, subscription_id)

    def subscriptions(self, user_id: int) -> list[Subscription]:
        rows = self._all(f"SELECT {_SUB_COLUMNS}, {_UNREAD} FROM subscriptions s "
                         "WHERE s.user_id = ? ORDER BY s.id", (user_id,))
        return [_subscription(r) for r in rows]

    def subscription(self, user_id: int, subscription_id: int) -> Subscription:
        row = self._one(f"SELECT {_SUB_COLUMNS}, {_UNREAD} FROM subscriptions s "
                        "WHERE s.id = ? AND s.user_id = ?", (subscription_id, user_id))
        if row is None:
            raise NotFound(f"you have no subscription {subscription_id}; "
                           "see /me/subscriptions for yours")
        return _subscription(row)

    def update_subscription(self, user_id: int, subscription_id: int, *,
                            name: str | None = None, paused: bool | None = None) -> None:
        self.subscription(user_id, subscription_id)
        if name is not None:
            self._run("UPDATE subscriptions SET name = ? WHERE id = ?", (name, subscription_id))
        if paused is not None:
            self._run("UPDATE subscriptions SET paused = ? WHERE id = ?",
                      (int(paused), subscription_id))

    def delete_subscription(self, user_id: int, subscription_id: int) -> None:
        self.subscription(user_id, subscription_id)
        self._run("DELETE FROM subscriptions WHERE id = ?", (subscription_id,))

    def set_webhook(self, user_id: int, subscription_id: int, url: str | None,
                    secret: str | None) -> None:
        """Set (enabling it, failures forgotten) or remove a subscription's webhook."""
        self.subscription(user_id, subscription_id)
        self._run("UPDATE subscriptions SET webhook_url = ?, webhook_secret = ?, "
                  "webhook_enabled = ?, webhook_failures = 0, webhook_disabled_reason = NULL "
                  "WHERE id = ?", (url, secret, int(url is not None), subscription_id))
        if url is None:
            self._run("UPDATE webhook_deliveries SET state = 'failed', last_error = "
                      "'webhook removed' WHERE subscription_id = ? AND state = 'pending'",
                      (subscription_id,))

    # ------------------------------------------------------------ matching

    def subscription_version(self) -> int:
        return int(self._one("SELECT version FROM subscription_version")[0])

    def match_rules(self) -> list[MatchRule]:
        rows = self._all("SELECT id, kind, target FROM subscriptions WHERE paused = 0")
        return [MatchRule(r[0], SubscriptionKind(r[1]), r[2]) for r in rows]

    def add_matches(self, snapshot_id: int, subscription_ids: Iterable[int], story_key: int,
                    sort_time: datetime, *, read: bool = False) -> None:
        self._many(
            "INSERT INTO subscription_matches (subscription_id, snapshot_id, "
            "story_key, sort_time, read) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(sid, snapshot_id, story_key, db_time(sort_time), int(read))
             for sid in subscription_ids])

    def webhooks_of(self, subscription_ids: Sequence[int]) -> dict[int, tuple[str, Webhook]]:
        """Enabled webhooks of the given subscriptions: id -> (subscription name, webhook)."""
        if not subscription_ids:
            return {}
        rows = self._all(
            "SELECT id, name, webhook_url, webhook_secret, webhook_enabled, webhook_failures, "
            f"webhook_disabled_reason FROM subscriptions WHERE id IN ({marks(subscription_ids)})"
            " AND webhook_enabled = 1", list(subscription_ids))
        out = {}
        for r in rows:
            hook = _webhook(r[2:7])
            assert hook is not None
            out[r[0]] = (r[1], hook)
        return out

    # ------------------------------------------------------------ the stream

    def stream(self, user_id: int, *, subscription_id: int | None = None,
               unread_only: bool = False, offset: int = 0, limit: int = 20) -> StreamPage:
        """Newest-first stories matched by the user's subscriptions (or by one of them)."""
        # Taken-down snapshots leave the stream, its feeds and digests (docs/takedown.md).
        where = ("s.user_id = ? AND m.snapshot_id NOT IN "
                 "(SELECT id FROM snapshots WHERE removed = 1)")
        args: list[object] = [user_id]
        if subscription_id is not None:
            self.subscription(user_id, subscription_id)
            where += " AND s.id = ?"
            args.append(subscription_id)
        having = "HAVING sum(1 - m.read) > 0" if unread_only else ""
        # A story shows its newest matched snapshot; ties go to the highest id.
        rows = self._all(
            f"WITH mine AS (SELECT m.story_key, m.sort_time, m.snapshot_id, m.read, "
            f"m.subscription_id FROM subscription_matches m "
            f"JOIN subscriptions s ON s.id = m.subscription_id WHERE {where}), "
            f"newest AS (SELECT story_key, snapshot_id, row_number() OVER (PARTITION BY "
            f"story_key ORDER BY sort_time DESC, snapshot_id DESC) AS n FROM mine), "
            f"stories AS (SELECT story_key, max(sort_time) AS t, "
            f"CASE WHEN sum(1 - read) = 0 THEN 1 ELSE 0 END AS all_read "
            f"FROM mine m GROUP BY story_key {having}) "
            f"SELECT g.story_key, g.t, n.snapshot_id, g.all_read, count(*) OVER () "
            f"FROM stories g JOIN newest n ON n.story_key = g.story_key AND n.n = 1 "
            f"ORDER BY g.t DESC, g.story_key DESC LIMIT ? OFFSET ?", [*args, limit, offset])
        total = rows[0][4] if rows else 0
        keys = [r[0] for r in rows]
        subscribed: dict[int, set[int]] = {}
        for key, sid in self._all(
                f"SELECT DISTINCT m.story_key, m.subscription_id FROM subscription_matches m "
                f"JOIN subscriptions s ON s.id = m.subscription_id WHERE {where} "
                f"AND m.story_key IN ({marks(keys)})", [*args, *keys]) if keys else ():
            subscribed.setdefault(key, set()).add(sid)
        ids = [r[2] for r in rows]
        details = {d[0]: d for d in self._all(
            "SELECT s.id, s.url, s.title, s.text, s.published_at, s.captured_at, "
            "COALESCE(src.name, ''), s.category, s.payload_digest FROM snapshots s "
            f"LEFT JOIN sources src ON src.id = s.source_id WHERE s.id IN ({marks(ids)})",
            ids)} if ids else {}
        items = []
        for story_key, _, snapshot_id, read, _ in rows:
            d = details[snapshot_id]
            captured = from_db_time(d[5])
            assert captured is not None
            items.append(StreamItem(
                snapshot_id=snapshot_id, url=d[1], title=d[2], text=d[3],
                published_at=from_db_time(d[4]), captured_at=captured, source=d[6],
                category=d[7], story_key=story_key,
                subscription_ids=tuple(sorted(subscribed[story_key])),
                read=bool(read), payload_digest=d[8]))
        return StreamPage(items=tuple(items), total=total, offset=offset, limit=limit)

    def mark_read(self, user_id: int, snapshot_ids: Sequence[int] | None = None, *,
                  subscription_id: int | None = None) -> int:
        """Mark stories read: those of the given snapshots, else all (of one subscription).

        Reading is the reader's, not a subscription's: a story read on one subscription's
        page is read under every subscription that matched it, so no count still calls
        it unread while the stream shows it read (or the other way round).
        """
        where = "subscription_id IN (SELECT id FROM subscriptions WHERE user_id = ?)"
        args: list[object] = [user_id]
        if subscription_id is not None:
            self.subscription(user_id, subscription_id)
        if snapshot_ids is not None:
            if not snapshot_ids:
                return 0
            where += (" AND story_key IN (SELECT story_key FROM subscription_matches "
                      f"WHERE snapshot_id IN ({marks(snapshot_ids)}))")
            args += list(snapshot_ids)
        elif subscription_id is not None:
            where += (" AND story_key IN (SELECT story_key FROM subscription_matches "
                      "WHERE subscription_id = ?)")
            args.append(subscription_id)
        return self._run(f"UPDATE subscription_matches SET read = 1 WHERE read = 0 AND {where}",
                         args).rowcount

    # ------------------------------------------------------------ webhook deliveries

    def queue_delivery(self, subscription_id: int, url: str, payload: str,
                       now: datetime) -> None:
        self._run("INSERT INTO webhook_deliveries (subscription_id, url, payload, "
                  "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                  (subscription_id, url, payload, db_time(now), db_time(now)))

    def due_deliveries(self, now: datetime, limit: int = 50) -> list[Delivery]:
        rows = self._all(
            "SELECT d.id, d.subscription_id, d.url, d.payload, d.attempts, s.webhook_url, "
            "s.webhook_secret, s.webhook_enabled, s.webhook_failures, "
            "s.webhook_disabled_reason FROM webhook_deliveries d "
            "JOIN subscriptions s ON s.id = d.subscription_id "
            "WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND s.webhook_enabled = 1 "
            "ORDER BY d.next_attempt_at, d.id LIMIT ?", (db_time(now), limit))
        out = []
        for r in rows:
            hook = _webhook(r[5:10])
            assert hook is not None
            out.append(Delivery(id=r[0], subscription_id=r[1], url=r[2], payload=r[3],
                                attempts=r[4], webhook=hook))
        return out

    def delivery_sent(self, delivery_id: int, subscription_id: int) -> None:
        self._run("UPDATE webhook_deliveries SET state = 'sent', attempts = attempts + 1, "
                  "last_error = NULL WHERE id = ?", (delivery_id,))
        self._run("UPDATE subscriptions SET webhook_failures = 0 WHERE id = ?",
                  (subscription_id,))

    def delivery_failed(self, delivery_id: int, subscription_id: int, error: str,
                        retry_at: datetime | None) -> int:
        """Record a failed attempt; returns the webhook's consecutive failures."""
        self._run("UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = ?, "
                  "state = ?, next_attempt_at = COALESCE(?, next_attempt_at) WHERE id = ?",
                  (error, "pending" if retry_at else "failed",
                   db_time(retry_at) if retry_at else None, delivery_id))
        self._run("UPDATE subscriptions SET webhook_failures = webhook_failures + 1 "
                  "WHERE id = ?", (subscription_id,))
        return int(self._one("SELECT webhook_failures FROM subscriptions WHERE id = ?",
                             (subscription_id,))[0])

    def disable_webhook(self, subscription_id: int, reason: str) -> None:
        self._run("UPDATE subscriptions SET webhook_enabled = 0, webhook_disabled_reason = ? "
                  "WHERE id = ?", (reason, subscription_id))
        self._run("UPDATE webhook_deliveries SET state = 'failed' WHERE subscription_id = ? "
                  "AND state = 'pending'", (subscription_id,))

    def deliveries(self, user_id: int, subscription_id: int,
                   limit: int = 20) -> list[tuple[str, str, int, str | None]]:
        """Recent deliveries of one subscription: (url, state, attempts, last error)."""
        self.subscription(user_id, subscription_id)
        rows = self._all("SELECT url, state, attempts, last_error FROM webhook_deliveries "
                         "WHERE subscription_id = ? ORDER BY id DESC LIMIT ?",
                         (subscription_id, limit))
        return [(r[0], r[1], r[2], r[3]) for r in rows]
