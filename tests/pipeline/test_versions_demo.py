"""Versions, removals and stories over two editions of the demo web, and after reindex."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kuaizhao.config import Settings
from kuaizhao.demo import DemoWeb
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.pipeline.reindex import reindex
from kuaizhao.sources import load_sources
from kuaizhao.store import SqliteStore, open_store

SettingsFor = Callable[..., Settings]


def crawl(settings: Settings) -> SqliteStore:
    store = open_store(settings)
    assert isinstance(store, SqliteStore)
    asyncio.run(Crawler(store, settings, load_sources(settings.sources_path)).run(once=True))
    return store


def make_articles_due(store: SqliteStore) -> list[str]:
    """What an hour passing does: the captured articles reach their first re-check."""
    rows = store._all("SELECT url FROM frontier WHERE kind = 'article' AND state = 'pending'")
    past = datetime.now(UTC) - timedelta(seconds=1)
    with store.transaction():
        for (url,) in rows:
            store.reschedule(url, past)
    return [r[0] for r in rows]


def story_view(store: SqliteStore) -> dict[str, tuple[str | None, str | None]]:
    """url -> (story's original URL, reason) for every snapshot."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for snap in store.iter_snapshots():
        assert snap.story_id is not None
        story = store.story(snap.story_id)
        original = (store.snapshot(story.original_snapshot_id).url
                    if story.original_snapshot_id else None)
        out[snap.url] = (original, story.original_reason)
    return out


@pytest.fixture
def two_editions(tmp_path: Path, demo: DemoWeb, settings_for: SettingsFor) -> SqliteStore:
    settings = settings_for(tmp_path / "a")
    store = crawl(settings)
    due = make_articles_due(store)
    assert set(demo.expected(1).captured) <= set(due), "captured articles are not re-checked"
    store.close()
    demo.set_edition(2)
    return crawl(settings)


def test_second_edition_versions_removal_and_stories(
    two_editions: SqliteStore, demo: DemoWeb, tmp_path: Path, settings_for: SettingsFor
) -> None:
    store = two_editions
    expected = demo.expected(2)
    (changed,) = expected.changed
    versions = store.versions_of_url(changed)
    assert [v.number for v in versions] == [1, 2]
    assert {"title", "body"} <= set(versions[1].changed)
    old, new = (store.snapshot(v.snapshot_id).article for v in versions)
    assert old.title != new.title
    assert new.title.startswith("贾玲减重")
    assert new.paragraphs[-1].startswith("更新说明")
    assert old.paragraphs == new.paragraphs[:-1]

    (gone,) = expected.gone
    removal = store.removal(gone)
    assert removal is not None
    assert removal.reason == "http_410"
    (kept,) = store.versions_of_url(gone)
    assert removal.last_snapshot_id == kept.snapshot_id
    assert store.snapshot(kept.snapshot_id).article.text, "the earlier version is intact"
    changes, total = store.changed_urls()
    assert {c.url for c in changes} == {changed, gone}
    assert total == 2
    assert next(c for c in changes if c.url == gone).removal == removal
    # Search filters on what happened at the source.
    assert {h.url for h in store.search("status:changed", limit=50).hits} == {changed}
    assert {h.url for h in store.search("status:removed", limit=50).hits} == {gone}

    # Unchanged articles were re-checked (conditional GET) without a new version.
    unchanged = set(demo.expected(1).captured) - {changed, gone}
    for url in unchanged:
        assert len(store.versions_of_url(url)) == 1, url
    assert store.stats().outcomes.get("not_modified", 0) >= len(unchanged)

    for copy, original in expected.reposts.items():
        snap = store.latest_version(copy)
        assert snap is not None
        assert snap.story_id is not None
        story = store.story(snap.story_id)
        assert story.original_snapshot_id is not None
        assert store.snapshot(story.original_snapshot_id).url == original
        assert story.original_reason == "named_by_repost"
        assert {m.url for m in story.members} == {copy, original}

    # reindex rebuilds the same versions, removal and stories from the WARC files alone.
    before = (sorted((u, [(v.number, v.title, v.changed) for v in store.versions_of_url(u)])
                     for u in {s.url for s in store.iter_snapshots()}),
              store.removal(gone), story_view(store))
    settings = settings_for(tmp_path / "a")
    reindex(store, settings, load_sources(settings.sources_path))
    after = (sorted((u, [(v.number, v.title, v.changed) for v in store.versions_of_url(u)])
                    for u in {s.url for s in store.iter_snapshots()}),
             store.removal(gone), story_view(store))
    assert after[0] == before[0]
    assert after[2] == before[2]
    assert after[1] is not None
    assert before[1] is not None
    assert (after[1].reason, after[1].removed_at) == (before[1].reason, before[1].removed_at)
