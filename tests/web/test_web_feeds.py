"""Atom feeds: public per category and source (advertised on their pages), private per
user behind a rotatable token; all parsed by feedparser without complaint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import feedparser
import pytest
from account_client import account_app, client, post_form, sign_up, subscribe
from fastapi import FastAPI
from httpx import AsyncClient
from web_archive import SEED_TITLE, Archive

pytestmark = pytest.mark.usefixtures("fast_argon2")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[FastAPI, Archive]]:
    app, archive = account_app(tmp_path / "home", public_url="https://kz.example")
    yield app, archive
    archive.store.close()


async def test_category_and_source_pages_advertise_their_feeds(client: AsyncClient) -> None:
    for page_path, feed_path in (
            ("/categories/国内", f"/feeds/categories/{quote('国内', safe='')}.atom"),
            (f"/sources/{quote('人民资讯')}", f"/feeds/sources/{quote('人民资讯', safe='')}.atom")):
        page = await client.get(page_path)
        assert page.status_code == 200
        link = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"',
                         page.text)
        assert link
        assert link.group(1) == feed_path
        feed = await client.get(feed_path)
        assert feed.status_code == 200
        assert feed.headers["content-type"].startswith("application/atom+xml")
        parsed = feedparser.parse(feed.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert parsed.entries
        assert all(e.id.startswith("urn:uuid:") for e in parsed.entries)
        assert all(e.get("summary") and e.get("updated") for e in parsed.entries)
        again = feedparser.parse((await client.get(feed_path)).content)
        assert [e.id for e in again.entries] == [e.id for e in parsed.entries]
    assert (await client.get("/feeds/categories/没有.atom")).status_code == 404
    assert (await client.get("/feeds/categories/国内")).status_code == 404


async def test_private_feeds_behind_a_rotatable_token(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with client(app, "https://testserver") as c:
        await sign_up(c, "alice")
        sub_id = await subscribe(c, "科技创新")
        account = (await c.get("/api/v1/account")).json()
        feed_url = account["feed_url"]
        assert feed_url.startswith("https://kz.example/feeds/me/")
        path = feed_url.removeprefix("https://kz.example")
    async with client(app, "https://testserver") as reader:  # a feed reader: no cookies
        whole = await reader.get(path)
        assert whole.status_code == 200
        assert whole.headers["cache-control"].startswith("private")
        parsed = feedparser.parse(whole.content)
        assert not parsed.bozo
        assert SEED_TITLE in [e.title for e in parsed.entries]
        assert parsed.entries[0].link.startswith("https://kz.example/snapshots/")
        one = feedparser.parse((await reader.get(path.replace(".atom", f"/{sub_id}.atom"))).content)
        assert not one.bozo
        assert one.entries
    async with client(app, "https://testserver") as c:
        login = await post_form(c, "/login", "/login",
                                {"name": "alice", "password": "password-1"})
        assert login.status_code == 303, login.text
        rotated = await post_form(c, "/account", "/account/feed-token", {})
        assert rotated.status_code == 200, rotated.text
    async with client(app, "https://testserver") as reader:
        assert (await reader.get(path)).status_code == 404
        fresh = archive.store.user(account["id"]).feed_token
        assert (await reader.get(f"/feeds/me/{fresh}.atom")).status_code == 200


async def test_openapi_describes_the_new_api(client: AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    for path in ("/api/v1/account", "/api/v1/account/login", "/api/v1/me/subscriptions",
                 "/api/v1/me/subscriptions/{sub_id}", "/api/v1/me/subscriptions/{sub_id}/webhook",
                 "/api/v1/me/read", "/api/v1/account/tokens", "/feeds/categories/{name}.atom"):
        assert path in paths, path
