"""JSON twins of 我的订阅 (`/api/v1/me/...`): subscriptions, the stream, mark-as-read,
webhooks. Same authentication as `account_api.py`; another user's subscription id is
answered with the same 404 as one that never existed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from kuaizhao.errors import UsageError
from kuaizhao.store.account_rows import Subscription, SubscriptionKind
from kuaizhao.web import params
from kuaizhao.web.api_models import ErrorOut
from kuaizhao.web.auth import check_csrf, require_user
from kuaizhao.web.feeds import private_feed_url
from kuaizhao.web.highlight import clean_snippet
from kuaizhao.web.render import site_of
from kuaizhao.web.subscriptions import ItemView, create, parse_id, rename, set_webhook, views

router = APIRouter(tags=["subscriptions"])
ERRORS: dict[int | str, dict[str, object]] = {
    s: {"model": ErrorOut} for s in (400, 401, 403, 404)}


class SubscriptionIn(BaseModel):
    kind: SubscriptionKind
    target: str = Field(max_length=500, description="category name, source name, or a query "
                        "of the search language such as `科技创新 category:国内`")
    name: str = Field(default="", max_length=200)


class SubscriptionPatch(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    paused: bool | None = None


class WebhookIn(BaseModel):
    url: str = Field(max_length=2000)


class ReadIn(BaseModel):
    snapshot_ids: list[Annotated[int, Field(ge=1, le=params.MAX_JSON_ID)]] | None = Field(
        default=None, max_length=500, description="stories to mark read; omit for all")
    subscription_id: int | None = Field(default=None, ge=1, le=params.MAX_JSON_ID)


class WebhookOut(BaseModel):
    url: str
    enabled: bool
    failures: int
    disabled_reason: str | None


class NewWebhookOut(WebhookOut):
    secret: str = Field(description="HMAC-SHA256 key of the Kuaizhao-Signature header; "
                        "shown when set")


class SubscriptionOut(BaseModel):
    id: int
    kind: SubscriptionKind
    target: str
    name: str
    paused: bool
    created_at: datetime
    unread: int = Field(description="stories matched and not yet read")
    feed_url: str
    webhook: WebhookOut | None


class StreamItemOut(BaseModel):
    snapshot_id: int
    url: str
    title: str
    published_at: datetime | None
    captured_at: datetime
    source: str
    category: str | None
    snippet: str = Field(description="HTML around the saved search's words; empty otherwise")
    read: bool
    subscription_ids: list[int]


class StreamOut(BaseModel):
    items: list[StreamItemOut]
    total: int
    offset: int
    limit: int


class MySubscriptionsOut(BaseModel):
    subscriptions: list[SubscriptionOut]
    stream: StreamOut
    feed_url: str


class DeliveryOut(BaseModel):
    url: str
    state: str
    attempts: int
    last_error: str | None


class SubscriptionDetailOut(BaseModel):
    subscription: SubscriptionOut
    stream: StreamOut
    deliveries: list[DeliveryOut]


class ReadOut(BaseModel):
    marked: int


def _sub_out(request: Request, sub: Subscription) -> SubscriptionOut:
    store = site_of(request).store
    hook = sub.webhook
    return SubscriptionOut(
        id=sub.id, kind=sub.kind, target=sub.target, name=sub.name, paused=sub.paused,
        created_at=sub.created_at, unread=sub.unread,
        feed_url=private_feed_url(request, store.user(sub.user_id), sub.id),
        webhook=WebhookOut(url=hook.url, enabled=hook.enabled, failures=hook.failures,
                           disabled_reason=hook.disabled_reason) if hook else None)


def _item_out(view: ItemView) -> StreamItemOut:
    i = view.item
    return StreamItemOut(snapshot_id=i.snapshot_id, url=i.url, title=i.title,
                         published_at=i.published_at, captured_at=i.captured_at,
                         source=i.source, category=i.category,
                         snippet=str(clean_snippet(view.snippet)) if view.snippet else "",
                         read=i.read, subscription_ids=list(i.subscription_ids))


@router.get("/api/v1/me/subscriptions", response_model=MySubscriptionsOut, responses=ERRORS,
            summary="Your subscriptions and merged stream (JSON twin of /me/subscriptions)")
async def my_subscriptions_api(request: Request, unread: bool = False, offset: str | None = None,
                               limit: str | None = None) -> MySubscriptionsOut:
    user = await require_user(request)
    store = site_of(request).store
    subs = store.subscriptions(user.id)
    stream = store.stream(user.id, unread_only=unread, offset=params.offset(offset),
                          limit=params.limit(limit))
    return MySubscriptionsOut(
        subscriptions=[_sub_out(request, s) for s in subs],
        stream=StreamOut(items=[_item_out(v) for v in views(stream, subs)], total=stream.total,
                         offset=stream.offset, limit=stream.limit),
        feed_url=private_feed_url(request, user))


@router.post("/api/v1/me/subscriptions", response_model=SubscriptionOut, responses=ERRORS,
             status_code=201, summary="Follow a category, a source or a saved search")
async def create_api(request: Request, body: SubscriptionIn) -> SubscriptionOut:
    user = await require_user(request)
    await check_csrf(request)
    sub = create(site_of(request).store, user, body.kind.value, body.target, body.name)
    return _sub_out(request, sub)


@router.get("/api/v1/me/subscriptions/{sub_id}", response_model=SubscriptionDetailOut,
            responses=ERRORS, summary="One subscription, its stream and webhook deliveries")
async def detail_api(request: Request, sub_id: str, offset: str | None = None,
                     limit: str | None = None) -> SubscriptionDetailOut:
    user = await require_user(request)
    store = site_of(request).store
    sub = store.subscription(user.id, parse_id(sub_id))
    stream = store.stream(user.id, subscription_id=sub.id, offset=params.offset(offset),
                          limit=params.limit(limit))
    return SubscriptionDetailOut(
        subscription=_sub_out(request, sub),
        stream=StreamOut(items=[_item_out(v) for v in views(stream, [sub])],
                         total=stream.total, offset=stream.offset, limit=stream.limit),
        deliveries=[DeliveryOut(url=u, state=s, attempts=a, last_error=e)
                    for u, s, a, e in store.deliveries(user.id, sub.id)])


@router.patch("/api/v1/me/subscriptions/{sub_id}", response_model=SubscriptionOut,
              responses=ERRORS, summary="Rename, pause or resume a subscription")
async def patch_api(request: Request, sub_id: str, body: SubscriptionPatch) -> SubscriptionOut:
    user = await require_user(request)
    await check_csrf(request)
    store = site_of(request).store
    number = parse_id(sub_id)
    store.subscription(user.id, number)
    if body.name is not None:
        rename(store, user, number, body.name)
    if body.paused is not None:
        with store.transaction():
            store.update_subscription(user.id, number, paused=body.paused)
    return _sub_out(request, store.subscription(user.id, number))


@router.delete("/api/v1/me/subscriptions/{sub_id}", status_code=204, responses=ERRORS,
               summary="Stop following (its matches and webhook go with it)")
async def delete_api(request: Request, sub_id: str) -> None:
    user = await require_user(request)
    await check_csrf(request)
    store = site_of(request).store
    with store.transaction():
        store.delete_subscription(user.id, parse_id(sub_id))


@router.put("/api/v1/me/subscriptions/{sub_id}/webhook", response_model=NewWebhookOut,
            responses=ERRORS, summary="Set the subscription's webhook (a new secret each time)")
async def webhook_api(request: Request, sub_id: str, body: WebhookIn) -> NewWebhookOut:
    user = await require_user(request)
    await check_csrf(request)
    site = site_of(request)
    number = parse_id(sub_id)
    secret = set_webhook(site.store, user, number, body.url,
                         allow_private=site.settings.webhook_allow_private)
    hook = site.store.subscription(user.id, number).webhook
    assert hook is not None
    return NewWebhookOut(url=hook.url, enabled=hook.enabled, failures=hook.failures,
                         disabled_reason=hook.disabled_reason, secret=secret)


@router.delete("/api/v1/me/subscriptions/{sub_id}/webhook", status_code=204, responses=ERRORS,
               summary="Remove the subscription's webhook")
async def delete_webhook_api(request: Request, sub_id: str) -> None:
    user = await require_user(request)
    await check_csrf(request)
    store = site_of(request).store
    with store.transaction():
        store.set_webhook(user.id, parse_id(sub_id), None, None)


@router.post("/api/v1/me/read", response_model=ReadOut, responses=ERRORS,
             summary="Mark stories read (given snapshots, or all, of one subscription or all)")
async def read_api(request: Request, body: ReadIn) -> ReadOut:
    user = await require_user(request)
    await check_csrf(request)
    if body.snapshot_ids is not None and any(i < 1 for i in body.snapshot_ids):
        raise UsageError("snapshot_ids are whole numbers from 1")
    store = site_of(request).store
    with store.transaction():
        marked = store.mark_read(user.id, body.snapshot_ids,
                                 subscription_id=body.subscription_id)
    return ReadOut(marked=marked)
