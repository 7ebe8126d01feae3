"""The WebSub callback (W3C WebSub §5.3, §7): hubs verify our subscriptions here and
push new feed content here.

GET answers a verification of intent by echoing `hub.challenge` — only for a
subscription this archive requested, for its own topic. POST carries a feed body; it is
accepted only with a valid `X-Hub-Signature` (HMAC of the body under the secret we gave
the hub), queued in the store's WebSub inbox, and the crawler in this process (if any,
`serve --with-crawler`) is woken to fetch the new articles at once; a separate
`kuaizhao crawl` reads the inbox within a second. A push whose signature does not match
is refused with 403 and nothing of it is kept.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse

from kuaizhao.errors import NotFound
from kuaizhao.store.polling import WebSubSubscription
from kuaizhao.web import params
from kuaizhao.web.render import site_of

log = logging.getLogger(__name__)
router = APIRouter()
MAX_PUSH_BYTES = 5 * 1024 * 1024
MAX_LEASE = 365 * 24 * 3600
_DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha384": hashlib.sha384,
            "sha512": hashlib.sha512}


def signature_valid(secret: str, body: bytes, header: str | None) -> bool:
    """Whether `X-Hub-Signature: method=hexdigest` is the HMAC of `body` under `secret`
    (spec §7: sha1, sha256, sha384 or sha512); compared in constant time."""
    if not header or "=" not in header:
        return False
    method, _, signature = header.strip().partition("=")
    digest = _DIGESTS.get(method.strip().lower())
    if digest is None:
        return False
    expected = hmac.new(secret.encode(), body, digest).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def install_push_listener(app: FastAPI, wake: Callable[[], None],
                          clock: Callable[[], datetime] | None = None) -> None:
    """Let a crawler running in this process hear about pushes (and share its clock)."""
    app.state.websub_wake = wake
    if clock is not None:
        app.state.websub_clock = clock


def _now(request: Request) -> datetime:
    clock: Callable[[], datetime] | None = getattr(request.app.state, "websub_clock", None)
    return clock() if clock is not None else datetime.now(UTC)


def _subscription(request: Request, subscription_id: str) -> WebSubSubscription | None:
    try:
        number = params.path_id(subscription_id, "")
    except NotFound:
        return None
    return site_of(request).store.websub_subscription_by_id(number)


def _not_ours(detail: str) -> PlainTextResponse:
    return PlainTextResponse(detail, status_code=404)


_TEXT = {"text/plain": {"schema": {"type": "string"}}}


@router.get("/websub/{subscription_id}", response_class=PlainTextResponse, tags=["websub"],
            summary="WebSub verification of intent: echoes hub.challenge for our own request",
            responses={404: {"description": "not a request of ours", "content": _TEXT}})
def verify(request: Request, subscription_id: str) -> PlainTextResponse:
    query = request.query_params
    mode, topic = query.get("hub.mode", ""), query.get("hub.topic", "")
    sub = _subscription(request, subscription_id)
    if sub is None or topic != sub.topic:
        return _not_ours("no such subscription for this topic")
    store = site_of(request).store
    now = _now(request)
    if mode == "denied":
        with store.transaction():
            store.websub_set_state(sub.id, "denied", now,
                                   error=query.get("hub.reason") or "denied by the hub")
        log.warning("WebSub hub %s denied the subscription to %s", sub.hub, sub.topic)
        return PlainTextResponse("ok")
    challenge = query.get("hub.challenge", "")
    if mode != "subscribe" or not challenge or sub.state not in ("requested", "active"):
        # We never ask to unsubscribe; anyone else asking on our behalf is refused.
        return _not_ours("this archive did not request that")
    lease_text = query.get("hub.lease_seconds", "")
    lease = min(int(lease_text), MAX_LEASE) if lease_text.isdigit() else None
    with store.transaction():
        store.websub_set_state(sub.id, "active", now, lease_seconds=lease)
    log.info("WebSub subscription to %s active (lease %s s)", sub.topic, lease)
    return PlainTextResponse(challenge)


@router.post("/websub/{subscription_id}", status_code=202, tags=["websub"],
             summary="WebSub content distribution: a signed push of new feed content",
             responses={403: {"description": "signature missing or wrong", "content": _TEXT},
                        404: {"description": "no such subscription", "content": _TEXT},
                        413: {"description": "body too large", "content": _TEXT}})
async def receive(request: Request, subscription_id: str) -> PlainTextResponse:
    sub = _subscription(request, subscription_id)
    if sub is None or sub.state != "active":
        return _not_ours("no active subscription here")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_PUSH_BYTES:
        return PlainTextResponse("push too large", status_code=413)
    body = await request.body()
    if len(body) > MAX_PUSH_BYTES:
        return PlainTextResponse("push too large", status_code=413)
    store = site_of(request).store
    if not signature_valid(sub.secret, body, request.headers.get("x-hub-signature")):
        with store.transaction():
            store.websub_rejected(sub.id)
        log.warning("refused a WebSub push for %s: signature missing or wrong", sub.topic)
        return PlainTextResponse("signature missing or wrong", status_code=403)
    with store.transaction():
        store.websub_receive(sub.id, body, request.headers.get("content-type"), _now(request))
    wake: Callable[[], None] | None = getattr(request.app.state, "websub_wake", None)
    if wake is not None:
        wake()
    return PlainTextResponse("accepted", status_code=202)
