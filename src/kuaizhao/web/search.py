"""Search: the results page with facets and pages, and `/api/v1/search`.

The query language and ranking belong to the store's search backend; a query it cannot
run raises QueryError, which both twins turn into a 400 with the backend's message.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kuaizhao.errors import UsageError
from kuaizhao.models import SearchPage
from kuaizhao.store.base import Store
from kuaizhao.store.search_filters import MAX_OFFSET
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut, SearchOut, hit_out
from kuaizhao.web.render import render, site_of

router = APIRouter()
PER_PAGE = 20
FACET_VALUES = 10
ERRORS: dict[int | str, dict[str, object]] = {400: {"model": ErrorOut}, 503: {"model": ErrorOut}}


@dataclass(frozen=True, slots=True)
class Filters:
    q: str
    category: str | None
    source: str | None
    since: str | None
    until: str | None
    sort: str

    def run(self, store: Store, offset: int, limit: int, **override: str | None) -> SearchPage:
        chosen = {"category": self.category, "source": self.source} | override
        return store.search(self.q, offset=offset, limit=limit, sort=self.sort,
                            category=chosen["category"], source=chosen["source"],
                            since=self.since, until=self.until)


def _filters(q: str | None, category: str | None, source: str | None, since: str | None,
             until: str | None, sort: str | None) -> Filters:
    return Filters(q=params.query(q), category=params.name("category", category),
                   source=params.name("source", source), since=params.day("since", since),
                   until=params.day("until", until), sort=params.sort(sort))


def _facets(store: Store, f: Filters) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Result counts per category and per source for the query as it stands."""
    categories = [(name, f.run(store, 0, 1, category=name).total)
                  for name, _ in store.categories()[:FACET_VALUES]]
    sources = [(row.name, f.run(store, 0, 1, source=row.name).total)
               for row in sorted(store.sources(), key=lambda r: -r.snapshots)[:FACET_VALUES]]
    return ([c for c in categories if c[1]], [s for s in sources if s[1]])


def folded_reposts(results: SearchPage | None) -> int | None:
    """Reposts folded into the results' stories: counted when every result is on this
    page, None when some are (and so their count is not known here)."""
    if results is None:
        return 0
    shown = sum(len(hit.also_reported_by) for hit in results.hits)
    if results.offset == 0 and results.total <= len(results.hits):
        return shown
    return None if shown else 0


@router.get("/search", include_in_schema=False, response_class=HTMLResponse)
def search_page(request: Request, q: str | None = None, category: str | None = None,
                source: str | None = None, since: str | None = None,
                until: str | None = None, sort: str | None = None,
                page: str | None = None) -> HTMLResponse:
    store = site_of(request).store
    f = _filters(q, category, source, since, until, sort)
    number = params.page(page)
    results = None
    facets: tuple[list[tuple[str, int]], list[tuple[str, int]]] = ([], [])
    pages = None
    if f.q:
        results = f.run(store, (number - 1) * PER_PAGE, PER_PAGE)
        pages = params.Pages(page=number, per_page=PER_PAGE, total=results.total,
                             reachable=MAX_OFFSET + PER_PAGE)
        if results.total:
            facets = _facets(store, f)
    return render(request, "search.html", f=f, results=results, pages=pages,
                  reposts=folded_reposts(results),
                  category_facets=facets[0], source_facets=facets[1],
                  all_categories=store.categories(), all_sources=store.sources())


@router.get("/api/v1/search", response_model=SearchOut, responses=ERRORS, tags=["search"],
            summary="Full-text search with filters; hits carry HTML-safe snippets")
def search_api(request: Request, q: str | None = None, category: str | None = None,
               source: str | None = None, since: str | None = None, until: str | None = None,
               sort: str | None = None, offset: str | None = None,
               limit: str | None = None) -> SearchOut:
    f = _filters(q, category, source, since, until, sort)
    if not f.q:
        raise UsageError("parameter q is required, e.g. /api/v1/search?q=科技创新",
                         code="parameter_required", name="q")
    start, size = params.offset(offset), params.limit(limit, default=PER_PAGE)
    results = f.run(site_of(request).store, start, size)
    next_url = None
    if results.next_offset is not None:
        query = {k: v for k, v in (("q", f.q), ("category", f.category), ("source", f.source),
                                   ("since", f.since), ("until", f.until), ("sort", f.sort))
                 if v}
        next_url = "/api/v1/search?" + urlencode(
            query | {"offset": results.next_offset, "limit": size})
    return SearchOut(q=f.q, category=f.category, source=f.source, since=f.since,
                     until=f.until, sort=f.sort, hits=[hit_out(h) for h in results.hits],
                     total=results.total, total_is_estimate=results.total_is_estimate,
                     offset=results.offset, limit=results.limit,
                     next=next_url)
