"""Takedown requests, their removal scopes, the audit log, and the `removed` marker.

One mechanism hides removed content everywhere: `captures.removed` and
`snapshots.removed` (migration 0007), which every read of the site, API, feeds,
subscriptions, Memento and export filters on, plus the search index entry, which is
taken out and put back here. The marker is derived: `apply_takedowns` recomputes it
from the active scopes after every decision, and the insert triggers mark rows written
later (crawl, import, `reindex`). The request tables themselves are never touched by
`reset_derived`, so a reindex re-applies every removal.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from kuaizhao.errors import Gone, NotFound
from kuaizhao.models import Snapshot, WarcPointer
from kuaizhao.store.codec import article_from_json, db_time, db_time_or_none, from_db_time
from kuaizhao.store.search_engine import IndexDoc
from kuaizhao.store.tables.captures import CaptureTables
from kuaizhao.store.takedown_rows import (
    AuditEntry,
    NewRequest,
    Origin,
    PublicRemoval,
    ReasonCategory,
    Relationship,
    RemovalNotice,
    RemovedRecord,
    Scope,
    ScopeKind,
    State,
    StoredScope,
    TakedownEffect,
    TakedownRequest,
)

# Whether an active scope covers the captures row named {row}; the SQL twin of
# `takedown.scopes.covers`, and equal to the trigger in 0007_takedowns.sql.
COVERS = """EXISTS (SELECT 1 FROM takedown_scopes t WHERE t.active = 1
    AND (t.captured_from IS NULL OR {row}.captured_at >= t.captured_from)
    AND (t.captured_until IS NULL OR {row}.captured_at < t.captured_until)
    AND CASE t.kind
        WHEN 'snapshot' THEN t.value = {row}.url AND t.payload_digest = {row}.payload_digest
        WHEN 'url' THEN t.value = {row}.url
        WHEN 'prefix' THEN substr({row}.url, 1, length(t.value)) = t.value
        WHEN 'source' THEN t.value = (SELECT name FROM sources WHERE id = {row}.source_id)
        ELSE FALSE END)"""

_REQUEST = """SELECT id, state, origin, reason_category, reason, requester_name,
    requester_contact, relationship, good_faith, urls_json, snapshot_ids_json, created_at,
    updated_at FROM takedown_requests"""
_SCOPE = """SELECT id, request_id, kind, value, payload_digest, captured_from, captured_until,
    embargo_until, active FROM takedown_scopes"""


def _public_target(kind: ScopeKind, value: str) -> str:
    """What the public log shows: the host, never the path (which can name a person)."""
    return value if kind is ScopeKind.SOURCE else urlsplit(value).hostname or "?"


def _t(text: str) -> datetime:
    value = from_db_time(text)
    assert value is not None
    return value


def _request(row: Sequence[Any], scopes: tuple[StoredScope, ...]) -> TakedownRequest:
    return TakedownRequest(
        id=row[0], state=State(row[1]), origin=Origin(row[2]),
        reason_category=ReasonCategory(row[3]), reason=row[4], requester_name=row[5],
        requester_contact=row[6], relationship=Relationship(row[7]), good_faith=bool(row[8]),
        urls=tuple(json.loads(row[9])), snapshot_ids=tuple(json.loads(row[10])),
        created_at=_t(row[11]), updated_at=_t(row[12]), scopes=scopes)


def _scope(row: Sequence[Any]) -> StoredScope:
    return StoredScope(id=row[0], request_id=row[1], active=bool(row[8]), scope=Scope(
        kind=ScopeKind(row[2]), value=row[3], payload_digest=row[4],
        captured_from=from_db_time(row[5]), captured_until=from_db_time(row[6]),
        embargo_until=from_db_time(row[7])))


class TakedownTables(CaptureTables):
    """Listed first among SqliteStore's bases: its `snapshot` turns "not found because
    removed" into `Gone`, which the web answers with 410 and the reason category."""

    # ------------------------------------------------------------ requests

    def add_takedown_request(self, request: NewRequest, token_digest: str,
                             now: datetime) -> int:
        request_id = self._insert(
            "INSERT INTO takedown_requests (token_digest, state, origin, reason_category, "
            "reason, requester_name, requester_contact, relationship, good_faith, urls_json, "
            "snapshot_ids_json, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (token_digest, State.RECEIVED.value, request.origin.value,
             request.reason_category.value, request.reason, request.requester_name,
             request.requester_contact, request.relationship.value, int(request.good_faith),
             json.dumps(list(request.urls)), json.dumps(list(request.snapshot_ids)),
             db_time(now), db_time(now)))
        self._audit(request_id, now, "requester" if request.origin is Origin.PUBLIC
                    else "operator", "submit", None, State.RECEIVED, "")
        return request_id

    def takedown_request(self, request_id: int) -> TakedownRequest:
        row = self._one(_REQUEST + " WHERE id = ?", (request_id,))
        if row is None:
            raise NotFound(f"no takedown request {request_id}; `kuaizhao takedown list` "
                           "shows them")
        return _request(row, self._scopes_of(request_id))

    def takedown_request_by_token(self, token_digest: str) -> TakedownRequest | None:
        row = self._one(_REQUEST + " WHERE token_digest = ?", (token_digest,))
        return _request(row, self._scopes_of(row[0])) if row else None

    def takedown_requests(self, *, states: Sequence[State] = (), offset: int = 0,
                          limit: int = 50) -> tuple[list[TakedownRequest], int]:
        where = (f" WHERE state IN ({','.join('?' * len(states))})" if states else "")
        args = [s.value for s in states]
        total = self._one("SELECT count(*) FROM takedown_requests" + where, args)[0]
        rows = self._all(_REQUEST + where + " ORDER BY id DESC LIMIT ? OFFSET ?",
                         [*args, limit, offset])
        return [_request(r, self._scopes_of(r[0])) for r in rows], total

    def _scopes_of(self, request_id: int) -> tuple[StoredScope, ...]:
        return tuple(_scope(r) for r in self._all(_SCOPE + " WHERE request_id = ? ORDER BY id",
                                                  (request_id,)))

    def add_takedown_scope(self, request_id: int, scope: Scope) -> int:
        return self._insert(
            "INSERT INTO takedown_scopes (request_id, kind, value, payload_digest, "
            "captured_from, captured_until, embargo_until) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (request_id, scope.kind.value, scope.value, scope.payload_digest,
             db_time_or_none(scope.captured_from), db_time_or_none(scope.captured_until),
             db_time_or_none(scope.embargo_until)))

    def set_takedown_state(self, request_id: int, state: State, *, actor: str, action: str,
                           note: str, now: datetime) -> None:
        """Move a request to `state`, switch its scopes on (removed) or off, and audit it;
        call `apply_takedowns` in the same transaction to make it take effect."""
        before = self.takedown_request(request_id).state
        self._run("UPDATE takedown_requests SET state = ?, updated_at = ? WHERE id = ?",
                  (state.value, db_time(now), request_id))
        if state is State.REMOVED:
            self._run("UPDATE takedown_scopes SET active = 1, removed_at = ? WHERE "
                      "request_id = ? AND (embargo_until IS NULL OR embargo_until > ?)",
                      (db_time(now), request_id, db_time(now)))
        else:
            self._run("UPDATE takedown_scopes SET active = 0 WHERE request_id = ?",
                      (request_id,))
        self._audit(request_id, now, actor, action, before, state, note)

    def _audit(self, request_id: int, now: datetime, actor: str, action: str,
               before: State | None, after: State, note: str) -> None:
        self._run("INSERT INTO takedown_audit (request_id, at, actor, action, from_state, "
                  "to_state, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (request_id, db_time(now), actor, action,
                   before.value if before else None, after.value, note))

    def takedown_audit(self, request_id: int | None = None,
                       limit: int = 200) -> list[AuditEntry]:
        where = " WHERE request_id = ?" if request_id is not None else ""
        rows = self._all("SELECT id, request_id, at, actor, action, from_state, to_state, note "
                         f"FROM takedown_audit{where} ORDER BY id DESC LIMIT ?",
                         [request_id, limit] if request_id is not None else [limit])
        return [AuditEntry(id=r[0], request_id=r[1], at=_t(r[2]), actor=r[3], action=r[4],
                           from_state=State(r[5]) if r[5] else None, to_state=State(r[6]),
                           note=r[7]) for r in rows]

    def public_removals(self, limit: int = 500) -> list[PublicRemoval]:
        """Every scope of every request that was ever removed (restored ones included,
        with their state), newest first; no requester data."""
        rows = self._all(
            "SELECT r.id, t.removed_at, t.kind, t.value, r.reason_category, r.state, "
            "t.embargo_until FROM takedown_scopes t JOIN takedown_requests r "
            "ON r.id = t.request_id WHERE t.removed_at IS NOT NULL "
            "ORDER BY t.removed_at DESC, t.id DESC LIMIT ?", (limit,))
        return [PublicRemoval(request_id=r[0], removed_at=_t(r[1]), scope_kind=ScopeKind(r[2]),
                              target=_public_target(ScopeKind(r[2]), r[3]),
                              reason_category=ReasonCategory(r[4]), state=State(r[5]),
                              embargo_until=from_db_time(r[6])) for r in rows]

    def active_takedown_scopes(self) -> list[Scope]:
        return [s.scope for s in (_scope(r) for r in self._all(_SCOPE + " WHERE active = 1"))]

    def expire_takedowns(self, now: datetime) -> list[int]:
        """Switch off scopes whose embargo has ended; returns their request ids (call
        `apply_takedowns` after, in the same transaction)."""
        rows = self._all("SELECT DISTINCT request_id FROM takedown_scopes WHERE active = 1 "
                         "AND embargo_until IS NOT NULL AND embargo_until <= ?", (db_time(now),))
        if rows:
            self._run("UPDATE takedown_scopes SET active = 0 WHERE active = 1 AND "
                      "embargo_until IS NOT NULL AND embargo_until <= ?", (db_time(now),))
        return [r[0] for r in rows]

    # ------------------------------------------------------------ the marker

    def apply_takedowns(self) -> TakedownEffect:
        """Re-mark every capture and snapshot from the active scopes and bring search,
        and the webhook outbox, in line. Call inside a transaction."""
        flag = f"CASE WHEN {COVERS.format(row='captures')} THEN 1 ELSE 0 END"
        with self._lock:
            changed = self._run(f"UPDATE captures SET removed = {flag} "
                                f"WHERE removed != {flag}").rowcount
            flips = self._all("SELECT s.id, s.url, c.removed FROM snapshots s "
                              "JOIN captures c ON c.id = s.capture_id WHERE s.removed != c.removed")
            removed, restored, urls = [], [], set()
            for snapshot_id, url, now_removed in flips:
                self._run("UPDATE snapshots SET removed = ? WHERE id = ?",
                          (now_removed, snapshot_id))
                if now_removed:
                    self._search.remove(snapshot_id)
                    removed.append(snapshot_id)
                else:
                    restored.append(snapshot_id)
                urls.add(url)
            for url in sorted(urls):
                self._index_latest_visible(url)
            if removed:
                self._run("DELETE FROM webhook_deliveries WHERE state = 'pending' AND url IN "
                          "(SELECT url FROM snapshots WHERE removed = 1 AND id IN "
                          f"({','.join('?' * len(removed))}))", removed)
        return TakedownEffect(tuple(removed), tuple(restored), changed)

    def _index_latest_visible(self, url: str) -> None:
        """Search shows only a URL's latest capture: after a removal or restore, that is
        the latest one still visible (indexing replaces an older one)."""
        row = self._one("SELECT id, title, text, article_json FROM snapshots WHERE url = ? "
                        "AND removed = 0 ORDER BY captured_at DESC, id DESC LIMIT 1", (url,))
        if row is None:
            return
        if self._one("SELECT 1 FROM search_docs WHERE snapshot_id = ?", (row[0],)):
            return
        self._search.index(IndexDoc(snapshot_id=row[0], title=row[1], text=row[2],
                                    keywords=article_from_json(row[3]).keywords))

    def removal_notice(self, snapshot_id: int) -> RemovalNotice | None:
        """Why a snapshot is hidden: the earliest active removal covering it."""
        covers = COVERS.format(row="c").replace("t.active = 1", "t.active = 1 AND t.id = k.id")
        row = self._one(
            "SELECT k.request_id, r.reason_category, k.removed_at FROM snapshots s "
            "JOIN captures c ON c.id = s.capture_id, takedown_scopes k "
            "JOIN takedown_requests r ON r.id = k.request_id "
            f"WHERE s.id = ? AND s.removed = 1 AND k.active = 1 AND {covers} "
            "ORDER BY k.removed_at LIMIT 1", (snapshot_id,))
        if row is None:
            return None
        return RemovalNotice(request_id=row[0], reason_category=ReasonCategory(row[1]),
                             removed_at=_t(row[2]))

    def snapshot(self, snapshot_id: int) -> Snapshot:
        try:
            return super().snapshot(snapshot_id)
        except NotFound:
            notice = self.removal_notice(snapshot_id)
            if notice is None:
                raise
        raise Gone(f"snapshot {snapshot_id} was removed from the archive on "
                   f"{notice.removed_at.date().isoformat()} "
                   f"(reason: {notice.reason_category.value}); "
                   "see the public removal log at /takedown/log",
                   notice.reason_category.value, code="snapshot_removed", id=snapshot_id,
                   date=notice.removed_at.date().isoformat())

    def url_removed(self, url: str) -> bool:
        """Whether any capture of `url` is hidden (a lookup answers 410, not 404)."""
        return self._one("SELECT 1 FROM captures WHERE url = ? AND removed = 1 LIMIT 1",
                         (url,)) is not None

    # ------------------------------------------------------------ purge

    def removed_records(self) -> list[RemovedRecord]:
        rows = self._all("SELECT id, url, record_id, warc_file, warc_offset, warc_length, "
                         "request_offset, request_length FROM captures WHERE removed = 1 "
                         "AND warc_file != '' ORDER BY warc_file, warc_offset")
        return [RemovedRecord(r[0], r[1], r[2], WarcPointer(r[3], r[4], r[5]),
                              WarcPointer(r[3], r[6], r[7]) if r[6] is not None else None)
                for r in rows]

    def captures_in_file(self, warc_file: str) -> list[tuple[int, int, int | None]]:
        """(capture id, response offset, request offset) of every capture in one file."""
        return [(r[0], r[1], r[2]) for r in self._all(
            "SELECT id, warc_offset, request_offset FROM captures WHERE warc_file = ?",
            (warc_file,))]

    def repoint_capture(self, capture_id: int, response: WarcPointer,
                        request: WarcPointer | None) -> None:
        self._run("UPDATE captures SET warc_file = ?, warc_offset = ?, warc_length = ?, "
                  "request_offset = ?, request_length = ? WHERE id = ?",
                  (response.filename, response.offset, response.length,
                   request.offset if request else None, request.length if request else None,
                   capture_id))

    def mark_purged(self, capture_id: int) -> None:
        """The capture's records were purged: it points nowhere (`warc_file` empty)."""
        self._run("UPDATE captures SET warc_file = '', warc_offset = 0, warc_length = 0, "
                  "request_offset = NULL, request_length = NULL, etag = NULL, "
                  "last_modified = NULL WHERE id = ? AND removed = 1", (capture_id,))
