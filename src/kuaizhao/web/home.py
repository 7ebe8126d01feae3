"""The home page: latest snapshots, categories, sources, search box, archive statistics."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kuaizhao.models import SearchPage
from kuaizhao.web.api_models import (
    CategoryOut,
    ErrorOut,
    HomeOut,
    StatsOut,
    hit_out,
    source_out,
)
from kuaizhao.web.render import render, site_of

router = APIRouter()
LATEST = 20
ERRORS: dict[int | str, dict[str, object]] = {503: {"model": ErrorOut}}


def _home(request: Request) -> tuple[HomeOut, SearchPage]:
    store = site_of(request).store
    latest = store.latest(limit=LATEST)
    categories = store.categories()
    sources = store.sources()
    stats = store.stats()
    return HomeOut(
        latest=[hit_out(h) for h in latest.hits],
        categories=[CategoryOut(name=n, snapshots=c) for n, c in categories],
        sources=[source_out(s) for s in sources],
        stats=StatsOut(snapshots=stats.snapshots, captures=stats.captures,
                       revisits=stats.revisits, sources=len(sources),
                       categories=len(categories)),
    ), latest


@router.get("/", include_in_schema=False, response_class=HTMLResponse)
def home_page(request: Request) -> HTMLResponse:
    home, latest = _home(request)
    return render(request, "home.html", home=home, latest=latest.hits)


@router.get("/api/v1/home", response_model=HomeOut, responses=ERRORS, tags=["home"],
            summary="Latest snapshots, categories, sources and archive statistics")
def home_api(request: Request) -> HomeOut:
    return _home(request)[0]
