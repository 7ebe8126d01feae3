"""The admin sources page and its JSON twin: per-source polling and freshness numbers
(last and next poll, interval and why, items per day, median capture lag, errors).

Admins only: a visitor who is not logged in is sent to the login page (HTML) or gets
401 (API); a reader gets 403.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from kuaizhao.store.polling import SourcePollStats
from kuaizhao.web.api_models import ErrorOut
from kuaizhao.web.auth import page_admin, require_admin
from kuaizhao.web.render import render, site_of

router = APIRouter()


class SourceStatsOut(BaseModel):
    source_id: int
    name: str
    discovery_urls: int
    last_poll_at: datetime | None
    next_poll_at: datetime | None
    interval_seconds: float | None
    interval_reason: str | None
    polls: int
    not_modified: int
    failures: int
    errors_in_a_row: int
    last_error: str | None
    new_items: int
    items_per_day: float | None
    median_lag_seconds: float | None
    lag_samples: int
    websub: str | None


def _stats(request: Request) -> list[SourcePollStats]:
    return site_of(request).store.source_poll_stats(datetime.now(UTC))


def stats_out(s: SourcePollStats) -> SourceStatsOut:
    return SourceStatsOut(
        source_id=s.source_id, name=s.name, discovery_urls=s.discovery_urls,
        last_poll_at=s.last_poll_at, next_poll_at=s.next_poll_at,
        interval_seconds=s.interval_seconds, interval_reason=s.reason, polls=s.polls,
        not_modified=s.not_modified, failures=s.failures, errors_in_a_row=s.errors_now,
        last_error=s.last_error, new_items=s.new_items, items_per_day=s.items_per_day,
        median_lag_seconds=s.median_lag_seconds, lag_samples=s.lag_samples, websub=s.websub)


@router.get("/admin/sources", include_in_schema=False, response_class=HTMLResponse)
async def admin_sources_page(request: Request) -> Response:
    who = await page_admin(request)
    if isinstance(who, Response):
        return who
    rows = await run_in_threadpool(_stats, request)
    return render(request, "admin_sources.html", rows=rows)


@router.get("/api/v1/admin/sources", response_model=list[SourceStatsOut], tags=["admin"],
            responses={401: {"model": ErrorOut, "description": "not logged in"},
                       403: {"model": ErrorOut, "description": "not an admin"}},
            summary="Per-source polling statistics: last/next poll, interval, items per day, "
                    "median publication-to-capture lag, errors")
async def admin_sources_api(request: Request) -> list[SourceStatsOut]:
    await require_admin(request)
    return [stats_out(s) for s in await run_in_threadpool(_stats, request)]
