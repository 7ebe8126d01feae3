"""URL lookup: every capture of a URL on a timeline, and Wayback-style `/web/<ts>/<url>`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.models import CaptureInfo
from kuaizhao.urls import lookup_key
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut, LookupOut, capture_out
from kuaizhao.web.memento import original_headers, url_spellings
from kuaizhao.web.raw import original_response
from kuaizhao.web.render import render, site_of
from kuaizhao.web.timeline import (
    build_timeline,
    closest_capture,
    parse_wayback_timestamp,
    wayback_timestamp,
)

router = APIRouter()
ERRORS: dict[int | str, dict[str, object]] = {400: {"model": ErrorOut}, 503: {"model": ErrorOut}}
RAW_MODIFIER = "id_"  # Wayback's "identity": the archived bytes, not rewritten


def _captures(request: Request, url: str) -> list[CaptureInfo]:
    """Captures of `url` as given, else as normalised, else under any variant spelling
    (`lookup_key`: scheme, `www.`, tracking parameters, query order): an exact match wins."""
    store = site_of(request).store
    for spelling in url_spellings(url):
        found = store.captures_of_url(spelling)
        if found:
            return found
    try:
        return store.captures_of_url_key(lookup_key(url))
    except UsageError:
        return []


@router.get("/lookup", include_in_schema=False, response_class=HTMLResponse)
def lookup_page(request: Request, url: str | None = None) -> HTMLResponse:
    target = params.lookup_url(url)
    entries = build_timeline(_captures(request, target)) if target else []
    return render(request, "lookup.html", url=target, entries=entries)


@router.get("/api/v1/lookup", response_model=LookupOut, responses=ERRORS, tags=["lookup"],
            summary="Every capture of a URL, oldest first, marked where the content changed")
def lookup_api(request: Request, url: str | None = None) -> LookupOut:
    target = params.lookup_url(url)
    if target is None:
        raise UsageError("parameter url is required, e.g. /api/v1/lookup?url=https://example.com/a",
                         code="parameter_required", name="url")
    entries = build_timeline(_captures(request, target))
    return LookupOut(url=target, total=len(entries),
                     captures=[capture_out(e.capture, e.changed, e.timestamp) for e in entries])


@router.get("/web/{timestamp}/{url:path}", include_in_schema=False)
def wayback(request: Request, timestamp: str, url: str) -> Response:
    """`/web/<ts>/<url>` redirects to the snapshot page; `/web/<ts>id_/<url>` (the raw
    memento Wayback clients ask for) serves the archived bytes, after a redirect to the
    capture's own timestamp when the one asked for is not exactly it."""
    digits, modifier = timestamp[:-3], timestamp[-3:]
    if modifier != RAW_MODIFIER:
        digits, modifier = timestamp, ""
    when = parse_wayback_timestamp(digits)
    target = params.path_url(url, request.url.query, "/web/<YYYYMMDDhhmmss>/<https://…>")
    capture = closest_capture(_captures(request, target), when)
    if capture is None or capture.snapshot_id is None:
        raise NotFound(f"the archive holds no capture of {target[:200]}; "
                       "look it up at /lookup to see what is archived", code="no_capture",
                       url=target[:200])
    if not modifier:
        return RedirectResponse(f"/snapshots/{capture.snapshot_id}", status_code=302,
                                headers=original_headers(request, target))
    exact = wayback_timestamp(capture.captured_at)
    if digits != exact:  # once it is exact, never again: no redirect loop on any spelling
        return RedirectResponse(f"/web/{exact}{RAW_MODIFIER}/{capture.url}", status_code=302,
                                headers=original_headers(request, capture.url))
    snap = site_of(request).store.snapshot(capture.snapshot_id)
    return original_response(request, snap, capture.captured_at)
