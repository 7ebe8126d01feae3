"""Every page renders over a real archive, with the seed article's elements."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

import pytest
from httpx import AsyncClient
from warcio.archiveiterator import ArchiveIterator
from web_archive import (
    HOSTILE_URL,
    ORIGINAL_URL,
    SEED_CAPTION,
    SEED_TITLE,
    SEED_URL,
    Archive,
)

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


def text_of(html: str) -> str:
    """The visible text, roughly: tags dropped, so phrases split by markup still match."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_home_lists_latest_categories_sources_and_stats(client: AsyncClient) -> None:
    r = await client.get("/", headers=ZH)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert SEED_TITLE in html
    assert 'href="/categories/%E5%9B%BD%E5%86%85"' in html  # 国内
    assert "人民资讯" in html
    assert "存档统计" in html
    assert 'role="search"' in html
    assert 'action="/search"' in html
    assert '<main id="main"' in html
    assert "<nav" in html
    assert "<footer" in html


async def test_snapshot_page_shows_every_element_of_the_seed(client: AsyncClient,
                                                       archive: Archive) -> None:
    sid = archive.ids["seed"]
    r = await client.get(f"/snapshots/{sid}", headers=ZH)
    assert r.status_code == 200
    html = r.text
    text = text_of(html)
    assert f'<h1 id="title">{SEED_TITLE}</h1>' in html
    assert 'href="/categories/%E5%9B%BD%E5%86%85">国内</a>' in html
    assert "2024-02-07 21:02:00 (UTC+08:00)" in text  # publication time with its zone
    assert 'datetime="2024-02-07T21:02:00+08:00"' in html
    assert "来源 人民资讯" in text
    assert "本文转自 人民网-江苏频道" in text
    assert f'href="/snapshots/{archive.ids["original"]}"' in html  # the original's snapshot
    assert "朱冬娅" in text
    assert "王晓" in text
    assert "<figcaption>" + SEED_CAPTION + "</figcaption>" in html
    assert "无锡市区风光。资料图" in text  # a caption without an image, listed apart
    body = re.split(r'<div class="body"[^>]*>', html)[1].split('<footer class="provenance"')[0]
    paragraphs = re.findall(r"<p>(.*?)</p>", body)
    assert SEED_CAPTION not in paragraphs  # captions are not body text
    assert "本站未对信息做任何修改" in text
    assert "快照生成时间 2024-02-07 23:45:08 (UTC+08:00)" in text
    assert "2小时43分钟" in text  # publication → capture lag
    assert (f'<a href="{SEED_URL}" rel="noopener noreferrer nofollow">{SEED_URL}</a>'
            in html)
    assert f'href="/lookup?url={quote(SEED_URL, safe="")}"' in html
    assert f'href="/snapshots/{sid}/raw"' in html
    assert f'href="/snapshots/{sid}/warc"' in html
    assert f'href="/takedown?snapshot={sid}"' in html
    assert "相关资讯" in text
    assert "更多关于国内的资讯" in text


async def test_snapshot_page_in_english(client: AsyncClient, archive: Archive) -> None:
    r = await client.get(f"/snapshots/{archive.ids['seed']}", headers=EN)
    text = text_of(r.text)
    assert '<html lang="en">' in r.text
    assert "Published 7 Feb 2024, 21:02:00 (UTC+08:00)" in text
    assert "Reposted from 人民网-江苏频道" in text
    assert "2 h 43 min" in text
    assert "has not modified it in any way" in text
    assert "More in 国内" in text


async def test_search_terms_that_led_here_are_highlighted(client: AsyncClient,
                                                     archive: Archive) -> None:
    r = await client.get(f"/snapshots/{archive.ids['seed']}?q=科技创新 -无关 source:x")
    assert "<mark>科技创新</mark>" in r.text
    assert "<mark>无关</mark>" not in r.text


async def test_related_news_has_snippets_and_dates(client: AsyncClient, archive: Archive) -> None:
    r = await client.get(f"/snapshots/{archive.ids['seed']}", headers=ZH)
    related = r.text.split('id="related-h"')[1].split("</section>")[0]
    assert 'class="snippet"' in related
    assert "<time datetime=" in related


async def test_raw_page_frames_the_capture_in_a_sandbox(client: AsyncClient,
                                                  archive: Archive) -> None:
    sid = archive.ids["hostile"]
    page = await client.get(f"/snapshots/{sid}/raw")
    assert page.status_code == 200
    assert f'<iframe class="raw-frame" sandbox="" referrerpolicy="no-referrer" ' \
           f'src="/snapshots/{sid}/raw/content"' in page.text
    content = await client.get(f"/snapshots/{sid}/raw/content")
    assert content.status_code == 200
    assert content.content.startswith(b"<!doctype html><html><head><meta charset='utf-8'>")
    csp = content.headers["content-security-policy"]
    assert "default-src 'none'" in csp
    assert csp.endswith("sandbox")
    assert "script-src" not in csp
    assert content.headers["x-content-type-options"] == "nosniff"
    assert content.headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in csp


async def test_warc_download_is_the_record_as_stored(client: AsyncClient, archive: Archive) -> None:
    sid = archive.ids["seed"]
    r = await client.get(f"/snapshots/{sid}/warc")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/warc"
    assert "attachment" in r.headers["content-disposition"]
    seen = []
    for record in ArchiveIterator(io.BytesIO(r.content)):
        seen.append(record.rec_type)
        assert record.rec_headers.get_header("WARC-Target-URI") == SEED_URL
        assert SEED_TITLE.encode() in record.content_stream().read()
    assert seen == ["response"]


