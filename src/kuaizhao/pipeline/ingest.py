"""From an archived exchange to stored rows: extract, dedupe, store, index.

Extraction runs before the database transaction (it is the slow part); the rows for
one capture are then written in one transaction by `save`, after its WARC records are
on disk.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from kuaizhao.config import Settings
from kuaizhao.dedupe import RemovalDecision
from kuaizhao.extract import ExtractOptions, extract_article
from kuaizhao.models import ArchivedExchange, Article, Headers
from kuaizhao.pipeline.versions import record_capture
from kuaizhao.sources import SourceConfig
from kuaizhao.store.base import NewCapture, Store
from kuaizhao.subscribe.index_time import match_snapshot

# A WARC extension field on every record the crawler writes: what it fetched the URL as
# (feed, sitemap, listing, article), so that the WARC files alone say what to extract.
KIND_FIELD = "Kuaizhao-Link-Kind"


@dataclass(frozen=True, slots=True)
class Ingested:
    capture_id: int
    snapshot_id: int | None


def header(headers: Headers, name: str) -> str | None:
    lowered = name.lower()
    for key, value in headers:
        if key.lower() == lowered:
            return value
    return None


def is_html(content_type: str | None, body: bytes) -> bool:
    if content_type:
        kind = content_type.split(";")[0].strip().lower()
        return kind in ("text/html", "application/xhtml+xml")
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def new_capture(archived: ArchivedExchange, headers: Headers, source_id: int | None) -> NewCapture:
    return NewCapture(
        url=archived.url, source_id=source_id, captured_at=archived.fetched_at,
        status=archived.status, content_type=header(headers, "content-type"),
        response=archived.response, request=archived.request, record_id=archived.record_id,
        payload_digest=archived.payload_digest, is_revisit=archived.is_revisit,
        etag=header(headers, "etag"), last_modified=header(headers, "last-modified"),
    )


def extract_options(source: SourceConfig | None, settings: Settings,
                    captured_at: datetime, content_type: str | None) -> ExtractOptions:
    return ExtractOptions(
        default_timezone=source.zone if source else settings.default_timezone,
        now=captured_at,
        category_rules=tuple((r.pattern, r.category) for r in source.category_rules)
        if source else (),
        source_name=source.name if source else None,
        content_type=content_type,
    )


def extract_capture(capture: NewCapture, body: bytes, source: SourceConfig | None,
                    settings: Settings) -> Article | None:
    """The article on a captured page, or None when there is none to keep."""
    if capture.is_revisit or capture.status != 200 or not is_html(capture.content_type, body):
        return None
    options = extract_options(source, settings, capture.captured_at, capture.content_type)
    article = extract_article(body, capture.url, options)
    if article.not_article_reason or not article.text:
        return None
    if article.category is None and source is not None and source.category:
        article = replace(article, category=source.category)
    return article


def save(store: Store, capture: NewCapture, article: Article | None,
         removal: RemovalDecision | None = None) -> Ingested:
    """Write one capture (and its snapshot when it is a new version of the article, see
    `pipeline.versions`) — call inside `store.transaction()`."""
    store.serialize_url(capture.url)
    capture_id = store.add_capture(capture)
    snapshot_id = record_capture(store, capture_id, capture, article, removal)
    if snapshot_id is None:
        return Ingested(capture_id, None)
    if store.visible(snapshot_id):  # a taken-down snapshot alerts nobody (docs/takedown.md)
        match_snapshot(store, snapshot_id)  # subscriptions: the stream and webhook outbox
    return Ingested(capture_id, snapshot_id)
