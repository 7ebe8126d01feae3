"""WebSub: the callback verifies only our own subscriptions, refuses forged pushes,
and a signed push becomes article URLs due at once."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from kuaizhao.config import load_settings
from kuaizhao.discover.websub import hub_links, needs_request
from kuaizhao.pipeline.websub import WebSubOptions, WebSubSubscriber
from kuaizhao.schedule import PRIORITY_PUSHED_ARTICLE
from kuaizhao.store import Store, open_store
from kuaizhao.web.app import create_app
from kuaizhao.web.websub import install_push_listener, signature_valid

TOPIC = "https://news.example.cn/feed.xml"
HUB = "https://hub.example.net/"
SECRET = "s3cret-shared-with-the-hub"  # noqa: S105 - a test fixture
NOW = datetime(2024, 2, 7, 13, 2, tzinfo=UTC)
FEED = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        b"<item><title>A</title><link>https://news.example.cn/a.html</link>"
        b"<pubDate>Wed, 07 Feb 2024 13:01:00 GMT</pubDate></item></channel></rss>")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(load_settings(home=str(tmp_path), environ={}))
    yield opened
    opened.close()


@pytest.fixture
def woken() -> list[int]:
    return []


@pytest.fixture
async def client(store: Store, tmp_path: Path, woken: list[int]) -> AsyncIterator[AsyncClient]:
    app: FastAPI = create_app(store, load_settings(home=str(tmp_path), environ={}))
    install_push_listener(app, lambda: woken.append(1))
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver") as c:
        yield c


def _requested(store: Store) -> int:
    with store.transaction():
        return store.websub_request(TOPIC, HUB, None, SECRET, NOW).id


def _signed(body: bytes, key: str = SECRET, method: str = "sha256") -> str:
    return f"{method}=" + hmac.new(key.encode(), body, getattr(hashlib, method)).hexdigest()


async def _verify(client: AsyncClient, sub: int, **extra: str) -> tuple[int, str]:
    params = {"hub.mode": "subscribe", "hub.topic": TOPIC, "hub.challenge": "c-4711",
              "hub.lease_seconds": "86400", **extra}
    response = await client.get(f"/websub/{sub}", params=params)
    return response.status_code, response.text


async def test_verification_echoes_the_challenge_and_starts_the_lease(
        client: AsyncClient, store: Store) -> None:
    sub = _requested(store)
    assert await _verify(client, sub) == (200, "c-4711")
    active = store.websub_subscription(TOPIC)
    assert active is not None
    assert active.state == "active"
    assert active.lease_seconds == 86400
    assert active.expires_at is not None
    assert active.expires_at > datetime.now(UTC)


async def test_verification_for_anything_we_did_not_ask_is_refused(
        client: AsyncClient, store: Store) -> None:
    sub = _requested(store)
    assert (await _verify(client, sub, **{"hub.topic": "https://evil.example/feed"}))[0] == 404
    assert (await _verify(client, sub, **{"hub.mode": "unsubscribe"}))[0] == 404
    assert (await _verify(client, 999))[0] == 404
    assert (await _verify(client, sub, **{"hub.challenge": ""}))[0] == 404
    still = store.websub_subscription(TOPIC)
    assert still is not None
    assert still.state == "requested"


async def test_a_denial_is_recorded(client: AsyncClient, store: Store) -> None:
    sub = _requested(store)
    response = await client.get(f"/websub/{sub}", params={
        "hub.mode": "denied", "hub.topic": TOPIC, "hub.reason": "topic unknown"})
    assert response.status_code == 200
    denied = store.websub_subscription(TOPIC)
    assert denied is not None
    assert denied.state == "denied"
    assert denied.last_error == "topic unknown"


async def test_a_forged_push_is_rejected_and_a_signed_one_accepted(
        client: AsyncClient, store: Store, woken: list[int]) -> None:
    sub = _requested(store)
    await _verify(client, sub)
    md5 = hashlib.md5(FEED, usedforsecurity=False).hexdigest()
    for headers in ({}, {"X-Hub-Signature": _signed(FEED, "guessed")},
                    {"X-Hub-Signature": "md5=" + md5},
                    {"X-Hub-Signature": _signed(FEED + b"<!-- tampered -->")}):
        response = await client.post(f"/websub/{sub}", content=FEED, headers=headers)
        assert response.status_code == 403, headers
    with store.transaction():
        assert store.websub_take_pushes() == []
    assert woken == []
    rejected = store.websub_subscription(TOPIC)
    assert rejected is not None
    assert rejected.rejected == 4

    response = await client.post(f"/websub/{sub}", content=FEED, headers={
        "X-Hub-Signature": _signed(FEED), "Content-Type": "application/rss+xml"})
    assert response.status_code == 202
    assert woken == [1]
    subscriber = WebSubSubscriber(store, WebSubOptions("http://archive.example"), {},
                                  lambda: NOW)
    with store.transaction():
        entries = subscriber.drain()
    assert [(e.url, e.priority) for e in entries] == [
        ("https://news.example.cn/a.html", PRIORITY_PUSHED_ARTICLE)]
    with store.transaction():
        assert subscriber.drain() == []  # the inbox is empty once read


async def test_an_unreadable_push_is_dropped_and_the_next_one_read(
        client: AsyncClient, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    sub = _requested(store)
    await _verify(client, sub)
    garbage = bytes(range(256)) * 8  # signed by the hub, but no feed
    for body in (garbage, FEED):
        response = await client.post(f"/websub/{sub}", content=body,
                                     headers={"X-Hub-Signature": _signed(body)})
        assert response.status_code == 202
    subscriber = WebSubSubscriber(store, WebSubOptions("http://archive.example"), {},
                                  lambda: NOW)
    with store.transaction():
        entries = subscriber.drain()
    assert [e.url for e in entries] == ["https://news.example.cn/a.html"]
    assert "WebSub push for" in caplog.text
    assert "lists nothing readable" in caplog.text
    with store.transaction():
        assert subscriber.drain() == []  # the unreadable push left the inbox too


async def test_push_to_an_unverified_subscription_is_refused(
        client: AsyncClient, store: Store) -> None:
    sub = _requested(store)
    response = await client.post(f"/websub/{sub}", content=FEED,
                                 headers={"X-Hub-Signature": _signed(FEED)})
    assert response.status_code == 404


def test_signature_methods() -> None:
    for method in ("sha1", "sha256", "sha384", "sha512"):
        assert signature_valid(SECRET, FEED, _signed(FEED, method=method))
    assert not signature_valid(SECRET, FEED, None)
    assert not signature_valid(SECRET, FEED, "sha256")
    assert not signature_valid(SECRET, FEED, "crc32=00000000")


def test_hubs_are_found_in_the_feed_and_the_link_header() -> None:
    rss = (b'<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
           b'<atom:link rel="hub" href="https://hub.example.net/"/>'
           b'<atom:link rel="self" href="https://news.example.cn/rss"/></channel></rss>')
    links = hub_links(rss, "https://news.example.cn/feed.xml")
    assert links.topic_and_hub == ("https://news.example.cn/rss", HUB)
    header = '<https://other-hub.example/>; rel="hub", <https://news.example.cn/self>; rel=self'
    assert hub_links(b"<rss/>", TOPIC, header).topic_and_hub == (
        "https://news.example.cn/self", "https://other-hub.example/")
    assert hub_links(b"not xml", TOPIC).topic_and_hub is None


def test_when_to_subscribe_again() -> None:
    lease = 10 * 86400
    assert needs_request(None, None, None, None, NOW)
    assert not needs_request("requested", NOW - timedelta(minutes=5), None, None, NOW)
    assert needs_request("requested", NOW - timedelta(hours=2), None, None, NOW)
    fresh = NOW + timedelta(days=9)
    assert not needs_request("active", NOW, fresh, lease, NOW)
    assert needs_request("active", NOW, NOW + timedelta(days=1), lease, NOW)  # 90 % gone
