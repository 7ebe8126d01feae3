"""URL lookup: every capture of a URL on a timeline, and Wayback-style `/web/<ts>/<url>`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.models import CaptureInfo
from kuaizhao.urls import normalize_url
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut, LookupOut, capture_out
from kuaizhao.web.highlight import http_url
from kuaizhao.web.memento import original_headers
from kuaizhao.web.render import render, site_of
from kuaizhao.web.timeline import build_timeline, closest_capture, parse_wayback_timestamp

router = APIRouter()
ERRORS: dict[int | str, dict[str, object]] = {400: {"model": ErrorOut}, 503: {"model": ErrorOut}}


def _captures(request: Request, url: str) -> list[CaptureInfo]:
    store = site_of(request).store
    found = store.captures_of_url(url)
    if not found:
        try:
            normalized = normalize_url(url)
        except (UsageError, ValueError):
            return []
        if normalized != url:
            found = store.captures_of_url(normalized)
    return found


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
def wayback(request: Request, timestamp: str, url: str) -> RedirectResponse:
    when = parse_wayback_timestamp(timestamp)
    target = url + (f"?{request.url.query}" if request.url.query else "")
    # Proxies and browsers may fold "https://" in a path to "https:/"; put it back.
    for scheme in ("http:/", "https:/"):
        if target.startswith(scheme) and not target.startswith(scheme + "/"):
            target = scheme + "/" + target[len(scheme):]
    if http_url(target) is None:
        raise UsageError(f"{target[:80]!r} is not an http or https URL; "
                         "use /web/<YYYYMMDDhhmmss>/<https://…>", code="not_a_url",
                         value=target[:80])
    capture = closest_capture(_captures(request, target), when)
    if capture is None or capture.snapshot_id is None:
        raise NotFound(f"the archive holds no capture of {target[:200]}; "
                       "look it up at /lookup to see what is archived", code="no_capture",
                       url=target[:200])
    return RedirectResponse(f"/snapshots/{capture.snapshot_id}", status_code=302,
                            headers=original_headers(request, target))
