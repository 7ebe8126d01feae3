"""Errors as pages (HTML) or as `{"error", "status"}` (under /api/): never a bare 500.

`KuaizhaoError.http_status` decides the code: NotFound → 404, UsageError/QueryError →
400, anything else kuaizhao raised on purpose → 503 with its message (the archive is
unreadable, not the request wrong). Framework errors (unknown route, wrong method,
parameter validation) get the same treatment. A 405's `Allow` lists every method any
route at that path answers (Starlette's names only the first route it matched).
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match

from kuaizhao.errors import KuaizhaoError
from kuaizhao.web.render import render

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


def error_response(request: Request, status: int, message: str) -> Response:
    if _is_api(request):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    code = status if status in _PAGE_CODES else 400 if status < 500 else 500
    return render(request, "error.html", status=status, code=code, message=message)


async def _kuaizhao_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KuaizhaoError)
    status = exc.http_status if exc.http_status < 500 else 503
    if status >= 500:
        log.error("archive error on %s: %s", request.url.path, exc)
    return error_response(request, status, str(exc))


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
    allowed: list[str] = []
    if exc.status_code == 404:
        message = f"there is no page at {request.url.path[:200]}"
    elif exc.status_code == 405:
        allowed = allowed_methods(request)
        message = f"{request.method} is not allowed here; use {' or '.join(allowed)}"
    else:
        message = str(exc.detail)
    response = error_response(request, exc.status_code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    if allowed:
        response.headers["Allow"] = ", ".join(allowed)
    return response


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err.get('loc', ()))}: {err.get('msg', 'invalid')}"
        for err in exc.errors()[:5])
    return error_response(request, 400, f"bad parameter ({problems})")


def install(app: FastAPI) -> None:
    app.add_exception_handler(KuaizhaoError, _kuaizhao_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
