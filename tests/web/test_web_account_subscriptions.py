"""我的订阅 over the real app: subscribing, the stream, mark-as-read, webhooks, and no
way into another user's subscriptions, feeds or tokens by guessing ids."""

from __future__ import annotations

import pytest
from account_client import client, post_form, sign_up, subscribe
from fastapi import FastAPI
from subscribe_archive import add_article
from web_archive import SEED_TITLE, Archive

TEXT = "无锡市召开科技创新工作座谈会，打造产业科技创新高地。" * 4


pytestmark = pytest.mark.usefixtures("fast_argon2")


async def test_subscribe_stream_snippets_and_mark_read(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with client(app) as c:
        await sign_up(c, "alice")
        sub_id = await subscribe(c, "科技创新", name="科创")
        page = await c.get(f"/me/subscriptions/{sub_id}")
        assert page.status_code == 200
        assert SEED_TITLE in page.text
        assert "<mark>科技创新</mark>" in page.text  # keyword snippet
        listing = await c.get("/me/subscriptions")
        assert "0 条未读" in listing.text  # what was already there counts as read
        new_id = add_article(archive.store, "https://n.example/new", "又一篇科技创新报道", TEXT)
        listing = await c.get("/me/subscriptions")
        assert "1 条未读" in listing.text
        assert "又一篇科技创新报道" in listing.text
        read = await post_form(c, "/me/subscriptions", "/me/read", {"snapshot": str(new_id)})
        assert read.status_code == 303
        assert "0 条未读" in (await c.get("/me/subscriptions")).text
        api = (await c.get("/api/v1/me/subscriptions")).json()
        assert api["stream"]["items"][0]["snapshot_id"] == new_id
        assert api["stream"]["items"][0]["read"] is True
        assert "<mark>" in api["stream"]["items"][0]["snippet"]


async def test_pause_resume_rename_delete(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with client(app) as c:
        await sign_up(c, "bob")
        sub_id = await subscribe(c, "source:人民资讯 无锡")
        path = f"/me/subscriptions/{sub_id}"
        assert (await post_form(c, path, f"{path}/pause", {})).status_code == 303
        add_article(archive.store, "https://n.example/p", "无锡新闻", TEXT + "无锡")
        detail = (await c.get(f"/api/v1/me/subscriptions/{sub_id}")).json()
        assert detail["subscription"]["paused"]
        assert detail["subscription"]["unread"] == 0
        await post_form(c, path, f"{path}/resume", {})
        await post_form(c, path, f"{path}/rename", {"name": "无锡动态"})
        assert "无锡动态" in (await c.get("/me/subscriptions")).text
        bad = await post_form(c, "/me/subscriptions", "/me/subscriptions",
                              {"kind": "search", "target": "since:2024-99-01"})
        assert bad.status_code == 400
        assert "不是日期；请用 年-月-日 格式" in bad.text  # told in the reader's language
        assert (await post_form(c, path, f"{path}/delete", {})).status_code == 303
        assert (await c.get(path)).status_code == 404


async def test_webhook_form_refuses_private_targets(site: tuple[FastAPI, Archive]) -> None:
    async with client(site[0]) as c:
        await sign_up(c, "carol")
        sub_id = await subscribe(c, "科技创新")
        path = f"/me/subscriptions/{sub_id}"
        for url in ("http://127.0.0.1:9/hook", "http://169.254.169.254/", "http://localhost/"):
            refused = await post_form(c, path, f"{path}/webhook", {"url": url})
            assert refused.status_code == 400
            assert "不接受指向内网或本机地址" in refused.text
        saved = await post_form(c, path, f"{path}/webhook", {"url": "https://hooks.example.org/k"})
        assert saved.status_code == 200
        assert "whsec_" in saved.text
        detail = (await c.get(f"/api/v1/me/subscriptions/{sub_id}")).json()
        assert detail["subscription"]["webhook"]["url"] == "https://hooks.example.org/k"
        assert "secret" not in detail["subscription"]["webhook"]


async def test_no_access_to_another_users_things_by_guessing(
        site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with client(app) as alice, client(app) as mallory:
        await sign_up(alice, "alice")
        sub_id = await subscribe(alice, "科技创新")
        alice_me = (await alice.get("/api/v1/account")).json()
        made = await alice.post("/api/v1/account/tokens", json={"name": "t"},
                                headers={"X-CSRF-Token": alice_me["csrf_token"]})
        await sign_up(mallory, "mallory")
        me = (await mallory.get("/api/v1/account")).json()
        head = {"X-CSRF-Token": me["csrf_token"]}
        for guess in (sub_id, sub_id + 1, 0):
            path = f"/me/subscriptions/{guess}"
            assert (await mallory.get(path)).status_code == 404
            assert (await mallory.get(f"/api/v1{path}")).status_code == 404
            assert (await mallory.patch(f"/api/v1{path}", json={"paused": True},
                                        headers=head)).status_code == 404
            assert (await mallory.delete(f"/api/v1{path}", headers=head)).status_code == 404
            assert (await mallory.put(f"/api/v1{path}/webhook", headers=head,
                                      json={"url": "https://evil.example/"})).status_code == 404
            assert (await post_form(mallory, "/me/subscriptions", f"{path}/delete",
                                    {})).status_code == 404
            # her own feed token with alice's subscription id
            own = f"/feeds/me/{archive.store.user(me['id']).feed_token}/{guess}.atom"
            assert (await mallory.get(own)).status_code == 404
        assert (await mallory.post("/api/v1/me/read", headers=head,
                                   json={"subscription_id": sub_id})).status_code == 404
        assert (await mallory.delete(f"/api/v1/account/tokens/{made.json()['id']}",
                                     headers=head)).status_code == 404
        assert (await mallory.get("/feeds/me/guess.atom")).status_code == 404
        detail = (await alice.get(f"/api/v1/me/subscriptions/{sub_id}")).json()
        assert not detail["subscription"]["paused"]
        assert len((await alice.get("/api/v1/account/tokens")).json()) == 1
