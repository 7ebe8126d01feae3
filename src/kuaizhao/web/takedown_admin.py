"""The admin side of takedowns: the review queue, one request with its decision forms,
operator removals, and the audit log — pages and JSON twins, admins only.

Every decision goes through `pipeline.takedown.decide`, one transaction that changes the
state, writes the audit row (who, when, why) and re-marks the archive, so the content
is gone from every surface when the response returns.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kuaizhao.errors import UsageError
from kuaizhao.store.takedown_rows import (
    AuditEntry,
    ReasonCategory,
    Scope,
    ScopeKind,
    State,
    TakedownRequest,
)
from kuaizhao.takedown.scopes import describe, make_scope
from kuaizhao.takedown.service import decide, default_scopes, expire, operator_remove
from kuaizhao.takedown.workflow import allowed_actions, parse_action
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut
from kuaizhao.web.auth import CSRF_FIELD, check_csrf, finish, page_admin, require_admin, visitor
from kuaizhao.web.render import render, site_of
from kuaizhao.web.takedown import parse_day

router = APIRouter()
ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorOut}, 401: {"model": ErrorOut}, 403: {"model": ErrorOut},
    404: {"model": ErrorOut}}
OPEN = (State.RECEIVED, State.UNDER_REVIEW)


class ScopeIn(BaseModel):
    kind: ScopeKind
    value: str = Field(min_length=1, pattern=r"\S", description="what the scope names")
    payload_digest: str | None = None
    captured_from: datetime | None = None
    captured_until: datetime | None = None
    embargo_until: datetime | None = None


class DecisionIn(BaseModel):
    note: str = Field("", description="why; required except for review")
    scopes: list[ScopeIn] = Field(default_factory=list,
                                  description="approve only: scopes beyond the requested ones")


class RemoveIn(BaseModel):
    scope: ScopeIn
    reason: str
    reason_category: ReasonCategory = ReasonCategory.OPERATOR


class ScopeOut(BaseModel):
    kind: str
    value: str
    payload_digest: str | None
    captured_from: datetime | None
    captured_until: datetime | None
    embargo_until: datetime | None
    active: bool


class AuditOut(BaseModel):
    id: int
    request_id: int
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str
    note: str


class AdminRequestOut(BaseModel):
    id: int
    state: str
    origin: str
    reason_category: str
    reason: str
    requester_name: str
    requester_contact: str
    relationship: str
    urls: list[str]
    snapshot_ids: list[int]
    created_at: datetime
    updated_at: datetime
    scopes: list[ScopeOut]
    actions: list[str]


class DecisionOut(BaseModel):
    request: AdminRequestOut
    snapshots_removed: list[int]
    snapshots_restored: list[int]


def request_out(r: TakedownRequest) -> AdminRequestOut:
    return AdminRequestOut(
        id=r.id, state=r.state.value, origin=r.origin.value,
        reason_category=r.reason_category.value, reason=r.reason,
        requester_name=r.requester_name, requester_contact=r.requester_contact,
        relationship=r.relationship.value, urls=list(r.urls), snapshot_ids=list(r.snapshot_ids),
        created_at=r.created_at, updated_at=r.updated_at,
        scopes=[ScopeOut(kind=s.scope.kind.value, value=s.scope.value,
                         payload_digest=s.scope.payload_digest,
                         captured_from=s.scope.captured_from,
                         captured_until=s.scope.captured_until,
                         embargo_until=s.scope.embargo_until, active=s.active)
                for s in r.scopes],
        actions=[a.value for a in allowed_actions(r.state)])


def audit_out(e: AuditEntry) -> AuditOut:
    return AuditOut(id=e.id, request_id=e.request_id, at=e.at, actor=e.actor, action=e.action,
                    from_state=e.from_state.value if e.from_state else None,
                    to_state=e.to_state.value, note=e.note)


def scope_of(given: ScopeIn) -> Scope:
    return make_scope(given.kind, given.value, payload_digest=given.payload_digest,
                      captured_from=given.captured_from, captured_until=given.captured_until,
                      embargo_until=given.embargo_until)


def _states(show: str | None) -> tuple[State, ...]:
    return () if show == "all" else OPEN


@router.get("/admin/takedown", include_in_schema=False, response_class=HTMLResponse)
async def queue_page(request: Request, show: str | None = None) -> Response:
    who = await page_admin(request)
    if isinstance(who, Response):
        return who
    store = site_of(request).store
    await run_in_threadpool(expire, store, datetime.now(UTC))
    rows, total = store.takedown_requests(states=_states(show), limit=100)
    return finish(request, render(request, "admin_takedown.html", rows=rows, total=total,
                                  show=show or "open", csrf=(await visitor(request)).csrf,
                                  categories=[c.value for c in ReasonCategory],
                                  kinds=[k.value for k in ScopeKind]))


@router.get("/api/v1/admin/takedown", response_model=list[AdminRequestOut], tags=["admin"],
            responses=ERRORS, summary="The removal request queue (open ones, or show=all)")
async def queue_api(request: Request, show: str | None = None) -> list[AdminRequestOut]:
    await require_admin(request)
    store = site_of(request).store
    await run_in_threadpool(expire, store, datetime.now(UTC))
    rows, _ = store.takedown_requests(states=_states(show), limit=100)
    return [request_out(r) for r in rows]


@router.get("/admin/takedown/audit", include_in_schema=False, response_class=HTMLResponse)
async def audit_page(request: Request) -> Response:
    who = await page_admin(request)
    if isinstance(who, Response):
        return who
    return render(request, "admin_takedown_audit.html",
                  entries=site_of(request).store.takedown_audit(limit=500))


@router.get("/api/v1/admin/takedown/audit", response_model=list[AuditOut], tags=["admin"],
            responses=ERRORS, summary="The takedown audit log: every state change, who, why")
async def audit_api(request: Request) -> list[AuditOut]:
    await require_admin(request)
    return [audit_out(e) for e in site_of(request).store.takedown_audit(limit=500)]


@router.get("/admin/takedown/{request_id:digits}", include_in_schema=False,
            response_class=HTMLResponse)
async def item_page(request: Request, request_id: str) -> Response:
    who = await page_admin(request)
    if isinstance(who, Response):
        return who
    store = site_of(request).store
    item = store.takedown_request(_request_id(request_id))
    return finish(request, render(
        request, "admin_takedown_item.html", item=item, audit=store.takedown_audit(item.id),
        actions=[a.value for a in allowed_actions(item.state)], describe=describe,
        csrf=(await visitor(request)).csrf, kinds=[k.value for k in ScopeKind]))


@router.get("/api/v1/admin/takedown/{request_id:digits}", response_model=AdminRequestOut,
            tags=["admin"], responses=ERRORS, summary="One removal request, in full")
async def item_api(request: Request, request_id: str) -> AdminRequestOut:
    await require_admin(request)
    return request_out(site_of(request).store.takedown_request(_request_id(request_id)))


@router.post("/admin/takedown/remove", include_in_schema=False)
async def remove_submit(request: Request) -> Response:
    user = await require_admin(request)
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    await check_csrf(request, data.get(CSRF_FIELD, ""))
    scope = make_scope(data.get("kind", ""), data.get("value", ""),
                       embargo_until=parse_day(data.get("embargo_until"), "end date"))
    request_id, _ = await run_in_threadpool(
        lambda: operator_remove(site_of(request).store, scope, reason=data.get("reason", ""),
                                category=_category(data.get("reason_category")),
                                actor=user.name, now=datetime.now(UTC)))
    return finish(request, RedirectResponse(f"/admin/takedown/{request_id}", status_code=303))


@router.post("/api/v1/admin/takedown/remove", response_model=DecisionOut, tags=["admin"],
             responses=ERRORS, summary="Remove a snapshot, URL, prefix or source directly")
async def remove_api(request: Request, body: RemoveIn) -> DecisionOut:
    user = await require_admin(request)
    await check_csrf(request)
    scope = scope_of(body.scope)
    store = site_of(request).store
    request_id, effect = await run_in_threadpool(
        lambda: operator_remove(store, scope, reason=body.reason,
                                category=_category(body.reason_category), actor=user.name,
                                now=datetime.now(UTC)))
    return DecisionOut(request=request_out(store.takedown_request(request_id)),
                       snapshots_removed=list(effect.removed),
                       snapshots_restored=list(effect.restored))


def _request_id(text: str) -> int:
    return params.path_id(text, f"no removal request with id {text[:40]!r}; "
                                "see the list at /admin/takedown")


def _category(text: str | None) -> ReasonCategory:
    try:
        return ReasonCategory(text or "operator")
    except ValueError:
        raise UsageError("reason_category must be one of "
                         + ", ".join(c.value for c in ReasonCategory)) from None


@router.post("/admin/takedown/{request_id:digits}/{action}", include_in_schema=False)
async def decide_submit(request: Request, request_id: str, action: str) -> Response:
    user = await require_admin(request)
    number = _request_id(request_id)
    data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    await check_csrf(request, data.get(CSRF_FIELD, ""))
    chosen = parse_action(action)
    embargo = parse_day(data.get("embargo_until"), "end date")
    scopes = []
    kind, value = data.get("kind", "").strip(), data.get("value", "").strip()
    if kind and value:
        scopes.append(make_scope(kind, value, embargo_until=embargo))
    store = site_of(request).store
    if embargo is not None and not scopes and chosen.value == "approve":
        item = store.takedown_request(number)
        scopes = [Scope(s.kind, s.value, s.payload_digest, embargo_until=embargo)
                  for s in default_scopes(store, item.urls, item.snapshot_ids)]
    await run_in_threadpool(lambda: decide(store, number, chosen, actor=user.name,
                                           note=data.get("note"), now=datetime.now(UTC),
                                           scopes=scopes))
    return finish(request, RedirectResponse(f"/admin/takedown/{number}", status_code=303))


@router.post("/api/v1/admin/takedown/{request_id:digits}/{action}", response_model=DecisionOut,
             tags=["admin"], responses=ERRORS,
             summary="Decide a request: review, approve, reject or restore (with a note)")
async def decide_api(request: Request, request_id: str, action: str,
                     body: DecisionIn) -> DecisionOut:
    user = await require_admin(request)
    number = _request_id(request_id)
    await check_csrf(request)
    chosen = parse_action(action)
    scopes = [scope_of(s) for s in body.scopes]
    store = site_of(request).store
    effect = await run_in_threadpool(lambda: decide(store, number, chosen, actor=user.name,
                                                    note=body.note, now=datetime.now(UTC),
                                                    scopes=scopes))
    return DecisionOut(request=request_out(store.takedown_request(number)),
                       snapshots_removed=list(effect.removed),
                       snapshots_restored=list(effect.restored))
