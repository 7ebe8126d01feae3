"""Memento (RFC 7089): TimeGate, TimeMaps, and the headers every capture view carries.

The original resource (URI-R) is an archived page URL; each snapshot of it is a
memento (URI-M `/snapshots/{id}`), dated by its capture time. Memento clients
(browser extensions, the Time Travel service, `memgator`) find them through:

* the TimeGate `/timegate/<URI-R>`: `Accept-Datetime` (RFC 1123) → 302 to the memento
  nearest that time (the latest without the header), `Vary: accept-datetime`;
* the TimeMaps `/timemap/link/<URI-R>` (`application/link-format`, RFC 6690) and
  `/timemap/json/<URI-R>`, listing every memento with its datetime;
* `Memento-Datetime` and `Link` (original, timegate, timemap, first/prev/next/last
  memento) on the snapshot page and its raw views, via `memento_headers`.

Only snapshots the store holds `visible` are listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.models import Snapshot
from kuaizhao.store.base import Store
from kuaizhao.urls import lookup_key, normalize_url
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut
from kuaizhao.web.render import site_of

router = APIRouter()
LINK_FORMAT = "application/link-format"


@dataclass(frozen=True, slots=True)
class Memento:
    snapshot_id: int
    captured_at: datetime


def http_date(moment: datetime) -> str:
    """RFC 1123 date in GMT, as Memento-Datetime and Accept-Datetime are written."""
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def parse_accept_datetime(value: str) -> datetime:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise UsageError(f"Accept-Datetime {value[:60]!r} is not an RFC 1123 date in GMT; "
                         "send e.g. 'Accept-Datetime: Wed, 07 Feb 2024 13:02:00 GMT'")
    return parsed


def mementos_of(store: Store, url: str) -> tuple[str, list[Memento]]:
    """The archived URL `url` names and its mementos, oldest first: under `url` as given,
    else normalised, else under any variant spelling (`lookup_key`), the original then
    being the URL of the latest of those."""
    for candidate in url_spellings(url):
        found = [s for s in store.snapshots_of_url(candidate) if store.visible(s.id)]
        if found:
            return candidate, _mementos(found)
    try:
        variants = [s for s in store.snapshots_of_url_key(lookup_key(url)) if store.visible(s.id)]
    except UsageError:
        variants = []
    if not variants:
        return url, []
    return max(variants, key=lambda s: (s.captured_at, s.id)).url, _mementos(variants)


def _mementos(snapshots: list[Snapshot]) -> list[Memento]:
    return sorted((Memento(s.id, s.captured_at) for s in snapshots),
                  key=lambda m: (m.captured_at, m.snapshot_id))


def url_spellings(url: str) -> list[str]:
    """`url` as given, then normalised if that differs: the spellings matched exactly."""
    try:
        normalized = normalize_url(url)
    except (UsageError, ValueError):
        return [url]
    return [url] if normalized == url else [url, normalized]


def nearest(mementos: list[Memento], when: datetime | None) -> Memento:
    """The memento closest to `when` (the latest when None); on a tie the earlier one."""
    if when is None:
        return mementos[-1]
    return min(mementos, key=lambda m: (abs((m.captured_at - when).total_seconds()),
                                        m.captured_at, m.snapshot_id))


class _Links:
    """Absolute URIs of one original resource's TimeGate, TimeMaps and mementos."""

    def __init__(self, request: Request, original: str) -> None:
        self.base = str(request.base_url).rstrip("/")
        self.original = original

    @property
    def timegate(self) -> str:
        return f"{self.base}/timegate/{self.original}"

    @property
    def timemap(self) -> str:
        return f"{self.base}/timemap/link/{self.original}"

    @property
    def timemap_json(self) -> str:
        return f"{self.base}/timemap/json/{self.original}"

    def memento(self, memento: Memento) -> str:
        return f"{self.base}/snapshots/{memento.snapshot_id}"

    def head(self) -> list[str]:
        return [f'<{self.original}>; rel="original"', f'<{self.timegate}>; rel="timegate"',
                f'<{self.timemap}>; rel="timemap"; type="{LINK_FORMAT}"']

    def memento_link(self, memento: Memento, rel: str) -> str:
        when = http_date(memento.captured_at)
        return f'<{self.memento(memento)}>; rel="{rel}"; datetime="{when}"'


def _neighbour_links(links: _Links, mementos: list[Memento], index: int) -> list[str]:
    """first/prev/next/last memento relations around `mementos[index]`, one entry per URI."""
    rels: dict[int, list[str]] = {}
    wanted = [(0, "first"), (index - 1, "prev"), (index + 1, "next"),
              (len(mementos) - 1, "last")]
    for position, rel in wanted:
        if 0 <= position < len(mementos) and (rel in ("first", "last") or position != index):
            rels.setdefault(position, []).append(rel)
    return [links.memento_link(mementos[p], " ".join([*r, "memento"]))
            for p, r in sorted(rels.items())]


