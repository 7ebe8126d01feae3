"""The rows accounts and subscriptions are made of (tables of 0005_accounts.sql).

Plain frozen dataclasses: the store builds them from rows, the web and the alerting
code read them; none holds a connection.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Role(enum.StrEnum):
    READER = "reader"
    ADMIN = "admin"


class SubscriptionKind(enum.StrEnum):
    CATEGORY = "category"
    SOURCE = "source"
    SEARCH = "search"  # a saved query of the search language, filters included


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    role: Role
    created_at: datetime
    feed_token: str
    email: str | None = None
    digest_enabled: bool = False
    last_digest_at: datetime | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a login checks: the user and their stored argon2 hash."""

    user: User
    password_hash: str


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ApiToken:
    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    secret: str
    enabled: bool
    failures: int = 0
    disabled_reason: str | None = None


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    user_id: int
    kind: SubscriptionKind
    target: str
    name: str
    paused: bool
    created_at: datetime
    unread: int = 0
    webhook: Webhook | None = None


@dataclass(frozen=True, slots=True)
class MatchRule:
    """The part of a subscription the matcher needs (active ones only)."""

    id: int
    kind: SubscriptionKind
    target: str


@dataclass(frozen=True, slots=True)
class StreamItem:
    """One story in a user's stream: its newest matching snapshot and who matched it."""

    snapshot_id: int
    url: str
    title: str
    text: str
    published_at: datetime | None
    captured_at: datetime
    source: str
    category: str | None
    story_key: int
    subscription_ids: tuple[int, ...]
    read: bool
    payload_digest: str = ""


@dataclass(frozen=True, slots=True)
class StreamPage:
    items: tuple[StreamItem, ...]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """A webhook POST waiting to be sent."""

    id: int
    subscription_id: int
    url: str
    payload: str
    attempts: int
    webhook: Webhook
