"""Rows of the freshness tables (store/tables/polling.py): poll history, per-source
polling statistics and WebSub subscriptions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kuaizhao.models import LinkKind


@dataclass(frozen=True, slots=True)
class PollRecord:
    """The polling state of one discovery URL (a feed, sitemap or listing root)."""

    url: str
    source_id: int | None
    kind: LinkKind
    last_poll_at: datetime | None = None
    next_poll_at: datetime | None = None
    interval_seconds: float | None = None
    reason: str | None = None
    last_new_at: datetime | None = None
    empty_polls: int = 0
    errors: int = 0  # consecutive
    polls: int = 0
    not_modified: int = 0
    failures: int = 0
    new_items: int = 0
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class DueUrl:
    """A due frontier row, as the fair claim sorts them."""

    url: str
    source_id: int | None
    priority: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class SourcePollStats:
    """One line of `kuaizhao sources stats` and of the admin sources page."""

    source_id: int
    name: str
    discovery_urls: int
    last_poll_at: datetime | None
    next_poll_at: datetime | None
    interval_seconds: float | None  # the shortest current interval of its URLs
    reason: str | None
    polls: int
    not_modified: int
    failures: int
    errors_now: int  # consecutive failures of its worst URL
    last_error: str | None
    new_items: int
    items_per_day: float | None
    median_lag_seconds: float | None  # publication -> capture, first capture per URL
    lag_samples: int
    websub: str | None  # state of its WebSub subscription, if any


@dataclass(frozen=True, slots=True)
class WebSubSubscription:
    id: int
    topic: str
    hub: str
    source_id: int | None
    secret: str
    state: str  # requested | active | denied | failed
    lease_seconds: int | None
    requested_at: datetime
    verified_at: datetime | None
    expires_at: datetime | None
    last_push_at: datetime | None
    pushes: int
    rejected: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class PushedFeed:
    """A verified WebSub push waiting in the inbox."""

    id: int
    subscription_id: int
    topic: str
    source_id: int | None
    received_at: datetime
    content_type: str | None
    body: bytes
