"""Public side of takedowns: the request form (on every snapshot page's link) and its
API, the requester's tracking page, and the public removal log. The admin queue is in
`takedown_admin.py`; the workflow in `kuaizhao.takedown` and `pipeline/takedown.py`.

The form carries a CSRF token and is rate-limited per address. The JSON API takes
anonymous requests without a CSRF token (a request without cookies carries no ambient
authority a forged page could borrow); one sent with the site's cookies must carry
`X-CSRF-Token`, like every other cookie-authenticated JSON write.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kuaizhao.errors import NotFound, TooManyAttempts, UsageError
from kuaizhao.models import Snapshot
from kuaizhao.store.takedown_rows import ReasonCategory, Relationship, TakedownRequest
from kuaizhao.takedown.limits import RequestLimiter
from kuaizhao.takedown.service import expire, submit, token_digest
from kuaizhao.takedown.validate import (
    LIMITS,
    MAX_FORM_BYTES,
    InvalidRequest,
    validate_request,
)
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut, TakedownOut
from kuaizhao.web.auth import CSRF_FIELD, PRE_COOKIE, check_csrf, finish, visitor
from kuaizhao.web.clients import client_address
from kuaizhao.web.error_pages import reader_message
from kuaizhao.web.i18n import Locale
from kuaizhao.web.render import SESSION_COOKIE, app_state, locale_of, render, site_of

router = APIRouter()
_INCLUDE = ("takedown_item_snapshot", "takedown_item_who", "takedown_item_reason",
            "takedown_item_faith")
_FIELDS = ("targets", "name", "contact", "relationship", "reason_category", "reason",
           "good_faith")
PUBLIC_CATEGORIES = [c.value for c in ReasonCategory if c is not ReasonCategory.OPERATOR]
RELATIONSHIPS = [r.value for r in Relationship]


class TakedownRequestIn(BaseModel):
    targets: list[str] = Field(description="original addresses, snapshot numbers or "
                                           "/snapshots/N links (at most 20)")
    name: str
    contact: str = Field(description="e-mail or phone; seen only by reviewers")
    relationship: str = Field(description="author | publisher | subject | rights_holder | other")
    reason_category: str = Field(description=" | ".join(PUBLIC_CATEGORIES))
    reason: str
    good_faith: bool = Field(description="the requester's statement of good faith")


class TakedownSubmittedOut(BaseModel):
    id: int
    state: str
    tracking_url: str = Field(description="the only way to follow the request; keep it")
    tracking_api_url: str


class HistoryOut(BaseModel):
    at: datetime
    action: str
    state: str
    note: str


class TakedownTrackOut(BaseModel):
    id: int
    state: str
    created_at: datetime
    updated_at: datetime
    history: list[HistoryOut]


class PublicRemovalOut(BaseModel):
    request_id: int
    removed_at: datetime
    scope: str
    target: str = Field(description="host name or source name; never a full address")
    reason_category: str
    state: str = Field(description="removed, or restored when it was undone")
    until: datetime | None


def _contact(request: Request) -> str | None:
    value = site_of(request).settings.values.get("contact_email")
    return str(value) if value else None


def _snapshot(request: Request, snapshot: str | None) -> Snapshot | None:
    if snapshot is None or snapshot == "":
        return None
    try:
        return site_of(request).store.snapshot(params.snapshot_id(snapshot))
    except (NotFound, UsageError):
        return None  # the page is still useful without it; say nothing about ids


def limiter_of(request: Request) -> RequestLimiter:
    return app_state(request, "takedown_limiter", RequestLimiter)


def _check_rate(request: Request) -> None:
    address = client_address(request)
    limiter, now = limiter_of(request), time.monotonic()
    wait = limiter.retry_after(address, now)
    if wait > 0:
        raise TooManyAttempts(f"too many removal requests from this address; try again in "
                              f"{int(wait // 60) + 1} minutes", wait, code="takedown_throttled",
                              minutes=int(wait // 60) + 1)
    limiter.record(address, now)


def _check_size(request: Request) -> None:
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
        raise UsageError(f"the request is too large ({length} bytes); at most "
                         f"{MAX_FORM_BYTES // 1024} KB — shorten the reason or send the "
                         "addresses in several requests", code="form_too_large",
                         limit_kb=MAX_FORM_BYTES // 1024)


async def _form_page(request: Request, *, status: int = 200, values: dict[str, str] | None = None,
                     problems: dict[str, str] | None = None, snapshot: str | None = None,
                     target_error: UsageError | None = None) -> Response:
    who = await visitor(request)
    snap = _snapshot(request, snapshot)
    filled = dict(values or {})
    if snap is not None and not filled.get("targets"):
        filled["targets"] = f"/snapshots/{snap.id}"
    return finish(request, render(
        request, "takedown.html", status=status, snap=snap, contact=_contact(request),
        include=_INCLUDE, csrf=who.csrf, values=filled, problems=problems or {}, limits=LIMITS,
        target_detail=(reader_message(request, str(target_error), target_error.code,
                                      target_error.params) if target_error else ""),
        categories=PUBLIC_CATEGORIES, relationships=RELATIONSHIPS))


@router.get("/takedown", include_in_schema=False, response_class=HTMLResponse)
async def takedown_page(request: Request, snapshot: str | None = None) -> Response:
    return await _form_page(request, snapshot=snapshot)


@router.post("/takedown", include_in_schema=False, response_class=HTMLResponse)
async def takedown_submit(request: Request) -> Response:
    _check_size(request)
    form = await request.form()
    data = {k: v for k, v in form.items() if isinstance(v, str)}
    await check_csrf(request, data.get(CSRF_FIELD, ""))
    _check_rate(request)
    values = {k: data.get(k, "") for k in _FIELDS}
    try:
        new = validate_request(values)
    except InvalidRequest as exc:
        return await _form_page(request, status=400, values=values, problems=exc.problems,
                                target_error=exc.target_error)
    sent = await run_in_threadpool(submit, site_of(request).store, new, datetime.now(UTC))
    return finish(request, render(request, "takedown_sent.html", status=201,
                                  request_id=sent.request_id,
                                  tracking=f"/takedown/requests/{sent.token}"))


@router.get("/api/v1/takedown", response_model=TakedownOut, tags=["takedown"],
            responses={400: {"model": ErrorOut}},
            summary="Where and how to request removal of a snapshot")
def takedown_api(request: Request, snapshot: str | None = None) -> TakedownOut:
    snap = _snapshot(request, snapshot)
    loc: Locale = locale_of(request)
    return TakedownOut(contact=_contact(request), snapshot_id=snap.id if snap else None,
                       url=snap.url if snap else None, include=[loc.text(k) for k in _INCLUDE])


@router.post("/api/v1/takedown/requests", response_model=TakedownSubmittedOut, status_code=201,
             tags=["takedown"], responses={400: {"model": ErrorOut}, 403: {"model": ErrorOut},
                                           429: {"model": ErrorOut}},
             summary="Ask for the removal of snapshots or addresses (rate-limited)")
async def takedown_request_api(request: Request, body: TakedownRequestIn) -> TakedownSubmittedOut:
    _check_size(request)
    if request.cookies.get(SESSION_COOKIE) or request.cookies.get(PRE_COOKIE):
        await check_csrf(request)
    _check_rate(request)
    new = validate_request({
        "targets": "\n".join(body.targets), "name": body.name, "contact": body.contact,
        "relationship": body.relationship, "reason_category": body.reason_category,
        "reason": body.reason, "good_faith": "true" if body.good_faith else ""})
    sent = await run_in_threadpool(submit, site_of(request).store, new, datetime.now(UTC))
    return TakedownSubmittedOut(id=sent.request_id, state="received",
                                tracking_url=f"/takedown/requests/{sent.token}",
                                tracking_api_url=f"/api/v1/takedown/requests/{sent.token}")


def _tracked(request: Request, token: str) -> TakedownRequest:
    found = site_of(request).store.takedown_request_by_token(token_digest(token))
    if found is None or len(token) > 100:
        raise NotFound("no removal request has this tracking link; check it was copied whole")
    return found


def _history(request: Request, found: TakedownRequest) -> list[HistoryOut]:
    """What the requester sees: each state change and its note, not who made it."""
    entries = site_of(request).store.takedown_audit(found.id)
    return [HistoryOut(at=e.at, action=e.action, state=e.to_state.value, note=e.note)
            for e in reversed(entries)]


@router.get("/takedown/requests/{token}", include_in_schema=False, response_class=HTMLResponse)
def takedown_track_page(request: Request, token: str) -> HTMLResponse:
    found = _tracked(request, token)
    return render(request, "takedown_track.html", item=found, history=_history(request, found))


@router.get("/api/v1/takedown/requests/{token}", response_model=TakedownTrackOut,
            tags=["takedown"], responses={404: {"model": ErrorOut}},
            summary="The state and history of one removal request, by its tracking token")
def takedown_track_api(request: Request, token: str) -> TakedownTrackOut:
    found = _tracked(request, token)
    return TakedownTrackOut(id=found.id, state=found.state.value, created_at=found.created_at,
                            updated_at=found.updated_at, history=_history(request, found))


def _public_log(request: Request) -> list[PublicRemovalOut]:
    store = site_of(request).store
    expire(store, datetime.now(UTC))  # embargoes past their date end before anyone looks
    return [PublicRemovalOut(request_id=r.request_id, removed_at=r.removed_at,
                             scope=r.scope_kind.value, target=r.target,
                             reason_category=r.reason_category.value, state=r.state.value,
                             until=r.embargo_until) for r in store.public_removals()]


@router.get("/takedown/log", include_in_schema=False, response_class=HTMLResponse)
def takedown_log_page(request: Request) -> HTMLResponse:
    return render(request, "takedown_log.html", rows=_public_log(request))


@router.get("/api/v1/takedown/log", response_model=list[PublicRemovalOut], tags=["takedown"],
            summary="Public removal log: date, scope, kind of reason; no requester data")
def takedown_log_api(request: Request) -> list[PublicRemovalOut]:
    return _public_log(request)


def parse_day(text: str | None, what: str) -> datetime | None:
    """A YYYY-MM-DD form field as midnight UTC, or None when empty."""
    if not text or not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"the {what} {text[:40]!r} is not a date like 2025-12-31") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
