"""A reader of the Chinese UI never meets an English sentence: every page, error and edge
page, walked in Chinese, with the archive's own content (English articles, outlet names,
URLs) set aside and a short allow-list of proper names."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from account_client import client as account_client
from account_client import post_form, subscribe
from fastapi import FastAPI
from httpx import AsyncClient
from lxml import html as lxml_html
from takedown_client import make_admin
from web_archive import SEED_URL, Archive

# Three English words in a row make a sentence a reader would have to read.
ENGLISH = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’()/-]+[A-Za-z]{2,}){2,}")
PROPER_NAMES = ("JSON 接口说明 (OpenAPI)",)
# Content the archive holds, not the site's own words: article text and titles, outlet
# and category names, URLs, and whatever declares a language of its own.
CONTENT = ("//script | //style | //title | //*[contains(@class, 'hits')]"
           " | //*[@lang and not(starts-with(@lang, 'zh'))] | //*[contains(@class, 'url')]"
           " | //*[contains(@class, 'snippet')] | //*[contains(@class, 'body')]"
           " | //h1[@id='title'] | //*[contains(@class, 'outlet')] | //a[starts-with(@href, "
           "'/sources/') or starts-with(@href, '/categories/')] | //textarea | //option"
           " | //*[contains(@class, 'diff')] | //iframe | //td | //*[@class='title']")

SEED = quote(SEED_URL, safe="")
PATHS = [
    "/", "/search?q=科技创新", "/search?q=没有这个词语", "/snapshots/{seed}",
    "/snapshots/{english}", "/snapshots/{seed}/raw", "/snapshots/{seed}/diff/{seed_v2}",
    f"/urls/{SEED}/versions", f"/lookup?url={SEED}", "/lookup", "/categories",
    "/categories/国内", "/sources", "/sources/人民资讯", "/changes", "/takedown",
    "/takedown/log", "/login", "/signup",
    # error and edge pages
    "/snapshots/99999", "/snapshots/abc", "/snapshots/１２", "/search?q=科技&page=99",
    "/search?q=category:", "/search?q=-科技", "/search?q=科技&since=2024-13-01",
    "/search?q=科技&sort=best", "/search?q=科技&page=x", "/nowhere", "/categories/不存在",
    "/sources/不存在", "/lookup?url=notaurl", "/lookup?url=https://nothing.example/",
    "/stories/999", "/stories/abc", "/web/2024/https://nothing.example/",
    "/web/20xx/https://a.example/", "/urls/x/versions", "/changes?kind=bad",
    "/snapshots/{seed}/diff/abc",
]


def english_in(page: str) -> list[str]:
    doc = lxml_html.fromstring(page)
    for element in doc.xpath(CONTENT):
        if element.getparent() is not None:
            element.drop_tree()
    text = " ".join(doc.text_content().split())
    for name in PROPER_NAMES:
        text = text.replace(name, "")
    return ENGLISH.findall(text)


@pytest.mark.parametrize("path", PATHS)
async def test_chinese_ui_has_no_english_sentence(client: AsyncClient, archive: Archive,
                                                  path: str) -> None:
    response = await client.get(path.format(**archive.ids), headers={"Cookie": "lang=zh"})
    assert response.status_code < 500, path
    assert response.headers["content-type"].startswith("text/html")
    assert not english_in(response.text), (path, english_in(response.text))


async def test_the_english_ui_keeps_the_detail(client: AsyncClient) -> None:
    response = await client.get("/search?q=category:", headers={"Cookie": "lang=en"})
    assert "category: needs a value after the colon" in response.text


async def test_api_errors_carry_a_stable_code(client: AsyncClient) -> None:
    for path, code in (("/api/v1/snapshots/abc", "snapshot_not_found"),
                       ("/api/v1/search?q=category:", "query_needs_value"),
                       ("/api/v1/nowhere", "page_not_found")):
        body = (await client.get(path)).json()
        assert body["code"] == code, path
        assert body["error"]  # the English message stays for scripts and logs


def test_the_walker_sees_english() -> None:
    """The check itself can fail: an untranslated sentence is caught."""
    page = "<html><body><main><p>there is no page at /x</p></main></body></html>"
    assert english_in(page) == ["there is no page at"]
    assert english_in('<div><p lang="en">An English article body here</p></div>') == []


@pytest.mark.usefixtures("fast_argon2")
async def test_signed_in_pages_in_chinese(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    async with account_client(app) as c:
        await make_admin(c, archive, "lina")
        sub = await subscribe(c, "无锡")
        c.cookies.set("lang", "zh")
        account = (await c.get("/account")).text
        # a feed reader needs the whole address, not a path
        assert 'id="private-feed" href="http://testserver/feeds/me/' in account
        for path in ("/account", "/me/subscriptions", f"/me/subscriptions/{sub}",
                     "/me/subscriptions?unread=1", "/admin/takedown", "/admin/takedown/audit",
                     "/admin/sources", "/me/subscriptions/99999", "/admin/takedown/99999"):
            response = await c.get(path)
            assert response.status_code < 300 or response.status_code == 404, path
            assert not english_in(response.text), (path, english_in(response.text))
        bad = await post_form(c, "/me/subscriptions", "/me/subscriptions",
                              {"kind": "search", "target": "since:2024-99-01"})
        assert bad.status_code == 400
        assert not english_in(bad.text), english_in(bad.text)
