"""Security headers on every response, and a last-resort 500 that still carries them.

A handler that needs a different policy (the raw capture, which only our own page may
frame) sets its headers itself; these are defaults added where a header is absent.
"""

from __future__ import annotations

import logging

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

SITE_CSP = ("default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'; img-src 'self' data:")
# The captured page: nothing may run, load from elsewhere, or reach our origin.
RAW_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
           "frame-ancestors 'self'; sandbox")

DEFAULT_HEADERS = (
    ("content-security-policy", SITE_CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "same-origin"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)

_FALLBACK_500 = (b"<!doctype html><html lang=en><meta charset=utf-8><title>Server error</title>"
                 b"<h1>Server error</h1><p>Something went wrong; please try again later.</p>")


class SecurityHeaders:
    """Pure ASGI middleware (it also sees responses Starlette builds itself)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in DEFAULT_HEADERS:
                    if name not in headers:
                        headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await send_with_headers({
                "type": "http.response.start", "status": 500,
                "headers": [(b"content-type", b"text/html; charset=utf-8"),
                            (b"content-length", str(len(_FALLBACK_500)).encode())],
            })
            await send({"type": "http.response.body", "body": _FALLBACK_500})
