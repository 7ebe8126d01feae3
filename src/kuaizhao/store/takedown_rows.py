"""The rows of the takedown tables and the values of their workflow: states, scopes,
reason categories, requests, audit entries (policy: `kuaizhao.takedown`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from kuaizhao.models import WarcPointer


class State(enum.StrEnum):
    """received → under_review → removed | rejected; removed → restored (→ removed)."""

    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    REMOVED = "removed"
    REJECTED = "rejected"
    RESTORED = "restored"


class ScopeKind(enum.StrEnum):
    SNAPSHOT = "snapshot"  # one snapshot: captures of its URL with its payload digest
    URL = "url"  # every capture of one URL
    PREFIX = "prefix"  # every capture of URLs starting with a prefix
    SOURCE = "source"  # every capture of one configured source


class Relationship(enum.StrEnum):
    AUTHOR = "author"
    PUBLISHER = "publisher"
    SUBJECT = "subject"
    RIGHTS_HOLDER = "rights_holder"
    OTHER = "other"


class ReasonCategory(enum.StrEnum):
    """The category the 410 notice and the public log name; the free text stays private."""

    COPYRIGHT = "copyright"
    PRIVACY = "privacy"
    DEFAMATION = "defamation"
    LEGAL_ORDER = "legal_order"
    SAFETY = "safety"
    PUBLISHER_REQUEST = "publisher_request"
    OPERATOR = "operator"
    OTHER = "other"


class Origin(enum.StrEnum):
    PUBLIC = "public"  # the web form or API
    OPERATOR = "operator"  # `kuaizhao takedown remove` or the admin page


@dataclass(frozen=True, slots=True)
class Scope:
    """What one removal covers. `value` is a URL, prefix or source name; for a snapshot,
    its URL plus `payload_digest` (stable across `reindex`, unlike snapshot ids).

    `captured_from`/`captured_until` narrow it to captures made in that range;
    `embargo_until` ends the removal by itself at that time (content returns then).
    """

    kind: ScopeKind
    value: str
    payload_digest: str | None = None
    captured_from: datetime | None = None
    captured_until: datetime | None = None
    embargo_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewRequest:
    """A validated request, before it is stored."""

    origin: Origin
    reason_category: ReasonCategory
    reason: str
    requester_name: str
    requester_contact: str
    relationship: Relationship
    good_faith: bool
    urls: tuple[str, ...] = ()
    snapshot_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredScope:
    id: int
    request_id: int
    scope: Scope
    active: bool


@dataclass(frozen=True, slots=True)
class TakedownRequest:
    id: int
    state: State
    origin: Origin
    reason_category: ReasonCategory
    reason: str
    requester_name: str
    requester_contact: str
    relationship: Relationship
    good_faith: bool
    urls: tuple[str, ...]
    snapshot_ids: tuple[int, ...]
    created_at: datetime
    updated_at: datetime
    scopes: tuple[StoredScope, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One state change: who (a user name, `cli:<login>` or `requester`), when, why."""

    id: int
    request_id: int
    at: datetime
    actor: str
    action: str
    from_state: State | None
    to_state: State
    note: str


@dataclass(frozen=True, slots=True)
class PublicRemoval:
    """A row of the public removal log: no requester data, no full URL."""

    request_id: int
    removed_at: datetime
    scope_kind: ScopeKind
    target: str  # the host (URL/prefix/snapshot) or the source name
    reason_category: ReasonCategory
    state: State
    embargo_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class RemovalNotice:
    """Why a snapshot answers 410."""

    request_id: int
    reason_category: ReasonCategory
    removed_at: datetime


@dataclass(frozen=True, slots=True)
class TakedownEffect:
    """What one `apply_takedowns` changed."""

    removed: tuple[int, ...]  # snapshot ids newly hidden
    restored: tuple[int, ...]  # snapshot ids visible again
    captures_changed: int


@dataclass(frozen=True, slots=True)
class RemovedRecord:
    """A removed capture's WARC records, for purge."""

    capture_id: int
    url: str
    record_id: str
    response: WarcPointer
    request: WarcPointer | None
