"""Frozen values passed between pipeline stages.

Each stage takes one of these and returns another; none of them holds a connection,
a file handle or a clock. Times are always timezone-aware.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

Headers = tuple[tuple[str, str], ...]


# ---------------------------------------------------------------- discover


class LinkKind(enum.StrEnum):
    """Where a candidate URL was found; decides how the pipeline treats its fetch."""

    FEED = "feed"
    SITEMAP = "sitemap"
    LISTING = "listing"
    ARTICLE = "article"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A URL a discovery parser found, with whatever the index page said about it."""

    url: str
    kind: LinkKind = LinkKind.ARTICLE
    title: str | None = None
    published_at: datetime | None = None
    category: str | None = None
    updated_at: datetime | None = None  # sitemap <lastmod> / feed <updated>: re-fetch hint


# ---------------------------------------------------------------- fetch


class FetchOutcome(enum.StrEnum):
    """Every way a fetch can end. Recorded per fetch and counted by `kuaizhao stats`."""

    OK = "ok"  # 2xx with a full body
    NOT_MODIFIED = "not_modified"  # 304 to a conditional GET
    HTTP_ERROR = "http_error"  # 4xx/5xx after retries
    GONE = "gone"  # 404 or 410: the page is not (or no longer) there
    ROBOTS_DISALLOWED = "robots_disallowed"
    TOO_LARGE = "too_large"
    TIMEOUT = "timeout"
    CONNECTION_ERROR = "connection_error"
    TLS_ERROR = "tls_error"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    TRUNCATED = "truncated"  # the server closed before Content-Length bytes arrived
    BLOCKED_ADDRESS = "blocked_address"  # private/loopback target refused by policy
    # Fetched, but a discovery document (feed, sitemap, listing) that cannot be read.
    UNPARSEABLE = "unparseable"


@dataclass(frozen=True, slots=True)
class HttpExchange:
    """One HTTP request and its response exactly as they crossed the wire.

    `raw_body` keeps any Content-Encoding (gzip, br) as the server sent it, so the
    WARC response record is byte-for-byte; `body` is the decoded payload for parsing.
    """

    method: str
    url: str
    request_headers: Headers
    status: int
    reason: str
    http_version: str  # "1.1"
    response_headers: Headers
    raw_body: bytes
    body: bytes
    fetched_at: datetime
    ip_address: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch of one URL produced: an outcome, and the exchanges along the way.

    `exchanges` holds every hop (redirects first, final response last); it is empty
    when nothing came back (timeout, robots, refused address).
    """

    url: str
    outcome: FetchOutcome
    exchanges: tuple[HttpExchange, ...] = ()
    error: str | None = None
    fetched_at: datetime | None = None

    @property
    def final(self) -> HttpExchange | None:
        return self.exchanges[-1] if self.exchanges else None

    @property
    def final_url(self) -> str:
        return self.exchanges[-1].url if self.exchanges else self.url


# ---------------------------------------------------------------- archive


@dataclass(frozen=True, slots=True)
class WarcPointer:
    """Where one WARC record lives: re-reading `length` bytes at `offset` gives it back."""

    filename: str  # relative to the archive's warc directory
    offset: int
    length: int


@dataclass(frozen=True, slots=True)
class ArchivedExchange:
    """The records one exchange became in a WARC file."""

    url: str
    record_id: str  # WARC-Record-ID of the response (or revisit) record
    response: WarcPointer
    request: WarcPointer | None
    payload_digest: str  # "sha1:BASE32", as in WARC-Payload-Digest
    is_revisit: bool
    fetched_at: datetime
    status: int


# ---------------------------------------------------------------- extract


@dataclass(frozen=True, slots=True)
class Evidence:
    """Which rule produced a field's value, and how much to trust it (0..1)."""

    field: str
    rule: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Image:
    src: str
    caption: str | None = None
    alt: str | None = None


@dataclass(frozen=True, slots=True)
class Article:
    """An article as extracted from one page's bytes.

    `text` is the body as paragraphs joined by a blank line, without captions; a page
    that is not an article has `text == ""` and `not_article_reason` set.
    """

    title: str = ""
    subtitle: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    author: tuple[str, ...] = ()
    editor: str | None = None
    source: str | None = None
    reposted_from: str | None = None
    reposted_from_url: str | None = None
    original_title: str | None = None
    category: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    text: str = ""
    captions: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    keywords: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    not_article_reason: str | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p for p in self.text.split("\n\n") if p)


# ---------------------------------------------------------------- store / serve


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One stored capture of an article page, as the web and API show it."""

    id: int
    url: str
    source_name: str
    captured_at: datetime
    payload_digest: str
    warc: WarcPointer
    article: Article
    story_id: int | None = None
    status: int = 200


@dataclass(frozen=True, slots=True)
class CaptureInfo:
    """One row of a URL's capture timeline."""

    id: int
    url: str
    captured_at: datetime
    status: int
    payload_digest: str
    is_revisit: bool
    snapshot_id: int | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    snapshot_id: int
    url: str
    title: str
    published_at: datetime | None
    captured_at: datetime
    source: str
    category: str | None
    snippet: str  # HTML: escaped text with <mark>…</mark> around matches
    score: float
    also_reported_by: tuple[str, ...] = ()  # URLs of other members of the same story


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: tuple[SearchHit, ...]
    total: int
    offset: int
    limit: int
    # True when `total` is extrapolated: a word so common that only its newest matches
    # were ranked (see docs/search.md); show it as "about N".
    total_is_estimate: bool = False

    @property
    def next_offset(self) -> int | None:
        nxt = self.offset + self.limit
        return nxt if nxt < self.total else None


@dataclass(frozen=True, slots=True)
class FetchStats:
    """Counts of fetch outcomes, for `kuaizhao stats`."""

    outcomes: dict[str, int] = field(default_factory=dict)
    captures: int = 0
    snapshots: int = 0
    revisits: int = 0
    frontier_pending: int = 0


# ---------------------------------------------------------------- versions and stories


@dataclass(frozen=True, slots=True)
class Removal:
    """An article found gone at its source after it had been captured."""

    url: str
    removed_at: datetime  # the first capture that found it gone
    reason: str  # http_404 | http_410 | redirect_home | not_found_page
    capture_id: int
    last_snapshot_id: int | None  # the last version captured before it went
    restored_at: datetime | None = None  # a later capture found it back


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """One version of a URL: a snapshot that differs materially from the one before."""

    snapshot_id: int
    url: str
    number: int  # 1 for the first version
    captured_at: datetime  # when this version was first captured
    last_seen_at: datetime  # the last capture that still showed it
    captures: int  # captures that showed it, revisits and immaterial changes included
    title: str
    changed: tuple[str, ...] = ()  # fields changed from the previous version


@dataclass(frozen=True, slots=True)
class StoryInfo:
    """A story: snapshots of one news item across outlets, and which is the original."""

    id: int
    created_at: datetime
    original_snapshot_id: int | None
    original_reason: str | None  # see dedupe.stories.REASONS
    members: tuple[Snapshot, ...]  # the latest version of each member URL


@dataclass(frozen=True, slots=True)
class ChangedUrl:
    """A row of the "changed or removed at source" listing."""

    url: str
    source_name: str
    title: str
    latest_snapshot_id: int
    versions: int
    last_event_at: datetime  # the newest version or the removal, whichever is later
    removal: Removal | None = None


@dataclass(frozen=True, slots=True)
class NearDupEntry:
    """A stored body's MinHash signature, found through a shared LSH band key."""

    snapshot_id: int
    story_id: int | None
    signature: bytes
    shingles: int
