"""URL variants in the TimeGate and /lookup (SURT-like key), and the raw memento
`/web/<ts>id_/<url>` Wayback clients ask for."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from account_client import client
from fastapi import FastAPI
from httpx import AsyncClient
from web_archive import SEED_PARAGRAPHS, SEED_TITLE, SEED_URL, Archive, _Builder, _page

from kuaizhao.web.security import RAW_CSP

VARIANTS = [
    SEED_URL.replace("https://", "http://"),
    SEED_URL.replace("https://", "https://www."),
    SEED_URL + "?utm_source=weibo&utm_medium=social&spm=C73544894212.P59511941341.0.0",
    SEED_URL + "?from=timeline&isappinstalled=0",
    SEED_URL.replace("rmzx.example.cn", "RMZX.Example.CN:443") + "#comments",
]


@pytest.mark.parametrize("variant", VARIANTS)
async def test_variants_find_the_capture(client: AsyncClient, archive: Archive,
                                         variant: str) -> None:
    found = (await client.get("/api/v1/lookup", params={"url": variant})).json()
    assert found["total"] == 3
    assert {c["url"] for c in found["captures"]} == {SEED_URL}
    gate = await client.get(f"/timegate/{variant}")
    assert gate.status_code == 302
    assert gate.headers["location"].endswith(f"/snapshots/{archive.ids['seed_v2']}")
    assert f"<{SEED_URL}>; rel=\"original\"" in gate.headers["link"]
    wayback = await client.get(f"/web/20240207/{variant}")
    assert wayback.headers["location"] == f"/snapshots/{archive.ids['seed']}"
    page = await client.get("/lookup", params={"url": variant})
    assert page.status_code == 200
    assert SEED_URL in page.text


async def test_reordered_query_parameters_match(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    url = "https://kjrb.example.cn/show.php?id=77&cat=5"
    b = _Builder(archive.settings, archive.store)
    b.source("科技日报", "https://kjrb.example.cn/")
    b.capture(
        url, "科技日报", datetime(2024, 3, 1, tzinfo=UTC), b"<p>x</p>", None)
    async with client(app) as c:
        found = await c.get("/api/v1/lookup",
                            params={"url": "http://kjrb.example.cn/show.php?cat=5&id=77"})
        assert [x["url"] for x in found.json()["captures"]] == [url]
        other = await c.get("/api/v1/lookup",
                            params={"url": "http://kjrb.example.cn/show.php?cat=5&id=78"})
        assert other.json()["total"] == 0


async def test_an_exact_match_wins_over_variants(site: tuple[FastAPI, Archive]) -> None:
    app, archive = site
    b = _Builder(archive.settings, archive.store)
    b.source("人民资讯", "https://rmzx.example.cn/")
    http_url = SEED_URL.replace("https://", "http://")
    _, http_snapshot, _ = b.capture(http_url, "人民资讯", datetime(2024, 3, 1, tzinfo=UTC),
                                    _page("http 版", ("正文",)), None)
    async with client(app) as c:
        exact = (await c.get("/api/v1/lookup", params={"url": http_url})).json()
        assert [x["url"] for x in exact["captures"]] == [http_url]
        https = (await c.get("/api/v1/lookup", params={"url": SEED_URL})).json()
        assert {x["url"] for x in https["captures"]} == {SEED_URL}
        both = (await c.get("/api/v1/lookup", params={"url": SEED_URL + "?utm_source=x"})).json()
        assert {x["url"] for x in both["captures"]} == {SEED_URL, http_url}
        gate = await c.get(f"/timegate/{SEED_URL}")
        assert gate.headers["location"].endswith(f"/snapshots/{archive.ids['seed_v2']}")
    assert http_snapshot is None


async def test_raw_memento_serves_the_archived_bytes(client: AsyncClient,
                                                     archive: Archive) -> None:
    raw = await client.get(f"/web/20240207154508id_/{SEED_URL}")
    assert raw.status_code == 200
    assert raw.content == _page(SEED_TITLE, SEED_PARAGRAPHS)
    assert raw.headers["content-type"] == "text/html; charset=utf-8"
    assert raw.headers["content-security-policy"] == RAW_CSP
    assert raw.headers["memento-datetime"] == "Wed, 07 Feb 2024 15:45:08 GMT"
    assert "set-cookie" not in raw.headers
    head = await client.head(f"/web/20240207154508id_/{SEED_URL}")
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-length"] == str(len(raw.content))


async def test_raw_memento_redirects_to_the_exact_capture(client: AsyncClient) -> None:
    for asked in ("2024", "20240207160000"):
        variant = SEED_URL.replace("https://", "http://www.")
        response = await client.get(f"/web/{asked}id_/{variant}")
        assert response.status_code == 302
        assert response.headers["location"] == f"/web/20240207154508id_/{SEED_URL}"
        follow = await client.get(response.headers["location"])
        assert follow.status_code == 200
    later = await client.get(f"/web/20240301id_/{SEED_URL}")
    assert later.headers["location"].startswith("/web/20240209020000id_/")
    assert (await client.get(f"/web/2024id_/{SEED_URL}x")).status_code == 404
    assert (await client.get(f"/web/20x4id_/{SEED_URL}")).status_code == 400
