"""End to end over the demo web on loopback: discover → fetch → archive → extract → index."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from demo_settings import DEMO_OPTIONS, make_settings
from warcio.archiveiterator import ArchiveIterator

from kuaizhao.config import Settings
from kuaizhao.demo import DemoWeb
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.pipeline.reindex import reindex
from kuaizhao.sources import load_sources
from kuaizhao.store import SqliteStore, open_store

SettingsFor = Callable[..., Settings]


def crawl_once(settings: Settings) -> SqliteStore:
    store = open_store(settings)
    assert isinstance(store, SqliteStore)
    asyncio.run(Crawler(store, settings, load_sources(settings.sources_path)).run(once=True))
    return store


def snapshot_urls(store: SqliteStore) -> list[str]:
    return [s.url for s in store.iter_snapshots()]


@dataclass(frozen=True, slots=True)
class Crawled:
    demo: DemoWeb
    store: SqliteStore


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    """One crawl of a demo web of its own, for the tests that only read what it stored
    (its access log is that crawl's alone)."""
    with DemoWeb(DEMO_OPTIONS).in_thread() as demo:
        store = crawl_once(make_settings(tmp_path_factory.mktemp("crawled"), demo))
        yield Crawled(demo, store)
        store.close()


def test_crawl_captures_what_robots_allows_and_nothing_else(crawled: Crawled) -> None:
    demo, store = crawled.demo, crawled.store
    expected = demo.expected()
    urls = snapshot_urls(store)
    assert sorted(set(urls)) == sorted(expected.captured)
    assert len(urls) == len(set(urls)), "a URL was captured twice"
    assert not set(urls) & (expected.disallowed | expected.too_large)
    stats = store.stats()
    assert stats.outcomes.get("robots_disallowed", 0) >= len(expected.disallowed)
    assert stats.outcomes.get("too_large", 0) == len(expected.too_large)
    fetched_paths = {rec.path for rec in demo.access_log}
    for url in expected.disallowed:
        assert url.split("/", 3)[3] not in {p.lstrip("/") for p in fetched_paths}


def test_gbk_pages_read_correctly_and_seed_is_found(crawled: Crawled) -> None:
    store = crawled.store
    snaps = list(store.iter_snapshots())
    gbk = [s for s in snaps if s.source_name == "江南快报"]
    assert gbk, "no GBK outlet pages captured"
    for s in gbk:
        assert "\ufffd" not in s.article.title + s.article.text
        assert any("\u4e00" <= ch <= "\u9fff" for ch in s.article.text)
    page = store.search("科技创新")
    titles = [h.title for h in page.hits]
    assert "无锡:放大“三个效应” 打造产业科技创新高地" in titles
    seed = next(
        s
        for s in snaps
        if s.article.title == "无锡:放大“三个效应” 打造产业科技创新高地"
        and s.source_name == "人民资讯"
    )
    assert seed.article.reposted_from == "人民网-江苏频道"
    assert seed.article.source == "人民资讯"
    assert "座谈会现场。无锡日报供图" in seed.article.captions


def test_repost_joins_the_original_story(crawled: Crawled) -> None:
    by_url = {s.url: s for s in crawled.store.iter_snapshots()}
    reposts = crawled.demo.expected().reposts
    assert reposts
    for copy, original in reposts.items():
        assert by_url[copy].story_id == by_url[original].story_id


def test_second_crawl_is_conditional_and_adds_no_duplicates(
    tmp_path: Path, demo: DemoWeb, settings_for: SettingsFor
) -> None:
    store = crawl_once(settings_for(tmp_path / "a"))
    before = sorted(snapshot_urls(store))
    store.close()
    store = crawl_once(settings_for(tmp_path / "a"))
    assert sorted(snapshot_urls(store)) == before
    assert store.stats().outcomes.get("not_modified", 0) > 0


def test_edition_two_adds_new_articles(
    tmp_path: Path, demo: DemoWeb, settings_for: SettingsFor
) -> None:
    store = crawl_once(settings_for(tmp_path / "a"))
    store.close()
    demo.set_edition(2)
    store = crawl_once(settings_for(tmp_path / "a"))
    urls = set(snapshot_urls(store))
    assert demo.expected(2).new <= urls


def test_warc_files_read_back_with_warcio_and_reindex_rebuilds(
    tmp_path: Path, settings_for: SettingsFor
) -> None:
    home = tmp_path / "a"
    store = crawl_once(settings_for(home))
    responses = 0
    for path in sorted((home / "warc").iterdir()):
        with path.open("rb") as fh:
            for record in ArchiveIterator(fh, check_digests=True):
                if record.rec_type == "response":
                    responses += 1
                    record.content_stream().read()
                    assert record.digest_checker.passed is not False, record.digest_checker.problems
    assert responses >= store.stats().captures - store.stats().revisits
    before = sorted((s.url, s.article.title, s.payload_digest) for s in store.iter_snapshots())
    settings = settings_for(home)
    report = reindex(store, settings, load_sources(settings.sources_path))
    assert report.damaged == []
    after = sorted((s.url, s.article.title, s.payload_digest) for s in store.iter_snapshots())
    assert after == before
    assert store.search("科技创新").total >= 1


def test_extraction_in_worker_processes_stores_the_same_articles(
    tmp_path: Path, demo: DemoWeb, settings_for: SettingsFor
) -> None:
    inline = crawl_once(settings_for(tmp_path / "inline"))
    pooled = crawl_once(settings_for(tmp_path / "pooled", extract_processes=2))

    def articles(store: SqliteStore) -> dict[str, tuple[str, str, tuple[str, ...]]]:
        return {s.url: (s.article.title, s.article.text, s.article.captions)
                for s in store.iter_snapshots()}

    assert articles(pooled) == articles(inline)
    assert len(articles(pooled)) == len(demo.expected().captured)
