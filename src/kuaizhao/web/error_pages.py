"""Errors as pages (HTML) or as `{"error", "status", "code"}` (under /api/): never a bare 500.

`KuaizhaoError.http_status` decides the status: NotFound → 404, UsageError/QueryError →
400, anything else kuaizhao raised on purpose → 503 with its message (the archive is
unreadable, not the request wrong). Framework errors (unknown route, wrong method,
parameter validation) get the same treatment. `code` is stable for API clients: the
error's own code, else one named for the status. A page tells the reader the text of
that code in their language (`messages_errors.py`). A 405's `Allow` lists every method
any route at that path answers (Starlette's names only the first route it matched).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match

from kuaizhao.errors import KuaizhaoError, TooManyAttempts
from kuaizhao.web.messages import CATALOGUES
from kuaizhao.web.render import locale_of, render

log = logging.getLogger(__name__)

_PAGE_CODES = {400, 404, 405, 410, 500, 503}


# Paths only machine clients use; a URL no route matched there (one with a newline in
# it, say) still gets the JSON error the OpenAPI document promises.
_MACHINE_PREFIXES = ("/api/", "/feeds/", "/timegate/", "/timemap/")


def _is_api(request: Request) -> bool:
    """Under those prefixes, and on every route the OpenAPI document lists (the WARC
    record too): machine clients get the JSON the document promises."""
    route = request.scope.get("route")
    return (request.url.path.startswith(_MACHINE_PREFIXES)
            or bool(getattr(route, "include_in_schema", False)))


_STATUS_CODES = {400: "bad_request", 401: "not_authenticated", 403: "forbidden",
                 404: "not_found", 405: "method_not_allowed", 410: "gone",
                 429: "too_many_requests", 500: "internal_error", 503: "unavailable"}


def error_response(request: Request, status: int, message: str, code: str | None = None,
                   params: dict[str, object] | None = None, reason: str | None = None
                   ) -> Response:
    if _is_api(request):
        stable = code or _STATUS_CODES.get(status, "bad_request" if status < 500 else
                                           "unavailable")
        return JSONResponse({"error": message, "status": status, "code": stable},
                            status_code=status)
    page_code = status if status in _PAGE_CODES else 400 if status < 500 else 500
    return render(request, "error.html", status=status, code=page_code, reason=reason,
                  message=reader_message(request, message, code, params or {}))


def reader_message(request: Request, message: str, code: str | None,
                   params: dict[str, object]) -> str:
    """The error in the reader's language; "" when only the page's general text fits."""
    loc = locale_of(request)
    for key in (f"err_{code}", code) if code else ():
        if key in CATALOGUES[loc.lang]:
            return loc.text(key, **params)
    return message if loc.lang == "en" else ""


def form_error(request: Request, exc: KuaizhaoError) -> str:
    """What a form tells its reader went wrong, never empty."""
    return (reader_message(request, str(exc), exc.code, exc.params)
            or locale_of(request).text("form_error_generic"))


async def _kuaizhao_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KuaizhaoError)
    status = exc.http_status if exc.http_status < 500 else 503
    if status >= 500:
        log.error("archive error on %s: %s", request.url.path, exc)
    response = error_response(request, status, str(exc), exc.code, exc.params,
                              reason=getattr(exc, "reason_category", None))
    if isinstance(exc, TooManyAttempts):
        response.headers["Retry-After"] = str(int(exc.retry_after) + 1)
    return response


def allowed_methods(request: Request) -> list[str]:
    """Every method some route answers at this request's path (HEAD wherever GET is)."""
    routes: list[BaseRoute] = getattr(request.app.state, "routes", [])
    matching = [r for r in routes if r.matches(request.scope)[0] is not Match.NONE]
    # A literal path (/admin/takedown/remove) is not also an id ({request_id}).
    literal = [r for r in matching if "{" not in getattr(r, "path", "{")]
    methods: set[str] = set()
    for route in literal or matching:
        methods |= getattr(route, "methods", None) or set()
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code: str | None = None
    params: dict[str, object] = {}
    allowed: list[str] = []
    if exc.status_code == 404:
        code, params = "page_not_found", {"path": request.url.path[:200]}
        message = f"there is no page at {params['path']}"
    elif exc.status_code == 405:
        allowed = allowed_methods(request)
        code, params = "method_not_allowed", {"method": request.method,
                                              "allowed": " / ".join(allowed)}
        message = f"{request.method} is not allowed here; use {' or '.join(allowed)}"
    else:
        message = str(exc.detail)
    response = error_response(request, exc.status_code, message, code, params)
    if exc.headers:
        response.headers.update(exc.headers)
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()[:5]
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
        for err in errors)
    names = ", ".join(str(err.get("loc", ("?",))[-1]) for err in errors)
    return error_response(request, 400, f"bad parameter ({problems})", "bad_parameter",
                          {"names": names})


def install(app: FastAPI) -> None:
    app.add_exception_handler(KuaizhaoError, _kuaizhao_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
