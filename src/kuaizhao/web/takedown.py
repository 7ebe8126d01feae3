"""How to ask for a snapshot's removal (the request workflow itself is a later feature).

The contact is the operator's `contact_email` setting when the settings table has one;
until then the page says so plainly rather than inventing an address.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from kuaizhao.errors import NotFound
from kuaizhao.models import Snapshot
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut, TakedownOut
from kuaizhao.web.i18n import Locale
from kuaizhao.web.render import locale_of, render, site_of

router = APIRouter()
_INCLUDE = ("takedown_item_snapshot", "takedown_item_who", "takedown_item_reason",
            "takedown_item_faith")


def _contact(request: Request) -> str | None:
    value = site_of(request).settings.values.get("contact_email")
    return str(value) if value else None


def _snapshot(request: Request, snapshot: str | None) -> Snapshot | None:
    if snapshot is None or snapshot == "":
        return None
    try:
        return site_of(request).store.snapshot(params.snapshot_id(snapshot))
    except NotFound:
        return None  # the page is still useful without it; say nothing about ids


@router.get("/takedown", include_in_schema=False, response_class=HTMLResponse)
def takedown_page(request: Request, snapshot: str | None = None) -> HTMLResponse:
    return render(request, "takedown.html", snap=_snapshot(request, snapshot),
                  contact=_contact(request), include=_INCLUDE)


@router.get("/api/v1/takedown", response_model=TakedownOut, tags=["takedown"],
            responses={400: {"model": ErrorOut}},
            summary="Where and how to request removal of a snapshot")
def takedown_api(request: Request, snapshot: str | None = None) -> TakedownOut:
    snap = _snapshot(request, snapshot)
    loc: Locale = locale_of(request)
    return TakedownOut(contact=_contact(request), snapshot_id=snap.id if snap else None,
                       url=snap.url if snap else None, include=[loc.text(k) for k in _INCLUDE])
