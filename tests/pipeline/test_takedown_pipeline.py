"""Takedown over a real crawl of the demo web: removal reaches related news, stories and
exports; reindex re-applies it; a removed URL is never fetched again; purge rewrites the
WARC files without the removed records and damages nothing else."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from kuaizhao.archive.naming import list_warc_files
from kuaizhao.archive.reader import read_record_bytes
from kuaizhao.config import Settings
from kuaizhao.demo import DemoWeb
from kuaizhao.errors import Gone
from kuaizhao.models import Snapshot
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.pipeline.exporter import ExportFormat, ExportOptions, export
from kuaizhao.pipeline.purge import purge, verify_listing
from kuaizhao.pipeline.reindex import reindex
from kuaizhao.sources import load_sources
from kuaizhao.store import SqliteStore, open_store
from kuaizhao.store.takedown_rows import ReasonCategory, ScopeKind
from kuaizhao.takedown.scopes import make_scope
from kuaizhao.takedown.service import operator_remove

SettingsFor = Callable[..., Settings]
WARCIO = Path(sys.executable).parent / "warcio"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def crawl(store: SqliteStore, settings: Settings) -> None:
    asyncio.run(Crawler(store, settings, load_sources(settings.sources_path)).run(once=True))


def story_pair(store: SqliteStore) -> tuple[Snapshot, Snapshot]:
    by_story: dict[int, list[Snapshot]] = {}
    for s in store.iter_snapshots():
        if s.story_id is not None:
            by_story.setdefault(s.story_id, []).append(s)
    for members in by_story.values():
        urls = {m.url for m in members}
        if len(urls) >= 2:
            first = members[0]
            other = next(m for m in members if m.url != first.url)
            return first, other
    raise AssertionError("the demo web has no story with two outlets")


def remove_url(store: SqliteStore, url: str) -> None:
    operator_remove(store, make_scope(ScopeKind.URL, url), reason="test removal",
                    category=ReasonCategory.COPYRIGHT, actor="test", now=NOW)


def all_target_uris(directory: Path) -> list[str]:
    out = []
    for path in list_warc_files(directory):
        with path.open("rb") as fh:
            out += [r.rec_headers.get_header("WARC-Target-URI") or "" for r in ArchiveIterator(fh)]
    return out


def test_removal_reaches_stories_related_exports_reindex_and_crawl_then_purge(
        tmp_path: Path, demo: DemoWeb, settings_for: SettingsFor) -> None:
    home = tmp_path / "a"
    settings = settings_for(home)
    store = open_store(settings)
    assert isinstance(store, SqliteStore)
    crawl(store, settings)
    gone, kept = story_pair(store)
    assert store.story(gone.story_id or 0).members
    before = {s.url for s in store.iter_snapshots()}
    remove_url(store, gone.url)

    # stories, related, iteration, export: the removed URL is nowhere
    assert gone.url not in {m.url for m in store.story(kept.story_id or 0).members}
    assert store.story(kept.story_id or 0).original_snapshot_id != gone.id
    assert gone.url not in {s.url for s in store.iter_snapshots()}
    for s in list(store.iter_snapshots())[:20]:
        assert gone.url not in {h.url for h in store.related(s.id)}
    assert all(h.url != gone.url for h in store.search(gone.article.title[:6]).hits)
    with pytest.raises(Gone):
        store.snapshot(gone.id)
    out = tmp_path / "export.jsonl"
    export(store, settings, ExportOptions(ExportFormat.JSONL), out)
    assert gone.url not in out.read_text(encoding="utf-8")
    assert kept.url in out.read_text(encoding="utf-8")
    assert all(c.url != gone.url for c in store.iter_archived_captures())

    # reindex rebuilds everything else and re-applies the removal
    reindex(store, settings, load_sources(settings.sources_path))
    assert {s.url for s in store.iter_snapshots()} == before - {gone.url}
    assert store.url_removed(gone.url)

    # a removed URL is never fetched again
    path = gone.url.split("/", 3)[3]
    fetched = sum(1 for r in demo.access_log if r.path.lstrip("/") == path)
    with store.transaction():
        store.reschedule(gone.url, NOW)
    crawl(store, settings)
    assert sum(1 for r in demo.access_log if r.path.lstrip("/") == path) == fetched

    # purge: the records are gone from the files; everything else reads back, valid
    visible = [(c.url, c.response) for c in store.iter_archived_captures()]
    report = purge(store, settings)
    assert report.dropped >= 2  # at least a request and a response
    assert gone.url not in all_target_uris(settings.warc_path)
    for path_ in list_warc_files(settings.warc_path):
        done = subprocess.run([WARCIO, "check", str(path_)], capture_output=True, text=True,
                              check=False)
        assert done.returncode == 0, done.stdout + done.stderr
    moved = {c.url: c.response for c in store.iter_archived_captures()}
    assert sorted(moved) == sorted({u for u, _ in visible})
    for url, pointer in moved.items():
        assert url.encode() in read_record_bytes(settings.warc_path, pointer)
    listing = json.loads(Path(report.listing).read_text(encoding="utf-8"))
    assert any(d["uri"] == gone.url for f in listing["files"] for d in f["dropped"])
    assert verify_listing(report.files, settings.warc_path) == []
    reindex(store, settings, load_sources(settings.sources_path))
    assert {s.url for s in store.iter_snapshots()} == before - {gone.url}
    store.close()
