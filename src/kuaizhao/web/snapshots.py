"""The snapshot page and its JSON twins (`/api/v1/snapshots/{id}`, `/related`)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kuaizhao.models import Image, SearchHit, Snapshot
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut, RelatedOut, SnapshotOut, hit_out, snapshot_out
from kuaizhao.web.highlight import query_terms
from kuaizhao.web.memento import memento_headers
from kuaizhao.web.provenance import find_original
from kuaizhao.web.render import render, site_of
from kuaizhao.web.versions import snapshot_context

router = APIRouter()
RELATED = 8
MORE_IN_CATEGORY = 6
ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorOut}, 410: {"model": ErrorOut}, 503: {"model": ErrorOut}}


def _more_in_category(request: Request, snap: Snapshot) -> list[SearchHit]:
    category = snap.article.category
    if not category:
        return []
    page = site_of(request).store.latest(category=category, limit=MORE_IN_CATEGORY + 1)
    return [h for h in page.hits if h.url != snap.url][:MORE_IN_CATEGORY]


def _loose_captions(images: tuple[Image, ...], captions: tuple[str, ...]) -> list[str]:
    """Captions not already shown under an image (each caption is shown once)."""
    shown = {i.caption for i in images if i.caption}
    return [c for c in captions if c not in shown]


@router.get("/snapshots/{snapshot_id}", include_in_schema=False,
            response_class=HTMLResponse)
def snapshot_page(request: Request, snapshot_id: str, q: str | None = None) -> HTMLResponse:
    store = site_of(request).store
    snap = store.snapshot(params.snapshot_id(snapshot_id))
    article = snap.article
    lag = (snap.captured_at - article.published_at) if article.published_at else None
    page = render(
        request, "snapshot.html", snap=snap, article=article,
        terms=query_terms(params.query(q)), original=find_original(store, snap),
        related=store.related(snap.id, limit=RELATED), more=_more_in_category(request, snap),
        loose_captions=_loose_captions(article.images, article.captions), lag=lag,
        captures_url="/lookup?url=" + quote(snap.url, safe=""),
        **snapshot_context(store, snap),  # versions, removal at the source, story
    )
    page.headers.update(memento_headers(request, snap))  # RFC 7089: this page is a memento
    return page


@router.get("/api/v1/snapshots/{snapshot_id}", response_model=SnapshotOut, responses=ERRORS,
            tags=["snapshots"], summary="One snapshot: the extracted article and its provenance")
def snapshot_api(request: Request, snapshot_id: str) -> SnapshotOut:
    store = site_of(request).store
    snap = store.snapshot(params.snapshot_id(snapshot_id))
    original = find_original(store, snap)
    return snapshot_out(snap, original.id if original else None)


@router.get("/api/v1/snapshots/{snapshot_id}/related", response_model=RelatedOut,
            responses=ERRORS, tags=["snapshots"],
            summary="Related news: snapshots sharing the article's key terms")
def related_api(request: Request, snapshot_id: str, limit: str | None = None) -> RelatedOut:
    store = site_of(request).store
    snap = store.snapshot(params.snapshot_id(snapshot_id))
    hits = store.related(snap.id, limit=params.limit(limit, default=RELATED))
    return RelatedOut(snapshot_id=snap.id, hits=[hit_out(h) for h in hits])
