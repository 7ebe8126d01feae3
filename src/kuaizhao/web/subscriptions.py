"""我的订阅: the merged stream, the subscriptions list and each subscription's page.

Anonymous visitors are sent to log in. The stream is one row per story (a story
reposted by ten outlets appears once), newest first; an item matched by a saved
search shows a snippet around that search's words. The JSON twins are in
`subscriptions_api.py`; both build on the helpers here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.index.snippets import make_snippet
from kuaizhao.models import SearchPage
from kuaizhao.store.account_rows import StreamItem, StreamPage, Subscription, SubscriptionKind, User
from kuaizhao.store.base import Store
from kuaizhao.subscribe import tokens, webhooks
from kuaizhao.subscribe.matching import check_target, follow_terms
from kuaizhao.web import params
from kuaizhao.web.account import form_of, page, redirect
from kuaizhao.web.auth import login_url, visitor
from kuaizhao.web.error_pages import form_error
from kuaizhao.web.feeds import private_feed_url
from kuaizhao.web.render import site_of

router = APIRouter()
PER_PAGE = 20
BACKFILL = 30
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class ItemView:
    item: StreamItem
    snippet: str  # HTML from make_snippet (escaped, <mark> only); "" when none
    via: tuple[Subscription, ...]


def parse_id(text: str) -> int:
    return params.path_id(text, f"you have no subscription {text[:20]!r}; "
                                "see /me/subscriptions")


def views(page_: StreamPage, subs: list[Subscription]) -> list[ItemView]:
    by_id = {s.id: s for s in subs}
    out = []
    for item in page_.items:
        via = tuple(by_id[i] for i in item.subscription_ids if i in by_id)
        terms = [t for s in via for t in follow_terms(s.kind, s.target)]
        out.append(ItemView(item, make_snippet(item.text, terms) if terms else "", via))
    return out


def _backfill(store: Store, user: User, sub: Subscription) -> None:
    """Show what the archive already holds for a new subscription, marked read: the
    stream has context at once, and unread counts only what arrives later."""
    found: SearchPage
    if sub.kind is SubscriptionKind.SEARCH:
        found = store.search(sub.target, sort="newest", limit=BACKFILL)
    elif sub.kind is SubscriptionKind.CATEGORY:
        found = store.latest(category=sub.target, limit=BACKFILL)
    else:
        found = store.latest(source=sub.target, limit=BACKFILL)
    with store.transaction():
        for hit in found.hits:
            story = store.snapshot(hit.snapshot_id).story_id
            store.add_matches(hit.snapshot_id, [sub.id],
                              story if story is not None else -hit.snapshot_id,
                              hit.published_at or hit.captured_at, read=True)


def create(store: Store, user: User, kind: str, target: str, name: str) -> Subscription:
    try:
        chosen = SubscriptionKind(kind)
    except ValueError:
        raise UsageError(f"kind must be one of: {', '.join(k.value for k in SubscriptionKind)}",
                         code="subscription_kind") from None
    target = check_target(chosen, target)
    name = " ".join(name.split())[:MAX_NAME] or target[:MAX_NAME]
    with store.transaction():
        sub = store.add_subscription(user.id, chosen, target, name, datetime.now(UTC))
    _backfill(store, user, sub)
    return store.subscription(user.id, sub.id)


def rename(store: Store, user: User, sub_id: int, name: str) -> None:
    name = " ".join(name.split())[:MAX_NAME]
    if not name:
        raise UsageError("a subscription needs a name", code="subscription_needs_name")
    with store.transaction():
        store.update_subscription(user.id, sub_id, name=name)


def set_webhook(store: Store, user: User, sub_id: int, url: str, *,
                allow_private: bool) -> str:
    """Set the webhook and return its new signing secret."""
    url = webhooks.check_url(url, allow_private=allow_private)
    secret = tokens.webhook_secret()
    with store.transaction():
        store.set_webhook(user.id, sub_id, url, secret)
    return secret


# ------------------------------------------------------------------ pages


async def _user_or_login(request: Request) -> User | Response:
    user = (await visitor(request)).user
    return user if user is not None else redirect(request, login_url(request))


@router.get("/me/subscriptions", include_in_schema=False, response_class=HTMLResponse)
async def my_subscriptions(request: Request, unread: str | None = None,
                           kind: str | None = None, target: str | None = None) -> Response:
    user = await _user_or_login(request)
    if isinstance(user, Response):
        return user
    page_number = params.page(request.query_params.get("page"))
    store = site_of(request).store
    subs = store.subscriptions(user.id)
    stream = store.stream(user.id, unread_only=unread == "1",
                          offset=(page_number - 1) * PER_PAGE, limit=PER_PAGE)
    return await page(request, "subscriptions.html", subs=subs, items=views(stream, subs),
                      stream=stream, unread_only=unread == "1", error=None,
                      pages=params.Pages(page=page_number, per_page=PER_PAGE,
                                         total=stream.total),
                      feed_url=private_feed_url(request, user),
                      new_kind=kind if kind in {k.value for k in SubscriptionKind} else "search",
                      new_target=(target or "")[:500])


@router.post("/me/subscriptions", include_in_schema=False, response_class=HTMLResponse)
async def create_subscription(request: Request) -> Response:
    data = await form_of(request)
    user = await _user_or_login(request)
    if isinstance(user, Response):
        return user
    store = site_of(request).store
    try:
        sub = create(store, user, data.get("kind", ""), data.get("target", ""),
                     data.get("name", ""))
    except UsageError as exc:
        subs = store.subscriptions(user.id)
        stream = store.stream(user.id, limit=PER_PAGE)
        return await page(request, "subscriptions.html", status=400, subs=subs,
                          items=views(stream, subs), stream=stream, unread_only=False,
                          error=form_error(request, exc), pages=None,
                          feed_url=private_feed_url(request, user),
                          new_kind=data.get("kind", "search"),
                          new_target=data.get("target", "")[:500])
    return redirect(request, f"/me/subscriptions/{sub.id}")


@router.post("/me/read", include_in_schema=False)
async def mark_read(request: Request) -> Response:
    form = await request.form()
    data = await form_of(request)
    user = await _user_or_login(request)
    if isinstance(user, Response):
        return user
    ids = [parse_id(v) for v in form.getlist("snapshot") if isinstance(v, str)]
    sub_id = parse_id(data["subscription"]) if data.get("subscription") else None
    store = site_of(request).store
    with store.transaction():
        store.mark_read(user.id, None if data.get("all") == "1" else ids,
                        subscription_id=sub_id)
    back = f"/me/subscriptions/{sub_id}" if sub_id is not None else "/me/subscriptions"
    return redirect(request, back)


async def _subscription_page(request: Request, user: User, sub_id: int, *, status: int = 200,
                             error: str | None = None, secret: str | None = None) -> Response:
    store = site_of(request).store
    sub = store.subscription(user.id, sub_id)
    page_number = params.page(request.query_params.get("page"))
    stream = store.stream(user.id, subscription_id=sub_id,
                          offset=(page_number - 1) * PER_PAGE, limit=PER_PAGE)
    return await page(request, "subscription.html", status=status, sub=sub,
                      items=views(stream, [sub]), stream=stream, error=error, secret=secret,
                      deliveries=store.deliveries(user.id, sub_id),
                      pages=params.Pages(page=page_number, per_page=PER_PAGE,
                                         total=stream.total),
                      feed_url=private_feed_url(request, user, sub_id))


@router.get("/me/subscriptions/{sub_id}", include_in_schema=False, response_class=HTMLResponse)
async def subscription_page(request: Request, sub_id: str) -> Response:
    user = await _user_or_login(request)
    if isinstance(user, Response):
        return user
    return await _subscription_page(request, user, parse_id(sub_id))


@router.post("/me/subscriptions/{sub_id}/{action}", include_in_schema=False,
             response_class=HTMLResponse)
async def subscription_action(request: Request, sub_id: str, action: str) -> Response:
    data = await form_of(request)
    user = await _user_or_login(request)
    if isinstance(user, Response):
        return user
    number = parse_id(sub_id)
    store = site_of(request).store
    try:
        if action == "rename":
            rename(store, user, number, data.get("name", ""))
        elif action in ("pause", "resume"):
            with store.transaction():
                store.update_subscription(user.id, number, paused=action == "pause")
        elif action == "delete":
            with store.transaction():
                store.delete_subscription(user.id, number)
            return redirect(request, "/me/subscriptions")
        elif action == "webhook":
            secret = set_webhook(store, user, number, data.get("url", ""),
                                 allow_private=site_of(request).settings.webhook_allow_private)
            return await _subscription_page(request, user, number, secret=secret)
        elif action == "webhook-delete":
            with store.transaction():
                store.set_webhook(user.id, number, None, None)
        else:
            raise NotFound(f"there is no subscription action {action[:40]!r}")
    except UsageError as exc:
        return await _subscription_page(request, user, number, status=400,
                                        error=form_error(request, exc))
    return redirect(request, f"/me/subscriptions/{number}")