def memento_headers(request: Request, snap: Snapshot) -> dict[str, str]:
    """`Memento-Datetime` and `Link` for a view of one snapshot (a memento)."""
    store = site_of(request).store
    original, mementos = mementos_of(store, snap.url)
    links = _Links(request, original)
    index = next((i for i, m in enumerate(mementos) if m.snapshot_id == snap.id), None)
    entries = links.head()
    if index is not None:
        entries += _neighbour_links(links, mementos, index)
    return {"Memento-Datetime": http_date(snap.captured_at), "Link": ", ".join(entries)}


def original_headers(request: Request, url: str) -> dict[str, str]:
    """`Link` to the original, TimeGate and TimeMap, for redirects towards a memento."""
    return {"Link": ", ".join(_Links(request, url).head())}


def _target(request: Request, url: str) -> str:
    return params.path_url(url, request.url.query, "/timegate/https://example.com/a")


def _found(request: Request, url: str) -> tuple[str, list[Memento]]:
    original, mementos = mementos_of(site_of(request).store, _target(request, url))
    if not mementos:
        raise NotFound(f"the archive holds no memento of {original[:200]}; "
                       "look it up at /lookup to see what is archived", code="no_capture",
                       url=original[:200])
    return original, mementos


@router.get("/timegate/{url:path}", tags=["memento"], status_code=302,
            responses={400: {"model": ErrorOut}, 404: {"model": ErrorOut}},
            summary="Memento TimeGate: redirect to the capture nearest Accept-Datetime")
def timegate(request: Request, url: str) -> Response:
    original, mementos = _found(request, url)
    asked = request.headers.get("accept-datetime")
    chosen = nearest(mementos, parse_accept_datetime(asked) if asked else None)
    links = _Links(request, original)
    entries = [*links.head(), links.memento_link(mementos[0], "first memento"),
               links.memento_link(mementos[-1], "last memento")]
    return RedirectResponse(links.memento(chosen), status_code=302, headers={
        "Vary": "accept-datetime", "Link": ", ".join(entries)})


@router.get("/timemap/link/{url:path}", tags=["memento"],
            responses={200: {"content": {LINK_FORMAT: {}}}, 404: {"model": ErrorOut}},
            summary="Memento TimeMap in application/link-format (RFC 6690)")
def timemap_link(request: Request, url: str) -> Response:
    original, mementos = _found(request, url)
    links = _Links(request, original)
    first, last = http_date(mementos[0].captured_at), http_date(mementos[-1].captured_at)
    entries = [f'<{original}>; rel="original"',
               f'<{links.timemap}>; rel="self"; type="{LINK_FORMAT}"; from="{first}"; '
               f'until="{last}"',
               f'<{links.timegate}>; rel="timegate"']
    for i, memento in enumerate(mementos):
        rel = " ".join([*(["first"] if i == 0 else []),
                        *(["last"] if i == len(mementos) - 1 else []), "memento"])
        entries.append(links.memento_link(memento, rel))
    return Response(",\n".join(entries) + "\n", media_type=LINK_FORMAT)


class MementoOut(BaseModel):
    datetime: str = Field(description="capture time, ISO 8601 in UTC")
    uri: str


class TimeMapOut(BaseModel):
    original_uri: str
    timegate_uri: str
    timemap_uri: dict[str, str] = Field(description="link_format and json_format TimeMaps")
    mementos: list[MementoOut] = Field(description="every memento, oldest first")
    first: MementoOut
    last: MementoOut


@router.get("/timemap/json/{url:path}", response_model=TimeMapOut, tags=["memento"],
            responses={400: {"model": ErrorOut}, 404: {"model": ErrorOut}},
            summary="Memento TimeMap as JSON")
def timemap_json(request: Request, url: str) -> TimeMapOut | JSONResponse:
    try:
        original, mementos = _found(request, url)
    except (NotFound, UsageError) as exc:  # a JSON client gets JSON, also when refused
        return JSONResponse({"error": str(exc), "status": exc.http_status},
                            status_code=exc.http_status)
    links = _Links(request, original)
    listed = [MementoOut(datetime=m.captured_at.astimezone(UTC).isoformat()
                         .replace("+00:00", "Z"), uri=links.memento(m)) for m in mementos]
    return TimeMapOut(original_uri=original, timegate_uri=links.timegate,
                      timemap_uri={"link_format": links.timemap,
                                   "json_format": links.timemap_json},
                      mementos=listed, first=listed[0], last=listed[-1])
