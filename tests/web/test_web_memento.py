"""Memento (RFC 7089): TimeGate negotiation, TimeMaps and memento headers.

TimeMaps and Link headers are parsed by independent parsers: the `LinkHeader` package
(RFC 5988) for headers and pywb's Memento parser for link-format TimeMaps.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import link_header
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from pywb.utils.memento import MementoUtils

from kuaizhao.archive import WarcOptions, WarcWriter
from kuaizhao.config import Settings, load_settings
from kuaizhao.models import HttpExchange
from kuaizhao.pipeline.importer import ImportOptions, import_files
from kuaizhao.store import Store, open_store
from kuaizhao.web.app import create_app

URL = "https://news.example.cn/2024/0207/story.html"
T0 = datetime(2024, 2, 1, 8, 0, 0, tzinfo=UTC)
DAYS = (0, 2, 7)  # three versions of one article, captured these days after T0
RFC1123 = re.compile(r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
BASE = "http://testserver"


def _page(n: int) -> bytes:
    paragraphs = "".join(
        f"<p>第{n}版报道：市政府今天召开新闻发布会，介绍春节期间交通安排和天气情况，第{i}段。</p>"
        for i in range(8))
    return (f"<html><head><meta charset='utf-8'><title>春运新闻 第{n}版</title></head>"
            f"<body><article><h1>春运新闻 第{n}版</h1>{paragraphs}</article></body></html>"
            ).encode()


def _exchange(n: int, when: datetime) -> HttpExchange:
    body = _page(n)
    return HttpExchange(method="GET", url=URL, request_headers=(), status=200, reason="OK",
                        http_version="1.1",
                        response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                        raw_body=body, body=body, fetched_at=when)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Store]]:
    root = tmp_path_factory.mktemp("memento")
    with WarcWriter(WarcOptions(directory=root / "crawl", fsync=False)) as writer:
        for n, days in enumerate(DAYS):
            writer.write_exchange(_exchange(n, T0 + timedelta(days=days)))
        name = writer.current_file
    assert name is not None
    settings = load_settings(home=str(root / "home"), environ={}, overrides={"warc_fsync": False})
    store = open_store(settings)
    import_files(store, settings, [], [root / "crawl" / name], ImportOptions())
    assert len(store.snapshots_of_url(URL)) == len(DAYS)
    yield settings, store
    store.close()


@pytest.fixture
async def client(archive: tuple[Settings, Store]) -> AsyncIterator[AsyncClient]:
    app: FastAPI = create_app(archive[1], archive[0])
    async with AsyncClient(transport=ASGITransport(app=app), base_url=BASE,
                           follow_redirects=False) as c:
        yield c


def _ids(store: Store) -> list[int]:
    return [s.id for s in store.snapshots_of_url(URL)]


def _http_date(moment: datetime) -> str:
    return moment.strftime("%a, %d %b %Y %H:%M:%S GMT")


@pytest.mark.parametrize(("asked_days", "expected_index"), [
    (-30, 0), (0, 0), (0.9, 0), (1.1, 1), (2, 1), (4.4, 1), (4.6, 2), (7, 2), (400, 2)])
async def test_timegate_redirects_to_the_nearest_capture(
        client: AsyncClient, archive: tuple[Settings, Store], asked_days: float,
        expected_index: int) -> None:
    asked = T0 + timedelta(days=asked_days)
    response = await client.get(f"/timegate/{URL}",
                                headers={"Accept-Datetime": _http_date(asked)})
    assert response.status_code == 302
    assert response.headers["vary"].lower() == "accept-datetime"
    expected = _ids(archive[1])[expected_index]
    assert response.headers["location"] == f"{BASE}/snapshots/{expected}"
    rels = {link.rel: link.href for link in link_header.parse(response.headers["link"]).links}
    assert rels["original"] == URL
    assert rels["timemap"] == f"{BASE}/timemap/link/{URL}"


async def test_timegate_without_accept_datetime_gives_the_latest(
        client: AsyncClient, archive: tuple[Settings, Store]) -> None:
    response = await client.get(f"/timegate/{URL}")
    assert response.headers["location"].endswith(f"/snapshots/{_ids(archive[1])[-1]}")


async def test_timegate_refuses_bad_dates_and_unknown_urls(client: AsyncClient) -> None:
    bad = await client.get(f"/timegate/{URL}", headers={"Accept-Datetime": "yesterday"})
    assert bad.status_code == 400
    missing = await client.get("/timegate/https://nowhere.example/x")
    assert missing.status_code == 404


async def test_link_format_timemap_follows_rfc_7089(client: AsyncClient,
                                                    archive: tuple[Settings, Store]) -> None:
    response = await client.get(f"/timemap/link/{URL}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/link-format")
    parsed = MementoUtils.parse_links(response.text)
    assert parsed["original"]["url"] == URL
    assert parsed["timegate"]["url"] == f"{BASE}/timegate/{URL}"
    # pywb files the TimeMap's rel="self" link under "timemap".
    assert 'rel="self"' in response.text
    assert parsed["timemap"]["url"] == f"{BASE}/timemap/link/{URL}"
    assert parsed["timemap"]["type"] == "application/link-format"
    mementos = parsed["mementos"]
    assert [m["url"] for m in mementos] == [f"{BASE}/snapshots/{i}" for i in _ids(archive[1])]
    assert mementos[0]["rel"] == "first memento"
    assert mementos[-1]["rel"] == "last memento"
    assert mementos[1]["rel"] == "memento"
    for memento, days in zip(mementos, DAYS, strict=True):
        assert RFC1123.match(memento["datetime"])
        assert parsedate_to_datetime(memento["datetime"]) == T0 + timedelta(days=days)
    assert parsedate_to_datetime(parsed["timemap"]["from"]) == T0
    assert parsedate_to_datetime(parsed["timemap"]["until"]) == T0 + timedelta(days=DAYS[-1])


async def test_json_timemap(client: AsyncClient, archive: tuple[Settings, Store]) -> None:
    data = (await client.get(f"/timemap/json/{URL}")).json()
    assert data["original_uri"] == URL
    assert [m["uri"] for m in data["mementos"]] == [
        f"{BASE}/snapshots/{i}" for i in _ids(archive[1])]
    assert data["first"]["datetime"] == "2024-02-01T08:00:00Z"
    missing = await client.get("/timemap/json/https://nowhere.example/x")
    assert missing.status_code == 404
    assert "error" in missing.json()


@pytest.mark.parametrize("view", ["", "/raw", "/raw/content"])
async def test_every_capture_view_carries_memento_headers(
        client: AsyncClient, archive: tuple[Settings, Store], view: str) -> None:
    first, middle, last = _ids(archive[1])
    response = await client.get(f"/snapshots/{middle}{view}")
    assert response.status_code == 200
    assert parsedate_to_datetime(response.headers["memento-datetime"]) == \
        T0 + timedelta(days=DAYS[1])
    links = link_header.parse(response.headers["link"]).links
    by_rel = {link.rel: link for link in links}
    assert by_rel["original"].href == URL
    assert by_rel["timegate"].href == f"{BASE}/timegate/{URL}"
    assert by_rel["timemap"].href == f"{BASE}/timemap/link/{URL}"
    assert by_rel["first prev memento"].href == f"{BASE}/snapshots/{first}"
    assert by_rel["next last memento"].href == f"{BASE}/snapshots/{last}"
    for link in links:
        values = dict(link.attr_pairs)
        if "memento" in link.rel.split():
            assert RFC1123.match(values["datetime"])


async def test_wayback_urls_redirect_with_memento_links(client: AsyncClient,
                                                        archive: tuple[Settings, Store]) -> None:
    response = await client.get(f"/web/20240203/{URL}")
    assert response.status_code == 302
    assert response.headers["location"] == f"/snapshots/{_ids(archive[1])[1]}"
    rels = {link.rel for link in link_header.parse(response.headers["link"]).links}
    assert {"original", "timegate", "timemap"} <= rels


async def test_head_is_answered_like_get(client: AsyncClient) -> None:
    gate = await client.head(f"/timegate/{URL}")
    assert gate.status_code == 302
    assert gate.headers["vary"].lower() == "accept-datetime"
    timemap = await client.head(f"/timemap/link/{URL}")
    assert timemap.status_code == 200
    assert timemap.headers["content-type"].startswith("application/link-format")
