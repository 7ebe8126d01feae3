"""The JSON shapes of `/api/v1`, as pydantic models so the OpenAPI description is exact.

Converters from the pipeline's dataclasses live beside each shape; the HTML pages and
their JSON twins are built from the same store calls.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from pydantic import BaseModel, Field

from kuaizhao.models import Article, CaptureInfo, SearchHit, Snapshot
from kuaizhao.store.base import SourceRow
from kuaizhao.web.highlight import clean_snippet


class ErrorOut(BaseModel):
    error: str = Field(description="what was wrong and what to do about it")
    status: int


class WarcOut(BaseModel):
    filename: str = Field(description="WARC file, relative to the archive's warc directory")
    offset: int
    length: int


class ImageOut(BaseModel):
    src: str
    caption: str | None
    alt: str | None


class EvidenceOut(BaseModel):
    field: str
    rule: str
    confidence: float


class ArticleOut(BaseModel):
    title: str
    subtitle: str | None
    published_at: datetime | None
    updated_at: datetime | None
    author: list[str]
    editor: str | None
    source: str | None = Field(description="the outlet named on the page (来源)")
    reposted_from: str | None = Field(description="the original publisher (本文转自)")
    reposted_from_url: str | None
    original_title: str | None
    category: str | None
    language: str | None
    canonical_url: str | None
    paragraphs: list[str]
    captions: list[str] = Field(description="image captions and credits, apart from the body")
    images: list[ImageOut]
    keywords: list[str]
    evidence: list[EvidenceOut]
    not_article_reason: str | None


class SnapshotOut(BaseModel):
    id: int
    url: str = Field(description="the original URL that was captured")
    source: str = Field(description="the configured source the capture came from")
    captured_at: datetime
    status: int
    payload_digest: str = Field(description="WARC-Payload-Digest of the captured body")
    warc: WarcOut
    story_id: int | None
    original_snapshot_id: int | None = Field(
        description="the archive's snapshot of the page this one was reposted from")
    article: ArticleOut
    html_url: str
    raw_url: str
    warc_url: str
    captures_url: str


class HitOut(BaseModel):
    id: int
    url: str
    title: str
    published_at: datetime | None
    captured_at: datetime
    source: str
    category: str | None
    snippet: str = Field(description="HTML: escaped text with <mark> around matches")
    score: float
    also_reported_by: list[str]


class PageOut(BaseModel):
    hits: list[HitOut]
    total: int
    total_is_estimate: bool = Field(
        default=False,
        description="true when total is extrapolated (a word in thousands of articles)")
    offset: int
    limit: int
    next: str | None = Field(description="URL of the next page, null on the last")


class SearchOut(PageOut):
    q: str
    category: str | None
    source: str | None
    since: str | None
    until: str | None
    sort: str


class ListingOut(PageOut):
    kind: str = Field(description="category or source")
    name: str


class RelatedOut(BaseModel):
    snapshot_id: int
    hits: list[HitOut]


class CaptureOut(BaseModel):
    id: int
    url: str = Field(description="the URL archived: a variant of the one asked for when "
                                 "none is archived exactly under it")
    captured_at: datetime
    status: int
    payload_digest: str
    is_revisit: bool
    changed: bool = Field(description="the payload differs from the previous capture's")
    snapshot_id: int | None
    wayback_url: str


class LookupOut(BaseModel):
    url: str
    total: int
    captures: list[CaptureOut]


class CategoryOut(BaseModel):
    name: str
    snapshots: int


class SourceOut(BaseModel):
    name: str
    homepage: str | None
    snapshots: int


class StatsOut(BaseModel):
    snapshots: int
    captures: int
    revisits: int
    sources: int
    categories: int


class HomeOut(BaseModel):
    latest: list[HitOut]
    categories: list[CategoryOut]
    sources: list[SourceOut]
    stats: StatsOut


class TakedownOut(BaseModel):
    contact: str | None = Field(description="where removal requests go; null if not set")
    snapshot_id: int | None
    url: str | None
    include: list[str] = Field(description="what a request should contain")


def hit_out(hit: SearchHit) -> HitOut:
    return HitOut(
        id=hit.snapshot_id, url=hit.url, title=hit.title, published_at=hit.published_at,
        captured_at=hit.captured_at, source=hit.source, category=hit.category,
        snippet=str(clean_snippet(hit.snippet)), score=hit.score,
        also_reported_by=list(hit.also_reported_by),
    )


def article_out(article: Article) -> ArticleOut:
    return ArticleOut(
        title=article.title, subtitle=article.subtitle, published_at=article.published_at,
        updated_at=article.updated_at, author=list(article.author), editor=article.editor,
        source=article.source, reposted_from=article.reposted_from,
        reposted_from_url=article.reposted_from_url, original_title=article.original_title,
        category=article.category, language=article.language,
        canonical_url=article.canonical_url, paragraphs=list(article.paragraphs),
        captions=list(article.captions),
        images=[ImageOut(src=i.src, caption=i.caption, alt=i.alt) for i in article.images],
        keywords=list(article.keywords),
        evidence=[EvidenceOut(field=e.field, rule=e.rule, confidence=e.confidence)
                  for e in article.evidence],
        not_article_reason=article.not_article_reason,
    )


def snapshot_out(snap: Snapshot, original_id: int | None) -> SnapshotOut:
    return SnapshotOut(
        id=snap.id, url=snap.url, source=snap.source_name, captured_at=snap.captured_at,
        status=snap.status, payload_digest=snap.payload_digest,
        warc=WarcOut(filename=snap.warc.filename, offset=snap.warc.offset,
                     length=snap.warc.length),
        story_id=snap.story_id, original_snapshot_id=original_id,
        article=article_out(snap.article),
        html_url=f"/snapshots/{snap.id}", raw_url=f"/snapshots/{snap.id}/raw",
        warc_url=f"/snapshots/{snap.id}/warc",
        captures_url="/lookup?url=" + quote(snap.url, safe=""),
    )


def capture_out(capture: CaptureInfo, changed: bool, timestamp: str) -> CaptureOut:
    return CaptureOut(
        id=capture.id, url=capture.url, captured_at=capture.captured_at, status=capture.status,
        payload_digest=capture.payload_digest, is_revisit=capture.is_revisit,
        changed=changed, snapshot_id=capture.snapshot_id,
        wayback_url=f"/web/{timestamp}/{capture.url}",
    )


def source_out(row: SourceRow) -> SourceOut:
    return SourceOut(name=row.name, homepage=row.homepage, snapshots=row.snapshots)
