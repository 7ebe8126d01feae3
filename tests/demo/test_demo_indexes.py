"""Feeds, sitemaps, robots.txt and the sources file of the demo web, read as a crawler would."""

from __future__ import annotations

import re
import tomllib

import aiohttp
import feedparser
from defusedxml import ElementTree
from protego import Protego

from kuaizhao.demo import DemoWeb

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


async def get(client: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with client.get(url, allow_redirects=False) as response:
        return response.status, await response.read()


async def test_feeds_parse_and_point_at_known_articles(
    demo: DemoWeb, client: aiohttp.ClientSession
) -> None:
    expected = demo.expected()
    known = expected.captured | expected.disallowed | set(expected.redirects)
    broken = []
    for outlet in demo.outlets:
        for feed_url in outlet.feeds:
            status, body = await get(client, feed_url)
            assert status == 200
            parsed = feedparser.parse(body)
            if parsed.bozo:
                broken.append(feed_url)
                continue
            assert parsed.entries, feed_url
            for entry in parsed.entries:
                assert entry.link in known, entry.link
                assert entry.published_parsed is not None
    # exactly one malformed feed, the truncated second feed of the GBK outlet
    assert broken == [demo.outlets[1].feeds[1]]


async def test_gbk_feed_declares_and_uses_gbk(demo: DemoWeb, client: aiohttp.ClientSession) -> None:
    _, body = await get(client, demo.outlets[1].feeds[0])
    assert body.startswith(b'<?xml version="1.0" encoding="gbk"?>')
    assert "江南快报".encode("gbk") in body
    titles = [e.title for e in feedparser.parse(body).entries]
    assert "无锡:放大“三个效应” 打造产业科技创新高地" in titles


async def test_sitemap_index_leads_to_urlset_and_news_sitemap_has_dates(
    demo: DemoWeb, client: aiohttp.ClientSession
) -> None:
    expected = demo.expected()
    for outlet in demo.outlets:
        index_url, news_url = outlet.sitemaps
        _, body = await get(client, index_url)
        index = ElementTree.fromstring(body)
        assert index.tag == SM + "sitemapindex"
        children = [loc.text or "" for loc in index.iter(SM + "loc")]
        assert children
        for child in children:
            status, child_body = await get(client, child)
            assert status == 200
            locs = {loc.text for loc in ElementTree.fromstring(child_body).iter(SM + "loc")}
            assert locs
            assert locs <= expected.captured | expected.too_large
        _, body = await get(client, news_url)
        news = ElementTree.fromstring(body)
        urls = list(news.iter(SM + "url"))
        assert urls
        for url in urls:
            date = url.find(f"{NEWS}news/{NEWS}publication_date")
            assert date is not None
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", date.text or "")


async def test_robots_forbids_the_disallowed_articles_and_sets_crawl_delay(
    demo: DemoWeb, client: aiohttp.ClientSession
) -> None:
    expected = demo.expected()
    assert expected.disallowed
    for outlet in demo.outlets:
        status, body = await get(client, outlet.robots_url)
        assert status == 200
        text = body.decode()
        assert "Disallow: " in text
        assert f"Sitemap: {outlet.sitemaps[0]}" in text
        robots = Protego.parse(text)
        assert robots.crawl_delay("kuaizhao") == demo.options.crawl_delay
        mine = outlet.base_url + "/"
        for url in expected.disallowed:
            if url.startswith(mine):
                assert not robots.can_fetch(url, "kuaizhao"), url
        for url in expected.captured | expected.too_large:
            if url.startswith(mine):
                assert robots.can_fetch(url, "kuaizhao"), url
    # every disallowed article is linked from a listing or a feed the sources file names
    linked = set()
    for outlet in demo.outlets:
        for _, listing in outlet.categories:
            _, body = await get(client, listing)
            linked |= {
                outlet.base_url + p
                for p in re.findall(r'href="(/[^"]+)"', body.decode(outlet.charset))
            }
        for feed_url in outlet.feeds[:1]:
            _, body = await get(client, feed_url)
            linked |= {e.link for e in feedparser.parse(body).entries}
    assert expected.disallowed <= linked


async def test_sources_toml_parses_and_every_url_resolves(
    demo: DemoWeb, client: aiohttp.ClientSession
) -> None:
    sources = tomllib.loads(demo.sources_toml())["source"]
    assert [s["name"] for s in sources] == ["人民资讯", "江南快报", "The Harbour Ledger"]
    article_urls = demo.expected().captured
    for source in sources:
        assert isinstance(source["interval"], int)
        assert source["timezone"] in ("Asia/Shanghai", "UTC")
        urls = [source["homepage"], *source["feeds"], *source["sitemaps"]]
        urls += [listing["url"] for listing in source["listings"]]
        for url in urls:
            status, _ = await get(client, url)
            assert status == 200, url
        mine = [u for u in article_urls if u.startswith(source["homepage"])]
        for listing in source["listings"]:
            pattern = re.compile(listing["link_pattern"])
            assert listing["max_pages"] >= 2
            assert all(pattern.search(u) for u in mine), listing["link_pattern"]
        for rule in source["category_rules"]:
            assert any(re.search(rule["pattern"], u) for u in mine), rule


async def test_listing_has_a_second_page_holding_older_articles(
    demo: DemoWeb, client: aiohttp.ClientSession
) -> None:
    renmin = demo.outlets[0]
    _, first = await get(client, renmin.categories[0][1])
    match = re.search(r'<a class="next" rel="next" href="([^"]+)">下一页</a>', first.decode())
    assert match
    status, second = await get(client, renmin.base_url + match.group(1))
    assert status == 200
    assert "/guonei/2024/02/07/wuxi-sange-xiaoying.html" in second.decode()
    assert "/guonei/2024/02/07/wuxi-sange-xiaoying.html" not in first.decode()