async def test_lookup_shows_the_timeline_with_change_markers(client: AsyncClient,
                                                       archive: Archive) -> None:
    r = await client.get("/lookup", params={"url": SEED_URL}, headers=ZH)
    assert r.status_code == 200
    items = re.findall(r'<li class="(first|same|changed)">', r.text)
    assert items == ["first", "same", "changed"]
    assert f'href="/web/20240207154508/{SEED_URL}"' in r.text
    assert "内容有变化" in r.text
    empty = await client.get("/lookup", params={"url": "https://nowhere.example/x"}, headers=ZH)
    assert empty.status_code == 200
    assert "存档中没有这个网址的快照" in empty.text
    form = await client.get("/lookup")
    assert form.status_code == 200
    assert 'name="url"' in form.text


@pytest.mark.parametrize(("stamp", "expected"), [
    ("20240207154508", "seed"),   # exactly the first capture
    ("2024", "seed"),             # 2024-01-01: nearest is the first capture
    ("20240208", "seed"),         # nearest is the revisit, whose content is the first version
    ("20250101000000", "seed_v2"),
])
async def test_wayback_urls_redirect_to_the_closest_capture(client: AsyncClient, archive: Archive,
                                                      stamp: str, expected: str) -> None:
    r = await client.get(f"/web/{stamp}/{SEED_URL}")
    assert r.status_code == 302
    assert r.headers["location"] == f"/snapshots/{archive.ids[expected]}"


async def test_wayback_errors(client: AsyncClient) -> None:
    assert (await client.get(f"/web/2024x/{SEED_URL}")).status_code == 400
    assert (await client.get(f"/web/20241399/{SEED_URL}")).status_code == 400
    assert (await client.get("/web/2024/javascript:alert(1)")).status_code == 400
    assert (await client.get("/web/2024/https://nowhere.example/")).status_code == 404


async def test_search_page_with_counts_facets_and_pages(client: AsyncClient) -> None:
    r = await client.get("/search", params={"q": "科技创新"}, headers=ZH)
    assert r.status_code == 200
    assert re.search(r"找到 \d+ 条结果", r.text)
    assert "<mark>科技创新</mark>" in r.text
    assert 'id="filters-h"' in r.text
    assert "?q=%E7%A7%91" in r.text
    assert 'rel="next"' in r.text
    page2 = await client.get("/search", params={"q": "科技创新", "page": "2"}, headers=ZH)
    assert page2.status_code == 200
    assert "第 2 页" in page2.text
    narrowed = await client.get("/search", params={"q": "科技创新", "category": "国内"}, headers=ZH)
    assert SEED_TITLE in narrowed.text
    assert "科技创新报道第" not in narrowed.text
    assert (await client.get("/search")).status_code == 200


async def test_search_from_home_reaches_the_seed(client: AsyncClient, archive: Archive) -> None:
    home = await client.get("/")
    assert 'name="q"' in home.text
    results = await client.get("/search?q=三个效应")
    # Search shows one hit per URL (its newest version); either version is the seed page.
    assert (f'href="/snapshots/{archive.ids["seed"]}"' in results.text
            or f'href="/snapshots/{archive.ids["seed_v2"]}"' in results.text)


async def test_category_and_source_pages_paginate_newest_first(client: AsyncClient) -> None:
    r = await client.get("/categories/科技", headers=ZH)
    assert r.status_code == 200
    titles = re.findall(r"科技创新报道第(\d+)篇", r.text)
    assert titles[:2] == ["24", "23"]
    assert len(titles) == 20
    assert 'rel="next"' in r.text
    last = await client.get("/categories/科技?page=2", headers=ZH)
    assert re.findall(r"科技创新报道第(\d+)篇", last.text) == ["4", "3", "2", "1", "0"]
    src = await client.get(f"/sources/{quote('人民资讯')}", headers=ZH)
    assert src.status_code == 200
    assert SEED_TITLE in src.text
    assert (await client.get("/categories")).status_code == 200
    assert (await client.get("/sources")).status_code == 200
    assert (await client.get("/categories/没有这个类别")).status_code == 404
    assert (await client.get("/sources/nobody")).status_code == 404


async def test_takedown_page_explains_how_to_ask(client: AsyncClient, archive: Archive) -> None:
    sid = archive.ids["seed"]
    r = await client.get(f"/takedown?snapshot={sid}", headers=ZH)
    assert r.status_code == 200
    assert "删除请求" in r.text
    assert SEED_URL in r.text
    assert "善意" in r.text
    assert (await client.get("/takedown?snapshot=abc")).status_code == 200


async def test_repost_links_back_only_when_the_original_is_archived(client: AsyncClient,
                                                              archive: Archive) -> None:
    original = await client.get(f"/snapshots/{archive.ids['original']}")
    assert "本文转自" not in original.text
    assert "Reposted from" not in original.text
    assert ORIGINAL_URL in original.text
    hostile = await client.get(f"/snapshots/{archive.ids['hostile']}")
    assert 'class="original-snapshot"' not in hostile.text
    assert HOSTILE_URL in hostile.text
