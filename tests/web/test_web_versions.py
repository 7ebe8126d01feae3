"""Versions, diffs, stories and the changed-or-removed listing, over a demo archive crawled
in two editions (one article edited, one removed, one reposted)."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from kuaizhao.config import Settings, load_settings
from kuaizhao.demo import DemoOptions, DemoWeb, Expected
from kuaizhao.models import Article, WarcPointer
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.pipeline.ingest import save
from kuaizhao.sources import load_sources
from kuaizhao.store import SqliteStore, open_store
from kuaizhao.store.base import NewCapture
from kuaizhao.web.app import create_app

FAST = {"min_host_interval": 0.0, "retries": 2, "fetch_timeout": 10.0, "warc_fsync": False,
        "crawl_allow_private": True}
HOSTILE_URL = "https://evil.example.com/edited.html"
HOSTILE_V1 = "第一段没有改动，正文足够长以便形成一个版本。" * 3
HOSTILE_V2 = "<script>window.PWNED=1</script>" + HOSTILE_V1


@dataclass
class TwoEditions:
    store: SqliteStore
    settings: Settings
    expected: Expected


def _crawl(store: SqliteStore, settings: Settings) -> None:
    asyncio.run(Crawler(store, settings, load_sources(settings.sources_path)).run(once=True))


def _hostile_versions(store: SqliteStore) -> None:
    """Two versions of a page whose second body carries markup, written as ingest does."""
    for i, body in enumerate((HOSTILE_V1, HOSTILE_V2)):
        capture = NewCapture(
            url=HOSTILE_URL, source_id=None, captured_at=datetime(2024, 5, 1 + i, tzinfo=UTC),
            status=200, content_type="text/html", response=WarcPointer("none.warc.gz", i, 1),
            request=None, record_id=f"<urn:uuid:hostile-{i}>", payload_digest=f"sha1:H{i}",
            is_revisit=False, etag=None, last_modified=None)
        with store.transaction():
            save(store, capture, Article(title="标题<b>粗</b>", text=body))


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoEditions]:
    home = tmp_path_factory.mktemp("versions-archive")
    demo = DemoWeb(DemoOptions(crawl_delay=0.05, slow_seconds=0.2, retry_after=0))
    with demo.in_thread():
        (home / "sources.toml").write_text(demo.sources_toml(), encoding="utf-8")
        settings = load_settings(home=str(home), environ={}, overrides=FAST)
        store = open_store(settings)
        assert isinstance(store, SqliteStore)
        _crawl(store, settings)
        past = datetime.now(UTC) - timedelta(seconds=1)
        with store.transaction():
            for (url,) in store._all("SELECT url FROM frontier WHERE kind = 'article' "
                                     "AND state = 'pending'"):
                store.reschedule(url, past)
        demo.set_edition(2)
        _crawl(store, settings)
        expected = demo.expected(2)
    _hostile_versions(store)
    yield TwoEditions(store, settings, expected)
    store.close()


@pytest.fixture(scope="module")
def app(editions: TwoEditions) -> FastAPI:
    return create_app(editions.store, editions.settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver",
                           follow_redirects=False) as c:
        yield c


def _one(urls: frozenset[str]) -> str:
    (url,) = urls
    return url


async def test_changed_article_lists_versions_and_diffs(
        client: AsyncClient, editions: TwoEditions) -> None:
    url = _one(editions.expected.changed)
    res = await client.get(f"/api/v1/urls/{quote(url, safe='')}/versions")
    assert res.status_code == 200, res.text
    data = res.json()
    assert data["total"] == 2
    assert data["removal"] is None
    first, second = data["versions"]
    assert "title" in second["changed"]
    assert "body" in second["changed"]
    diff = (await client.get(second["diff_url"])).json()
    assert diff["same_url"]
    assert set(diff["changed"]) >= {"title", "body", "updated_at"}
    assert [b["op"] for b in diff["body"]][-1] == "ins"
    assert diff["body"][-1]["segments"][0]["text"].startswith("更新说明")
    assert all(b["op"] == "same" for b in diff["body"][:-1])
    deleted = "".join(s["text"] for s in diff["title"] if s["op"] == "del")
    inserted = "".join(s["text"] for s in diff["title"] if s["op"] == "ins")
    assert "热辣滚烫" in deleted
    assert "营养科医生" in inserted

    page = (await client.get(f"/snapshots/{second['snapshot_id']}")).text
    assert f"/snapshots/{first['snapshot_id']}/diff/{second['snapshot_id']}" in page
    diff_page = await client.get(f"/snapshots/{first['snapshot_id']}/diff/"
                                 f"{second['snapshot_id']}")
    assert diff_page.status_code == 200
    html = diff_page.text
    # inserted text is coloured by its element and announced by a hidden label
    assert '<ins><span class="visually-hidden">新增：</span>更新说明' in html
    # the unchanged paragraphs before the change fold into one counted disclosure
    unchanged = sum(1 for b in diff["body"] if b["op"] == "same")
    assert f"{unchanged - 1} 段未变" in html
    body = html.split('class="diff-body"')[1].split("</div>")[0]
    assert body.count('class="diff-same"') == unchanged
    # times read like the rest of the site, never raw ISO text
    times = html.split('class="diff-times"')[1].split("</dl>")[0]
    assert "2024-04-24 09:30:00 (UTC+08:00)</ins>" in times
    assert not re.search(r"\d{4}-\d\d-\d\dT\d", times)


async def test_diff_escapes_crawled_markup(client: AsyncClient, editions: TwoEditions) -> None:
    versions = (await client.get(f"/api/v1/urls/{quote(HOSTILE_URL, safe='')}/versions")).json()
    old, new = (v["snapshot_id"] for v in versions["versions"])
    page = (await client.get(f"/snapshots/{old}/diff/{new}")).text
    assert "<script>window.PWNED" not in page
    assert "<b>粗</b>" not in page
    assert html.escape("<script>window.PWNED=1</script>", quote=False) in page


async def test_removed_article_is_flagged_and_listed(
        client: AsyncClient, editions: TwoEditions) -> None:
    url = _one(editions.expected.gone)
    data = (await client.get(f"/api/v1/urls/{quote(url, safe='')}/versions")).json()
    assert data["removal"]["reason"] == "http_410"
    assert data["total"] == 1
    kept = data["versions"][0]["snapshot_id"]
    assert data["removal"]["last_snapshot_id"] == kept
    page = await client.get(f"/snapshots/{kept}")
    assert page.status_code == 200
    assert "removed-note" in page.text
    changes = (await client.get("/api/v1/changes?kind=removed")).json()
    assert [c["url"] for c in changes["changes"]] == [url]
    every = (await client.get("/api/v1/changes")).json()
    assert {c["url"] for c in every["changes"]} >= {url, _one(editions.expected.changed)}
    listing = await client.get("/changes")
    assert listing.status_code == 200
    assert quote(url, safe="") in listing.text
    bad = await client.get("/api/v1/changes?kind=deleted")
    assert bad.status_code == 400
    assert "changed or" in bad.json()["error"]


async def test_repost_links_its_original_and_story(
        client: AsyncClient, editions: TwoEditions) -> None:
    ((copy, original),) = editions.expected.reposts.items()
    store = editions.store
    copy_snap, original_snap = store.latest_version(copy), store.latest_version(original)
    assert copy_snap is not None
    assert original_snap is not None
    page = (await client.get(f"/snapshots/{copy_snap.id}")).text
    assert "本文转自 人民资讯" in page
    assert f'class="story-original" href="/snapshots/{original_snap.id}"' in page
    story = (await client.get(f"/api/v1/stories/{copy_snap.story_id}")).json()
    assert story["original_reason"] == "named_by_repost"
    assert {m["url"]: m["is_original"] for m in story["members"]} == {
        copy: False, original: True}
    assert (await client.get(f"/stories/{copy_snap.story_id}")).status_code == 200
    original_page = (await client.get(f"/snapshots/{original_snap.id}")).text
    assert "已被 1 家来源转载" in original_page


async def test_search_collapses_the_story_into_its_original(
        client: AsyncClient, editions: TwoEditions) -> None:
    ((copy, original),) = editions.expected.reposts.items()
    hits = (await client.get("/api/v1/search", params={"q": "三个效应"})).json()["hits"]
    urls = [h["url"] for h in hits]
    assert original in urls
    assert copy not in urls
    hit = next(h for h in hits if h["url"] == original)
    assert copy in hit["also_reported_by"]
    page = (await client.get("/search", params={"q": "三个效应"},
                             headers={"Cookie": "lang=zh"})).text
    count = page.split('class="count" role="status">')[1].split("</p>")[0]
    # the count says how many reposts the stories hold, so facets counting them agree
    folded = sum(len(h["also_reported_by"]) for h in hits)
    assert count == f"找到 {len(hits)} 条结果（另有 {folded} 篇转载已合并到原文）"


async def test_bad_ids_and_urls_get_clear_errors(client: AsyncClient) -> None:
    assert (await client.get("/api/v1/stories/abc")).status_code == 404
    assert (await client.get("/api/v1/stories/999999")).status_code == 404
    missing = await client.get("/api/v1/urls/" + quote("https://nowhere.example/x", safe="")
                               + "/versions")
    assert missing.status_code == 404
    assert "/lookup" in missing.json()["error"]
    assert (await client.get("/api/v1/urls/ftp%3A%2F%2Fx/versions")).status_code == 400
    assert (await client.get("/snapshots/1/diff/nope")).status_code == 404


async def test_openapi_documents_the_versions_api(client: AsyncClient) -> None:
    spec = (await client.get("/api/v1/openapi.json")).json()
    for path in ("/api/v1/urls/{url}/versions", "/api/v1/snapshots/{snapshot_id}/diff/{other}",
                 "/api/v1/stories/{story_id}", "/api/v1/changes",
                 "/api/v1/snapshots/{snapshot_id}/versions"):
        assert path in spec["paths"], path


def test_hostile_fixture_made_two_versions(editions: TwoEditions, tmp_path: Path) -> None:
    assert len(editions.store.versions_of_url(HOSTILE_URL)) == 2
