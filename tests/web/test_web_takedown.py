"""Takedown over the real app: a public request, an admin approving it, the content gone
from every surface (and back after restore), the public log, the audit log."""

from __future__ import annotations

import pytest
from account_client import client, post_form, sign_up, subscribe
from fastapi import FastAPI
from takedown_client import decide, kj, make_admin, send_request, surfaces
from web_archive import Archive

from kuaizhao.subscribe import passwords

pytestmark = pytest.mark.usefixtures("fast_argon2")


async def test_request_approve_gone_everywhere_then_restore(
        site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    url, title, word = kj(24)  # the newest, so it is in the feeds' first page
    sid = archive.ids["kj24"]
    async with client(app) as reader, client(app) as public, client(app) as admin:
        await sign_up(reader, "reader")
        sub_id = await subscribe(reader, word, name="watch")
        user = archive.store.user_named(passwords.name_key("reader"))
        assert user is not None
        token = user.user.feed_token

        async def probe() -> dict[str, bool]:
            return await surfaces(reader, sid, url, title, word, token, sub_id)

        before = await probe()
        assert all(before.values()), before
        request_id, tracking = await send_request(public, f"/snapshots/{sid}\n{url}")
        assert (await probe()) == before  # a request alone hides nothing
        track = await public.get(tracking)
        assert 'data-state="received"' in track.text
        await make_admin(admin, archive)
        await decide(admin, request_id, "review", note="")
        await decide(admin, request_id, "approve", note="住址属于隐私")
        after = await probe()
        assert not any(after.values()), after
        page = await reader.get(f"/snapshots/{sid}")
        assert page.status_code == 410
        assert "理由类别: <span class=\"reason\">隐私</span>" in page.text
        assert 'href="/takedown/log"' in page.text.split('<main')[1]
        api = await reader.get(f"/api/v1/snapshots/{sid}")
        assert api.status_code == 410
        assert "privacy" in api.json()["error"]
        # the other articles are untouched
        assert (await reader.get(f"/snapshots/{archive.ids['kj23']}")).status_code == 200
        track = await public.get(tracking)
        assert 'data-state="removed"' in track.text
        assert "住址属于隐私" in track.text
        log = (await public.get("/api/v1/takedown/log")).json()
        assert log[0]["target"] == "kjrb.example.cn"
        assert log[0]["reason_category"] == "privacy"
        assert "张三" not in (await public.get("/takedown/log")).text
        assert "a/24.html" not in (await public.get("/takedown/log")).text
        await decide(admin, request_id, "restore", note="法院裁定可以公开")
        again = await probe()
        assert all(again.values()), again
        audit = (await admin.get("/api/v1/admin/takedown/audit")).json()
        assert [(e["action"], e["actor"]) for e in reversed(audit)] == [
            ("submit", "requester"), ("review", "boss"), ("approve", "boss"),
            ("restore", "boss")]
        assert all(e["at"] for e in audit)
        assert audit[0]["note"] == "法院裁定可以公开"


async def test_non_admin_cannot_review_or_approve(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with client(app) as public, client(app) as reader, client(app) as anon:
        request_id, _ = await send_request(public, kj(5)[0])
        await sign_up(reader, "reader")
        assert (await reader.get("/admin/takedown")).status_code == 403
        assert (await reader.get(f"/api/v1/admin/takedown/{request_id}")).status_code == 403
        page = await reader.get("/takedown")
        from account_client import csrf_of
        refused = await reader.post(f"/admin/takedown/{request_id}/approve",
                                    data={"csrf": csrf_of(page), "note": "x"})
        assert refused.status_code == 403
        assert (await anon.get("/api/v1/admin/takedown")).status_code == 401
        assert (await anon.get("/admin/takedown")).status_code == 303  # to the login page
        anon_post = await anon.post(f"/api/v1/admin/takedown/{request_id}/approve",
                                    json={"note": "x"})
        assert anon_post.status_code == 401
        assert archive.store.takedown_request(request_id).state.value == "received"
        assert (await reader.get(f"/snapshots/{archive.ids['kj5']}")).status_code == 200


async def test_form_rejects_bad_input_with_clear_messages(
        site: tuple[FastAPI, Archive]) -> None:
    app, _ = site
    async with client(app) as c:
        bad = await post_form(c, "/takedown", "/takedown", {
            "targets": "ftp://x\nnot a url", "name": "", "contact": "nobody",
            "relationship": "cousin", "reason_category": "operator", "reason": "short"})
        assert bad.status_code == 400
        for field in ("targets", "name", "contact", "relationship", "reason_category",
                      "reason", "good_faith"):
            assert f'id="problem-{field}"' in bad.text, field
        assert "“ftp://x”不是 http 或 https 网址" in bad.text  # the Chinese UI, in Chinese
        assert "请勾选善意声明。" in bad.text
        huge = await post_form(c, "/takedown", "/takedown", {
            "targets": "https://a.example/x", "name": "n", "contact": "a@b.cn",
            "relationship": "author", "reason_category": "copyright", "reason": "x" * 70_000,
            "good_faith": "1"})
        assert huge.status_code == 400
        assert "请求内容过长（最多 64 KB）" in huge.text
        many = "\n".join(f"https://a.example/{i}" for i in range(21))
        too_many = await post_form(c, "/takedown", "/takedown", {
            "targets": many, "name": "n", "contact": "a@b.cn", "relationship": "author",
            "reason_category": "copyright", "reason": "copied without permission",
            "good_faith": "1"})
        assert too_many.status_code == 400
        assert "填写了 21 个地址，每次请求最多 20 个" in too_many.text
        no_csrf = await c.post("/takedown", data={"targets": "https://a.example/x"})
        assert no_csrf.status_code == 403
        api = await c.post("/api/v1/takedown/requests", json={
            "targets": ["https://a.example/x"], "name": "n", "contact": "bad",
            "relationship": "author", "reason_category": "copyright",
            "reason": "copied without permission", "good_faith": True})
        assert api.status_code in (400, 403)


async def test_api_request_rate_limit_and_tracking(site: tuple[FastAPI, Archive]) -> None:
    app, _ = site
    body = {"targets": ["https://kjrb.example.cn/a/7.html"], "name": "Li",
            "contact": "li@example.org", "relationship": "author",
            "reason_category": "copyright", "reason": "copied without my permission",
            "good_faith": True}
    async with client(app) as script:
        made = await script.post("/api/v1/takedown/requests", json=body)
        assert made.status_code == 201, made.text
        tracked = await script.get(made.json()["tracking_api_url"])
        assert tracked.json()["state"] == "received"
        assert (await script.get("/api/v1/takedown/requests/nonsense")).status_code == 404
        codes = [(await script.post("/api/v1/takedown/requests", json=body)).status_code
                 for _ in range(6)]
        assert codes[:4] == [201] * 4
        assert codes[-1] == 429


async def test_operator_prefix_removal_with_embargo_from_the_admin_page(
        site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with client(app) as admin, client(app) as reader:
        await make_admin(admin, archive)
        removed = await post_form(admin, "/admin/takedown", "/admin/takedown/remove", {
            "kind": "prefix", "value": "https://kjrb.example.cn/a/", "reason": "court order",
            "reason_category": "legal_order", "embargo_until": "2999-01-01"})
        assert removed.status_code == 303
        for i in (0, 9, 24):
            assert (await reader.get(f"/snapshots/{archive.ids[f'kj{i}']}")).status_code == 410
        hits = (await reader.get("/api/v1/search?q=科技创新报道")).json()
        assert all("kjrb" not in h["url"] for h in hits["hits"])
        assert (await reader.get(f"/snapshots/{archive.ids['seed']}")).status_code == 200
        log = (await reader.get("/api/v1/takedown/log")).json()
        assert log[0]["scope"] == "prefix"
        assert log[0]["until"].startswith("2999-01-01")
