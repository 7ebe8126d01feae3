"""Helpers for the takedown web tests: an admin, a public request, and a probe that says
on which surface an article is visible."""

from __future__ import annotations

import re
from urllib.parse import quote

from account_client import csrf_of, post_form, sign_up
from httpx import AsyncClient
from web_archive import Archive

from kuaizhao.store.account_rows import Role
from kuaizhao.subscribe import passwords

KJ_SOURCE = "科技日报"
KJ_CATEGORY = "科技"


def kj(i: int) -> tuple[str, str, str]:
    """URL, title and a word only that article's body holds."""
    return f"https://kjrb.example.cn/a/{i}.html", f"科技创新报道第{i}篇", f"编号{i:03d}"


async def make_admin(c: AsyncClient, archive: Archive, name: str = "boss") -> None:
    await sign_up(c, name)
    user = archive.store.user_named(passwords.name_key(name))
    assert user is not None
    with archive.store.transaction():
        archive.store.set_role(user.user.id, Role.ADMIN)


async def send_request(c: AsyncClient, targets: str, **extra: str) -> tuple[int, str]:
    """Post the public form; returns the request id and the tracking path."""
    data = {"targets": targets, "name": "张三", "contact": "zhang@example.org",
            "relationship": "subject", "reason_category": "privacy",
            "reason": "这篇报道公开了我的住址和电话，请删除。", "good_faith": "1", **extra}
    response = await post_form(c, "/takedown", "/takedown", data)
    assert response.status_code == 201, response.text[-1500:]
    tracking = re.search(r'id="td-tracking"[^>]*href="([^"]+)"', response.text)
    assert tracking
    token = tracking.group(1).rsplit("/", 1)[1]
    found = (await c.get(f"/api/v1/takedown/requests/{token}")).json()
    return int(found["id"]), tracking.group(1)


async def decide(c: AsyncClient, request_id: int, action: str, note: str = "checked",
                 **extra: str) -> None:
    page = await c.get(f"/admin/takedown/{request_id}")
    assert page.status_code == 200, page.text[:300]
    response = await c.post(f"/admin/takedown/{request_id}/{action}",
                            data={"csrf": csrf_of(page), "note": note, **extra})
    assert response.status_code == 303, response.text[-800:]


async def surfaces(c: AsyncClient, snapshot_id: int, url: str, title: str,
                   word: str, feed_token: str | None = None,
                   subscription_id: int | None = None) -> dict[str, bool]:
    """Whether the article shows on each surface (True = visible)."""
    enc = quote(url, safe="")
    seen: dict[str, bool] = {}

    async def ok(path: str) -> bool:
        return (await c.get(path)).status_code == 200

    async def has(path: str, needle: str) -> bool:
        r = await c.get(path)
        return r.status_code == 200 and needle in r.text

    seen["page"] = await ok(f"/snapshots/{snapshot_id}")
    seen["api"] = await ok(f"/api/v1/snapshots/{snapshot_id}")
    seen["raw"] = await ok(f"/snapshots/{snapshot_id}/raw")
    seen["raw_content"] = await ok(f"/snapshots/{snapshot_id}/raw/content")
    seen["warc"] = await ok(f"/snapshots/{snapshot_id}/warc")
    seen["search"] = await has(f"/search?q={quote(word)}", title)
    seen["search_snippet"] = await has(f"/api/v1/search?q={quote(word)}",
                                       f"<mark>{word[:2]}</mark>{word[2:]}")
    seen["category"] = await has(f"/categories/{quote(KJ_CATEGORY)}?page=1", title) or \
        await has(f"/api/v1/categories/{quote(KJ_CATEGORY)}?limit=100", title)
    seen["source_api"] = await has(f"/api/v1/sources/{quote(KJ_SOURCE)}?limit=100", title)
    seen["category_feed"] = await has(f"/feeds/categories/{quote(KJ_CATEGORY)}.atom", title)
    seen["source_feed"] = await has(f"/feeds/sources/{quote(KJ_SOURCE)}.atom", title)
    seen["lookup"] = await has(f"/api/v1/lookup?url={enc}", f'"snapshot_id":{snapshot_id}')
    seen["timemap"] = await has(f"/timemap/json/{url}", url)
    seen["timemap_link"] = await has(f"/timemap/link/{url}", f"/snapshots/{snapshot_id}")
    seen["versions"] = await has(f"/api/v1/urls/{enc}/versions", title)
    if feed_token is not None:
        seen["private_feed"] = await has(f"/feeds/me/{feed_token}.atom", title)
    if subscription_id is not None:
        seen["stream"] = await has(f"/api/v1/me/subscriptions/{subscription_id}", title)
    return seen
