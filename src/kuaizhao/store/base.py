"""The storage interface every backend implements, and the rows it speaks in.

SQLite is the embedded default; a PostgreSQL backend implements the same `Store`.
Nothing outside `store/` may assume which one it is talking to. Writes happen inside
`with store.transaction():`, which commits on success and rolls back on error; the
write methods themselves never commit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from kuaizhao.models import (
    Article,
    CaptureInfo,
    FetchStats,
    LinkKind,
    SearchHit,
    SearchPage,
    Snapshot,
    WarcPointer,
)


@dataclass(frozen=True, slots=True)
class FrontierEntry:
    """A URL to put on the frontier (ignored when it is already there)."""

    url: str
    source_id: int | None
    kind: LinkKind
    due_at: datetime
    priority: int = 0
    category_hint: str | None = None
    title_hint: str | None = None


@dataclass(frozen=True, slots=True)
class FrontierItem:
    """A frontier row claimed by a worker until `claimed_until`."""

    url: str
    source_id: int | None
    kind: LinkKind
    attempts: int
    category_hint: str | None
    title_hint: str | None


@dataclass(frozen=True, slots=True)
class CaptureRef:
    """What a later fetch of the same URL (or payload) needs from an earlier capture."""

    id: int
    url: str
    record_id: str
    captured_at: datetime
    payload_digest: str
    etag: str | None
    last_modified: str | None
    snapshot_id: int | None


@dataclass(frozen=True, slots=True)
class NewCapture:
    url: str
    source_id: int | None
    captured_at: datetime
    status: int
    content_type: str | None
    response: WarcPointer
    request: WarcPointer | None
    record_id: str
    payload_digest: str
    is_revisit: bool
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class SourceRow:
    id: int
    name: str
    homepage: str | None
    snapshots: int


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[None]: ...
    def close(self) -> None: ...

    # sources and frontier
    def upsert_source(self, name: str, homepage: str | None, config_json: str) -> int: ...
    def sources(self) -> list[SourceRow]: ...
    def enqueue(self, entries: Sequence[FrontierEntry]) -> int: ...
    def reschedule(self, url: str, due_at: datetime) -> None: ...
    def claim_due(
        self, now: datetime, limit: int, lease_seconds: float, worker: str = ""
    ) -> list[FrontierItem]: ...
    def claimants(self) -> list[str]: ...
    def release_claims(self, worker: str) -> int: ...
    def finish(self, url: str, outcome: str, next_due_at: datetime | None) -> None: ...
    def record_fetch(
        self, url: str, source_id: int | None, kind: LinkKind, outcome: str,
        status: int | None, error: str | None, fetched_at: datetime,
    ) -> None: ...

    # captures and snapshots
    def last_capture(self, url: str) -> CaptureRef | None: ...
    def capture_with_digest(self, payload_digest: str) -> CaptureRef | None: ...
    def has_record(self, record_id: str) -> bool: ...
    def add_capture(self, capture: NewCapture) -> int: ...
    def add_snapshot(
        self, capture_id: int, capture: NewCapture, article: Article, story_id: int | None,
        text_digest: str | None,
    ) -> int: ...
    def story_of_url(self, url: str) -> int | None: ...
    def story_of_text(self, text_digest: str) -> int | None: ...

    # reads
    def snapshot(self, snapshot_id: int) -> Snapshot: ...
    def snapshots_of_url(self, url: str) -> list[Snapshot]: ...
    def captures_of_url(self, url: str) -> list[CaptureInfo]: ...
    def story_members(self, story_id: int) -> list[Snapshot]: ...
    def latest(
        self, *, category: str | None = None, source: str | None = None,
        offset: int = 0, limit: int = 20,
    ) -> SearchPage: ...
    def categories(self) -> list[tuple[str, int]]: ...
    def stats(self) -> FetchStats: ...
    def iter_snapshots(self) -> Iterator[Snapshot]: ...

    # search (delegates to the backend's search engine)
    def search(self, query: str, *, offset: int = 0, limit: int = 20, sort: str = "relevance",
               category: str | None = None, source: str | None = None,
               since: str | None = None, until: str | None = None) -> SearchPage: ...
    def related(self, snapshot_id: int, limit: int = 10) -> list[SearchHit]: ...

    # maintenance
    def reset_derived(self) -> None: ...
