"""Takedown decisions applied to a store: submit, review, approve, reject, restore,
operator removals, embargo expiry, and the crawler's checks (removed URLs are not
fetched; noarchive pages are not archived). Purge lives in `pipeline/purge.py`.

Each decision is one transaction: the state change, its audit row and the re-marking of
`removed` (store `apply_takedowns`) commit together, so a reader sees either the old
archive or the new one, and within the request that made the decision.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.models import FetchOutcome, FetchResult
from kuaizhao.sources import SourceConfig
from kuaizhao.store.base import Store
from kuaizhao.store.takedown_rows import (
    NewRequest,
    Origin,
    ReasonCategory,
    Relationship,
    Scope,
    ScopeKind,
    State,
    TakedownEffect,
)
from kuaizhao.takedown.noarchive import refusal
from kuaizhao.takedown.scopes import blocks_fetch, describe, make_scope
from kuaizhao.takedown.workflow import Action, check_note, next_state
from kuaizhao.urls import normalize_url

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Submitted:
    request_id: int
    token: str  # the requester's tracking token; only its digest is stored


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def submit(store: Store, request: NewRequest, now: datetime) -> Submitted:
    """Store a request (state `received`) and return its id and tracking token."""
    token = secrets.token_urlsafe(24)
    with store.transaction():
        request_id = store.add_takedown_request(request, token_digest(token), now)
    log.info("takedown request %d received (%s, %d URLs, %d snapshots)", request_id,
             request.reason_category.value, len(request.urls), len(request.snapshot_ids))
    return Submitted(request_id, token)


def default_scopes(store: Store, urls: Sequence[str], snapshot_ids: Sequence[int]) -> list[Scope]:
    """What a request asks for: each snapshot named, and every capture of each URL."""
    scopes = []
    for snapshot_id in snapshot_ids:
        try:
            capture = store.archived_capture_of_snapshot(snapshot_id)
        except NotFound:
            raise UsageError(f"the request names snapshot {snapshot_id}, which the archive "
                             "does not hold; approve with an explicit scope instead") from None
        scopes.append(make_scope(ScopeKind.SNAPSHOT, capture.url,
                                 payload_digest=capture.payload_digest))
    for url in urls:
        scopes.append(make_scope(ScopeKind.URL, normalize_url(url)))
    return scopes


def decide(store: Store, request_id: int, action: Action, *, actor: str, note: str | None,
           now: datetime, scopes: Sequence[Scope] = ()) -> TakedownEffect:
    """Apply a reviewer's decision. Approving a request without scopes gives it the
    default ones (`default_scopes`) plus any in `scopes`."""
    text = check_note(note, required=action is not Action.REVIEW)
    with store.transaction():
        request = store.takedown_request(request_id)
        target = next_state(request.state, action)
        if action is Action.APPROVE:
            wanted = list(scopes)
            if not request.scopes and not wanted:
                wanted = default_scopes(store, request.urls, request.snapshot_ids)
            if not request.scopes and not wanted:
                raise UsageError(f"request {request_id} names nothing to remove; approve it "
                                 "with an explicit scope")
            for scope in wanted:
                store.add_takedown_scope(request_id, scope)
        store.set_takedown_state(request_id, target, actor=actor, action=action.value,
                                 note=text, now=now)
        effect = store.apply_takedowns()
    log.info("takedown request %d: %s by %s → %s (%d snapshots hidden, %d restored): %s",
             request_id, action.value, actor, target.value, len(effect.removed),
             len(effect.restored), text)
    return effect


def operator_remove(store: Store, scope: Scope, *, reason: str, category: ReasonCategory,
                    actor: str, now: datetime) -> tuple[int, TakedownEffect]:
    """A removal the operator starts (no requester): recorded as a request, approved."""
    reason = reason.strip()
    if not reason:
        raise UsageError("say why (--reason): it goes to the audit log")
    request = NewRequest(origin=Origin.OPERATOR, reason_category=category, reason=reason,
                         requester_name=actor, requester_contact="",
                         relationship=Relationship.OTHER, good_faith=True,
                         urls=(scope.value,) if scope.kind is not ScopeKind.SOURCE else ())
    submitted = submit(store, request, now)
    effect = decide(store, submitted.request_id, Action.APPROVE, actor=actor,
                    note=f"{reason} ({describe(scope)})", now=now, scopes=[scope])
    return submitted.request_id, effect


def expire(store: Store, now: datetime) -> list[int]:
    """End embargoes whose date has passed: their content comes back, the request is
    marked restored, and the audit log says the embargo ended."""
    with store.transaction():
        ended = store.expire_takedowns(now)
        for request_id in ended:
            request = store.takedown_request(request_id)
            if request.state is State.REMOVED and not any(s.active for s in request.scopes):
                store.set_takedown_state(request_id, State.RESTORED, actor="system",
                                         action="embargo_ended", note="the embargo date passed",
                                         now=now)
        if ended:
            store.apply_takedowns()
    return ended


# ---------------------------------------------------------------- the crawler's checks


def fetch_forbidden(store: Store, url: str, source: SourceConfig | None) -> bool:
    """Whether a takedown forbids fetching `url` again (see `scopes.blocks_fetch`)."""
    scopes = store.active_takedown_scopes()
    if not scopes:
        return False
    return blocks_fetch(scopes, normalize_url(url), source.name if source else None)


def honour_noarchive(result: FetchResult, source: SourceConfig | None) -> FetchResult:
    """The fetch result with nothing to archive when the page asks not to be archived,
    unless its source sets `ignore_noarchive` (which is logged every time)."""
    final = result.final
    if final is None or final.status != 200:
        return result
    why = refusal(final.response_headers, final.body)
    if why is None:
        return result
    if source is not None and source.ignore_noarchive:
        log.warning("archiving %s although %s: source %r sets ignore_noarchive = true",
                    final.url, why, source.name)
        return result
    return FetchResult(url=result.url, outcome=FetchOutcome.ROBOTS_DISALLOWED, exchanges=(),
                       error=f"not archived: {why}", fetched_at=result.fetched_at)
