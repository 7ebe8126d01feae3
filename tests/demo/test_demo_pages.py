"""Article pages of the demo web: the seed page, GBK bytes, HTTP behaviours, editions."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime

import aiohttp
import pytest

from kuaizhao.demo import DemoOptions, DemoWeb
from kuaizhao.demo.bodies import seed_article
from kuaizhao.demo.catalog import SEED_FILE
from kuaizhao.errors import UsageError

SEED_PATH = "/guonei/2024/02/07/wuxi-sange-xiaoying.html"


async def fetch(
    client: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None
) -> tuple[int, bytes, Mapping[str, str]]:
    """Status, body and headers (case-insensitive, as HTTP header names are)."""
    async with client.get(url, allow_redirects=False, headers=headers) as response:
        return response.status, await response.read(), response.headers.copy()


async def test_seed_article_page_has_the_news_site_layout(
    demo: DemoWeb, client: aiohttp.ClientSession
) -> None:
    status, body, headers = await fetch(client, demo.outlets[0].base_url + SEED_PATH)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    html = body.decode("utf-8")
    assert (
        '<div class="breadcrumb"><a href="/">首页</a> &gt; <a href="/guonei/">国内</a></div>'
        in html
    )
    assert "<h1>无锡:放大“三个效应” 打造产业科技创新高地</h1>" in html
    assert "发布时间:2024-02-07 21:02:00 来源:人民资讯" in html
    assert "本文转自:人民网-江苏频道" in html
    assert re.search(r"<img [^>]*>.*?\n<p class=\"caption\">座谈会现场。无锡日报供图</p>", html)
    seed = seed_article(SEED_FILE)
    assert seed.paragraphs[0].startswith("2月5日,无锡市在中航工业雷华电子技术研究所")
    assert seed.paragraphs[-1].startswith("据悉,新的一年无锡市")
    assert len(seed.paragraphs) == 12
    for paragraph in seed.paragraphs:
        assert f"<p>{paragraph}</p>" in html
    assert "以上内容为资讯信息快照" not in html
    assert 'class="related"' in html
    assert 'class="footer"' in html
    image = re.search(r'<img src="([^"]+)"', html)
    assert image
    status, png, headers = await fetch(client, demo.outlets[0].base_url + image.group(1))
    assert (status, headers["Content-Type"], png[:4]) == (200, "image/png", b"\x89PNG")


async def test_gbk_pages_are_gbk_bytes(demo: DemoWeb, client: aiohttp.ClientSession) -> None:
    base = demo.outlets[1].base_url
    declared = base + "/finance/2005-08/26/content_10001.htm"
    status, body, headers = await fetch(client, declared)
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=gbk"
    assert re.search(rb"<meta charset=[\"']?gbk", body)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "创业环保".encode("gbk") in body

    undeclared = base + "/finance/2016-05/25/content_10002.htm"
    status, body, headers = await fetch(client, undeclared)
    assert headers["Content-Type"] == "text/html"
    assert not re.search(rb"<meta[^>]*charset", body, re.IGNORECASE)
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "人民币中间价创逾五年新低".encode("gbk") in body

    # the repost carries the original's body and says where it came from
    repost = base + "/news/2024-02/08/content_20001.htm"
    _, body, _ = await fetch(client, repost)
    html = body.decode("gbk")
    assert "本文转自:人民资讯" in html
    assert demo.outlets[0].base_url + SEED_PATH in html
    assert demo.expected().reposts[repost] == demo.outlets[0].base_url + SEED_PATH
    for paragraph in seed_article(SEED_FILE).paragraphs:
        assert paragraph in html


async def test_conditional_get_answers_304(demo: DemoWeb, client: aiohttp.ClientSession) -> None:
    url = demo.outlets[2].feeds[0]
    status, _body, headers = await fetch(client, url)
    assert status == 200
    etag, modified = headers["ETag"], headers["Last-Modified"]
    status, body2, headers2 = await fetch(client, url, {"If-None-Match": etag})
    assert (status, body2) == (304, b"")
    assert headers2["ETag"] == etag
    status, _, _ = await fetch(client, url, {"If-Modified-Since": modified})
    assert status == 304
    status, _, _ = await fetch(
        client, url, {"If-None-Match": '"stale"', "If-Modified-Since": modified}
    )
    assert status == 200  # If-None-Match decides when both are sent
    earlier = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    status, _, _ = await fetch(client, url, {"If-Modified-Since": earlier})
    assert status == 200


async def test_edition_two_changes_removes_and_adds(
    demo: DemoWeb, client: aiohttp.ClientSession
) -> None:
    first, second = demo.expected(1), demo.expected(2)
    (changed,) = second.changed
    (gone,) = second.gone
    assert gone in first.captured
    assert gone not in second.captured
    assert second.new
    assert not (second.new & first.captured)
    (new_zh,) = [u for u in second.new if u.startswith(demo.outlets[0].base_url)]

    _, before, before_headers = await fetch(client, changed)
    assert (await fetch(client, new_zh))[0] == 404
    _, rss_before, _ = await fetch(client, demo.outlets[0].feeds[0])

    async with client.post(demo.outlets[2].base_url + "/_demo/edition", data="n=2") as response:
        assert response.status == 200
        assert await response.json() == {"edition": 2}
    assert demo.edition == 2

    status, after, after_headers = await fetch(client, changed)
    assert status == 200
    assert after != before
    assert "营养科医生" in after.decode()
    assert "更新时间:2024-04-24 09:30:00" in after.decode()
    assert after_headers["ETag"] != before_headers["ETag"]
    assert (await fetch(client, changed, {"If-None-Match": before_headers["ETag"]}))[0] == 200
    assert (await fetch(client, gone))[0] == 410
    assert (await fetch(client, new_zh))[0] == 200
    _, rss_after, _ = await fetch(client, demo.outlets[0].feeds[0])
    assert new_zh.encode() in rss_after
    assert new_zh.encode() not in rss_before

    async with client.post(demo.outlets[0].base_url + "/_demo/edition?n=3") as response:
        assert response.status == 400
    with pytest.raises(UsageError):
        demo.set_edition(0)
    demo.set_edition(1)
    assert (await fetch(client, gone))[0] == 200


async def test_redirect_slow_flaky_and_oversized(
    demo: DemoWeb, client: aiohttp.ClientSession
) -> None:
    expected = demo.expected()
    ((old, new),) = expected.redirects.items()
    status, _, headers = await fetch(client, old)
    assert (status, headers["Location"]) == (301, new)
    assert new in expected.captured

    (slow,) = expected.slow
    started = time.monotonic()
    assert (await fetch(client, slow))[0] == 200
    assert time.monotonic() - started >= demo.options.slow_seconds

    (flaky,) = expected.flaky
    status, _, headers = await fetch(client, flaky)
    assert (status, headers["Retry-After"]) == (503, "1")
    assert (await fetch(client, flaky))[0] == 200
    assert (await fetch(client, flaky))[0] == 200

    (big,) = expected.too_large
    async with client.get(big) as response:
        assert response.status == 200
        length = int(response.headers["Content-Length"])
        assert length >= 12 * 1024 * 1024
        assert len(await response.read()) == length

    outlets = {record.outlet for record in demo.access_log}
    assert outlets == {"江南快报", "The Harbour Ledger"}
    flaky_path = flaky.removeprefix(demo.outlets[1].base_url)
    statuses = [r.status for r in demo.access_log if r.path == flaky_path]
    assert statuses == [503, 200, 200]
    times = [r.time for r in demo.access_log]
    assert times == sorted(times)


async def test_two_servers_serve_identical_bytes(client: aiohttp.ClientSession) -> None:
    options = DemoOptions(slow_seconds=0, oversize_bytes=64 * 1024)
    pages: list[dict[str, bytes]] = []
    for _ in range(2):
        async with DemoWeb(options) as web:
            expected = web.expected()
            urls = (
                set(expected.captured - expected.flaky) | expected.disallowed | expected.too_large
            )
            for outlet in web.outlets:
                urls |= {outlet.homepage, outlet.robots_url, *outlet.feeds, *outlet.sitemaps}
                urls |= {listing for _, listing in outlet.categories}
            seen = {}
            for url in sorted(urls):
                _, body, _ = await fetch(client, url)
                for i, outlet in enumerate(web.outlets):
                    url = url.replace(outlet.base_url, f"<outlet{i}>")
                    body = body.replace(outlet.base_url.encode(), f"<outlet{i}>".encode())
                seen[url] = body
            pages.append(seen)
    assert len(pages[0]) > 30
    assert pages[0] == pages[1]


def test_in_thread_serves_sync_clients() -> None:
    web = DemoWeb(DemoOptions(edition=2))
    with web.in_thread():
        with urllib.request.urlopen(web.outlets[0].homepage) as response:
            assert response.status == 200
            assert "人民资讯" in response.read().decode()
        assert web.edition == 2
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(web.outlets[0].homepage, timeout=2)


def test_options_are_checked() -> None:
    with pytest.raises(UsageError, match="3 ports"):
        DemoOptions(ports=(0, 0))
    with pytest.raises(UsageError, match="edition"):
        DemoOptions(edition=3)
    with pytest.raises(UsageError, match="not running"):
        DemoWeb().sources_toml()
