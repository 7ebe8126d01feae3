"""Atom feeds: public ones per category and source, private ones per user.

A private feed URL carries the user's feed token (rotatable on /account) instead of
a session, since feed readers send no cookies; an unknown or rotated token gets the
same 404 as a path that never existed. Public feeds are advertised on their category
and source pages with `<link rel="alternate" type="application/atom+xml">`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kuaizhao.errors import NotFound
from kuaizhao.models import SearchHit
from kuaizhao.store.account_rows import StreamItem, Subscription, User
from kuaizhao.subscribe import accounts
from kuaizhao.subscribe.atom import CONTENT_TYPE, Feed, FeedEntry, render_feed, summary_of
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut
from kuaizhao.web.listings import _category, _source
from kuaizhao.web.render import locale_of, site_of

router = APIRouter(tags=["feeds"])
FEED_SIZE = 50
_ATOM: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/atom+xml": {}}, "description": "an Atom (RFC 4287) feed"},
    404: {"model": ErrorOut}}


def base_url(request: Request) -> str:
    public: str = site_of(request).settings.public_url
    return (public or str(request.base_url)).rstrip("/")


def category_feed_path(name: str) -> str:
    return f"/feeds/categories/{quote(name, safe='')}.atom"


def source_feed_path(name: str) -> str:
    return f"/feeds/sources/{quote(name, safe='')}.atom"


def private_feed_url(request: Request, user: User, subscription_id: int | None = None) -> str:
    tail = f"/{subscription_id}" if subscription_id is not None else ""
    return f"{base_url(request)}/feeds/me/{user.feed_token}{tail}.atom"


def _atom(body: bytes, *, private: bool) -> Response:
    response = Response(body, media_type=CONTENT_TYPE)
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    if private:
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _hit_entry(base: str, hit: SearchHit, text: str, digest: str) -> FeedEntry:
    return FeedEntry(url=hit.url, payload_digest=digest, title=hit.title,
                     link=f"{base}/snapshots/{hit.snapshot_id}", summary=summary_of(text),
                     updated=hit.captured_at, published=hit.published_at, source=hit.source,
                     category=hit.category)


def _item_entry(base: str, item: StreamItem) -> FeedEntry:
    return FeedEntry(url=item.url, payload_digest=item.payload_digest, title=item.title,
                     link=f"{base}/snapshots/{item.snapshot_id}", summary=summary_of(item.text),
                     updated=item.captured_at, published=item.published_at, source=item.source,
                     category=item.category)


def _public(request: Request, kind: str, name: str) -> Response:
    site = site_of(request)
    page = (site.store.latest(category=name, limit=FEED_SIZE) if kind == "category"
            else site.store.latest(source=name, limit=FEED_SIZE))
    base = base_url(request)
    entries = []
    for hit in page.hits:
        snap = site.store.snapshot(hit.snapshot_id)
        entries.append(_hit_entry(base, hit, snap.article.text, snap.payload_digest))
    loc = locale_of(request)
    key = "category_page_heading" if kind == "category" else "source_page_heading"
    path = category_feed_path(name) if kind == "category" else source_feed_path(name)
    plural = "categories" if kind == "category" else "sources"
    title = f"{loc.text(key, name=name)} · {site.settings.site_name}"
    feed = Feed(key=f"{kind}/{name}", title=title,
                self_link=base + path, alternate_link=f"{base}/{plural}/{quote(name, safe='')}",
                site=base, entries=tuple(entries))
    return _atom(render_feed(feed, datetime.now(UTC)), private=False)


@router.get("/feeds/categories/{name:path}.atom", responses=_ATOM, response_class=Response,
            summary="Atom feed of a category's newest articles")
def category_feed(request: Request, name: str) -> Response:
    return _public(request, "category", _category(request, name))


@router.get("/feeds/sources/{name:path}.atom", responses=_ATOM, response_class=Response,
            summary="Atom feed of a source's newest articles")
def source_feed(request: Request, name: str) -> Response:
    return _public(request, "source", _source(request, name).name)


def _owner(request: Request, token: str) -> User:
    user = accounts.user_for_feed_token(site_of(request).store, token) if len(token) < 100 \
        else None
    if user is None:
        raise NotFound("there is no feed at this address; the token may have been rotated "
                       "(see your account page for the current feed address)")
    return user


def _private(request: Request, user: User, sub: Subscription | None) -> Response:
    store = site_of(request).store
    page = store.stream(user.id, subscription_id=sub.id if sub else None, limit=FEED_SIZE)
    base = base_url(request)
    loc = locale_of(request)
    title = sub.name if sub else loc.text("my_subscriptions")
    key = f"user/{user.id}" + (f"/{sub.id}" if sub else "")
    feed = Feed(key=key, title=f"{title} · {user.name}",
                self_link=private_feed_url(request, user, sub.id if sub else None),
                alternate_link=f"{base}/me/subscriptions" + (f"/{sub.id}" if sub else ""),
                site=base, entries=tuple(_item_entry(base, i) for i in page.items))
    return _atom(render_feed(feed, datetime.now(UTC)), private=True)


@router.get("/feeds/me/{token}.atom", responses=_ATOM, response_class=Response,
            summary="Private Atom feed of your whole stream (the token is on /account)")
def stream_feed(request: Request, token: str) -> Response:
    return _private(request, _owner(request, token), None)


@router.get("/feeds/me/{token}/{subscription_id}.atom", responses=_ATOM,
            response_class=Response, summary="Private Atom feed of one of your subscriptions")
def subscription_feed(request: Request, token: str, subscription_id: str) -> Response:
    user = _owner(request, token)
    number = params.path_id(subscription_id, f"you have no subscription {subscription_id[:20]!r}; "
                            "copy the feed address from /me/subscriptions")
    return _private(request, user, site_of(request).store.subscription(user.id, number))
