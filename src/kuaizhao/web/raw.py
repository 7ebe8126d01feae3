"""The raw capture, shown so that nothing in it can run against the site, and its WARC record.

`/snapshots/{id}/raw` is our page with a sandboxed frame (no scripts, no same-origin);
the frame's document, `/raw/content`, is the captured payload byte for byte, served
with a CSP `sandbox` and `default-src 'none'`, so even opened directly it runs nothing
and loads nothing from the live site. `/warc` returns the record exactly as stored.
`original_response` serves the Wayback raw-memento form `/web/<ts>id_/<url>`: the
archived payload with the original's own headers where they are safe.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kuaizhao.archive.entries import StoredResponse
from kuaizhao.archive.reader import read_response
from kuaizhao.archive.storage import WarcStorage, open_storage
from kuaizhao.charset import detect_charset
from kuaizhao.errors import ArchiveError, NotFound
from kuaizhao.models import Snapshot, WarcPointer
from kuaizhao.web import params
from kuaizhao.web.memento import http_date, memento_headers
from kuaizhao.web.render import render, site_of
from kuaizhao.web.security import RAW_CSP

router = APIRouter()
MAX_RECORD_BYTES = 256 * 1024 * 1024
# The original's headers that describe the content itself, passed on as they were.
# Every other one is kept as `X-Archive-Orig-<name>` (pywb's and the Wayback Machine's
# convention), so no archived page can set cookies, policies or caching on this site;
# framing headers describe the original transfer, not the bytes served here.
_PASSED = frozenset({"content-type", "content-language", "last-modified", "etag"})
_FRAMING = frozenset({"content-length", "content-encoding", "transfer-encoding", "connection",
                      "keep-alive", "te", "trailer", "upgrade", "proxy-connection"})
MAX_ORIGINAL_HEADERS = 100


def _storage(request: Request) -> WarcStorage:
    """The app's WARC storage, made once (an S3 client is worth reusing)."""
    state = request.app.state
    if getattr(state, "warc_storage", None) is None:
        state.warc_storage = open_storage(site_of(request).settings.warc_storage_options)
    storage: WarcStorage = state.warc_storage
    return storage


def _missing(storage: WarcStorage, pointer: WarcPointer) -> NotFound:
    return NotFound(f"the WARC file {pointer.filename!r} of this snapshot is not in the "
                    f"archive ({storage.description}); restore it or run `kuaizhao reindex`")


@router.get("/snapshots/{snapshot_id}/raw", include_in_schema=False,
            response_class=HTMLResponse)
def raw_page(request: Request, snapshot_id: str) -> HTMLResponse:
    snap = site_of(request).store.snapshot(params.snapshot_id(snapshot_id))
    page = render(request, "raw.html", snap=snap)
    page.headers.update(memento_headers(request, snap))
    return page


def _stored(request: Request, snap: Snapshot) -> StoredResponse:
    storage = _storage(request)
    try:
        return read_response(storage, snap.warc)
    except ArchiveError:
        if not storage.exists(snap.warc.filename):
            raise _missing(storage, snap.warc) from None
        raise


@router.get("/snapshots/{snapshot_id}/raw/content", include_in_schema=False)
def raw_content(request: Request, snapshot_id: str) -> Response:
    snap = site_of(request).store.snapshot(params.snapshot_id(snapshot_id))
    stored = _stored(request, snap)
    charset = detect_charset(stored.payload, stored.header("content-type"))
    return Response(stored.payload, media_type=f"text/html; charset={charset}", headers={
        "Content-Security-Policy": RAW_CSP,
        "X-Frame-Options": "SAMEORIGIN",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
    } | memento_headers(request, snap))


def original_response(request: Request, snap: Snapshot, captured_at: datetime) -> Response:
    """The archived payload (chunking and content-encoding undone, as the page's bytes)
    with its original status and content headers, under the raw capture's sandbox."""
    stored = _stored(request, snap)
    response = Response(stored.payload, status_code=stored.status or 200, headers={
        "Content-Security-Policy": RAW_CSP,
        "X-Frame-Options": "SAMEORIGIN",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
    } | memento_headers(request, snap) | {"Memento-Datetime": http_date(captured_at)})
    for name, value in stored.http_headers[:MAX_ORIGINAL_HEADERS]:
        lower = name.lower()
        if lower in _PASSED:
            response.headers[lower] = value
        elif lower == "content-encoding" and stored.decode_error:
            response.headers[lower] = value  # served as stored: the client may decode it
        elif lower not in _FRAMING:
            response.headers.append(f"x-archive-orig-{lower}", value)
    return response


@router.get("/snapshots/{snapshot_id}/warc", tags=["snapshots"],
            summary="The snapshot's WARC response record, exactly as stored",
            responses={200: {"content": {"application/warc": {}}},
                       404: {"description": "no such snapshot, or its WARC file is missing"}})
def warc_record(request: Request, snapshot_id: str) -> Response:
    site = site_of(request)
    snap = site.store.snapshot(params.snapshot_id(snapshot_id))
    pointer = snap.warc
    if not 0 < pointer.length <= MAX_RECORD_BYTES or pointer.offset < 0:
        raise ArchiveError(f"snapshot {snap.id} points at an impossible WARC record "
                           f"({pointer.filename} offset {pointer.offset} length "
                           f"{pointer.length}); run `kuaizhao reindex`")
    storage = _storage(request)
    try:
        data = storage.read_range(pointer.filename, pointer.offset, pointer.length)
    except ArchiveError:
        if not storage.exists(pointer.filename):
            raise _missing(storage, pointer) from None
        raise
    if len(data) != pointer.length:
        raise ArchiveError(f"{pointer.filename} ends before the record of snapshot {snap.id} "
                           f"(offset {pointer.offset}, length {pointer.length}); "
                           "the file is truncated")
    gz = pointer.filename.endswith(".gz")
    name = f"kuaizhao-snapshot-{snap.id}.warc" + (".gz" if gz else "")
    return Response(data, media_type="application/warc", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})
