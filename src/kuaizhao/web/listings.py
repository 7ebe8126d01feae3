"""Category and source pages (newest first, paginated), the indexes of both, JSON twins."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kuaizhao.errors import NotFound
from kuaizhao.models import SearchPage
from kuaizhao.store.base import SourceRow
from kuaizhao.store.search_filters import MAX_OFFSET
from kuaizhao.web import params
from kuaizhao.web.api_models import (
    CategoryOut,
    ErrorOut,
    ListingOut,
    SourceOut,
    hit_out,
    source_out,
)
from kuaizhao.web.render import render, site_of

router = APIRouter()
PER_PAGE = 20
ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut}, 404: {"model": ErrorOut}, 503: {"model": ErrorOut}}


def _category(request: Request, name: str) -> str:
    known = dict(site_of(request).store.categories())
    if name not in known:
        raise NotFound(f"no category {name[:80]!r} in the archive; see /categories for the list",
                       code="category_not_found", name=name[:80])
    return name


def _source(request: Request, name: str) -> SourceRow:
    for row in site_of(request).store.sources():
        if row.name == name:
            return row
    raise NotFound(f"no source {name[:80]!r} in the archive; see /sources for the list",
                   code="source_not_found", name=name[:80])


def _listing(request: Request, kind: str, name: str, offset: int, limit: int) -> SearchPage:
    store = site_of(request).store
    if kind == "category":
        return store.latest(category=name, offset=offset, limit=limit)
    return store.latest(source=name, offset=offset, limit=limit)


def _listing_out(kind: str, name: str, page: SearchPage) -> ListingOut:
    next_url = None
    if page.next_offset is not None:
        plural = "categories" if kind == "category" else "sources"
        next_url = (f"/api/v1/{plural}/{quote(name, safe='')}"
                    f"?offset={page.next_offset}&limit={page.limit}")
    return ListingOut(kind=kind, name=name, hits=[hit_out(h) for h in page.hits],
                      total=page.total, offset=page.offset, limit=page.limit, next=next_url)


def _page(request: Request, kind: str, name: str, page: str | None,
          source: SourceRow | None = None) -> HTMLResponse:
    number = params.page(page)
    results = _listing(request, kind, name, (number - 1) * PER_PAGE, PER_PAGE)
    return render(request, "listing.html", kind=kind, name=name, source=source,
                  results=results,
                  pages=params.Pages(page=number, per_page=PER_PAGE, total=results.total,
                                     reachable=MAX_OFFSET + PER_PAGE))


@router.get("/categories", include_in_schema=False, response_class=HTMLResponse)
def categories_page(request: Request) -> HTMLResponse:
    return render(request, "index.html", kind="category",
                  rows=[(n, c, None) for n, c in site_of(request).store.categories()])


@router.get("/sources", include_in_schema=False, response_class=HTMLResponse)
def sources_page(request: Request) -> HTMLResponse:
    rows = [(s.name, s.snapshots, s.homepage) for s in site_of(request).store.sources()]
    return render(request, "index.html", kind="source", rows=rows)


@router.get("/categories/{name:path}", include_in_schema=False, response_class=HTMLResponse)
def category_page(request: Request, name: str, page: str | None = None) -> HTMLResponse:
    return _page(request, "category", _category(request, name), page)


@router.get("/sources/{name:path}", include_in_schema=False, response_class=HTMLResponse)
def source_page(request: Request, name: str, page: str | None = None) -> HTMLResponse:
    row = _source(request, name)
    return _page(request, "source", row.name, page, source=row)


@router.get("/api/v1/categories", response_model=list[CategoryOut], tags=["listings"],
            summary="Every category with its number of articles")
def categories_api(request: Request) -> list[CategoryOut]:
    return [CategoryOut(name=n, snapshots=c) for n, c in site_of(request).store.categories()]


@router.get("/api/v1/sources", response_model=list[SourceOut], tags=["listings"],
            summary="Every configured source with its number of snapshots")
def sources_api(request: Request) -> list[SourceOut]:
    return [source_out(s) for s in site_of(request).store.sources()]


@router.get("/api/v1/categories/{name:path}", response_model=ListingOut, responses=ERRORS,
            tags=["listings"], summary="A category's snapshots, newest first")
def category_api(request: Request, name: str, offset: str | None = None,
                 limit: str | None = None) -> ListingOut:
    name = _category(request, name)
    page = _listing(request, "category", name, params.offset(offset), params.limit(limit))
    return _listing_out("category", name, page)


@router.get("/api/v1/sources/{name:path}", response_model=ListingOut, responses=ERRORS,
            tags=["listings"], summary="A source's snapshots, newest first")
def source_api(request: Request, name: str, offset: str | None = None,
               limit: str | None = None) -> ListingOut:
    row = _source(request, name)
    page = _listing(request, "source", row.name, params.offset(offset), params.limit(limit))
    return _listing_out("source", row.name, page)
