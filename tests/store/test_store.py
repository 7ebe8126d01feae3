from __future__ import annotations

import sqlite3
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kuaizhao.errors import MigrationError, NotFound, StoreError
from kuaizhao.models import Article, LinkKind, WarcPointer
from kuaizhao.store import SqliteStore, Store, open_url
from kuaizhao.store.base import FrontierEntry, NewCapture
from kuaizhao.store.migrations import migrations_for
from postgres import postgres_schema

T0 = datetime(2024, 2, 7, 15, 45, 8, tzinfo=UTC)
BODY = "2月5日，无锡市在中航工业雷华电子技术研究所召开在锡大院大所科技创新工作座谈会。" * 4


def capture(url: str, digest: str, n: int, *, revisit: bool = False) -> NewCapture:
    return NewCapture(
        url=url,
        source_id=None,
        captured_at=T0 + timedelta(minutes=n),
        status=200,
        content_type="text/html",
        response=WarcPointer("a.warc.gz", n * 100, 90),
        request=WarcPointer("a.warc.gz", n * 100 + 90, 10),
        record_id=f"urn:uuid:{n}",
        payload_digest=digest,
        is_revisit=revisit,
        etag=f'"e{n}"',
        last_modified=None,
    )


def article(title: str, text: str = BODY) -> Article:
    return Article(
        title=title,
        text=text,
        category="国内",
        language="zh",
        published_at=datetime(2024, 2, 7, 13, 2, tzinfo=UTC),
    )


def test_migrations_apply_once_and_reopen(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    SqliteStore.open(path).close()
    SqliteStore.open(path).close()
    conn = sqlite3.connect(path)
    versions = [r[0] for r in conn.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == list(range(1, len(versions) + 1))
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_both_backends_have_the_same_migrations() -> None:
    def names(backend: str) -> list[tuple[int, str]]:
        return [(m.version, m.name) for m in migrations_for(backend)]

    assert names("sqlite") == names("postgresql")
    assert len(names("sqlite")) >= 8


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    SqliteStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'future', NULL)")
    conn.commit()
    conn.close()
    with pytest.raises(MigrationError, match="newer than this kuaizhao"):
        SqliteStore.open(path)


def test_damaged_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="reindex"):
        SqliteStore.open(path)


def test_frontier_claims_leases_and_release(store: Store) -> None:
    with store.transaction():
        added = store.enqueue(
            [
                FrontierEntry(f"http://a.test/{i}", None, LinkKind.ARTICLE, T0, priority=i)
                for i in range(3)
            ]
        )
        assert store.enqueue([FrontierEntry("http://a.test/0", None, LinkKind.ARTICLE, T0)]) == 0
    assert added == 3
    first = store.claim_due(T0, 2, 60, "host:1")
    assert [i.url for i in first] == ["http://a.test/2", "http://a.test/1"]
    assert [i.url for i in store.claim_due(T0, 5, 60, "host:2")] == ["http://a.test/0"]
    assert store.claim_due(T0 + timedelta(seconds=30), 5, 60, "host:3") == []
    # an expired lease is due again
    assert len(store.claim_due(T0 + timedelta(seconds=61), 5, 60, "host:3")) == 3
    assert set(store.claimants()) == {"host:3"}
    assert store.release_claims("host:3") == 3
    with store.transaction():
        store.finish("http://a.test/0", "ok", None)
    assert len(store.claim_due(T0, 5, 60, "h")) == 2


def test_workers_on_their_own_connections_never_claim_the_same_url(
        store: Store, database_url: str) -> None:
    urls = [f"http://a.test/{i}" for i in range(300)]
    with store.transaction():
        store.enqueue([FrontierEntry(u, None, LinkKind.ARTICLE, T0) for u in urls])
    claimed: list[list[str]] = [[] for _ in range(4)]

    def work(n: int) -> None:
        own = open_url(database_url)  # a worker process has its own connection
        try:
            while batch := (own.claim_due(T0, 7, 60, f"w{n}") if n % 2 else
                            own.claim_urls(urls[n::4] + urls[::-1][:20], T0, 60, f"w{n}")):
                claimed[n] += [item.url for item in batch]
        finally:
            own.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    everything = [url for mine in claimed for url in mine]
    assert sorted(everything) == sorted(urls)  # each exactly once


def test_host_starts_are_spaced_across_connections(store: Store, database_url: str) -> None:
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        own = open_url(database_url)
        try:
            for _ in range(10):
                start = own.reserve_host_start("http://a.test:80", 0.5, 1000.0)
                with lock:
                    starts.append(start)
        finally:
            own.close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(starts) == [1000.0 + 0.5 * n for n in range(30)]
    store.defer_host("http://a.test:80", 2000.0)
    assert store.reserve_host_start("http://a.test:80", 0.5, 1500.0) == 2000.0
    assert store.reserve_host_start("http://b.test:80", 0.5, 1500.0) == 1500.0


def test_snapshots_stories_and_timeline(store: Store) -> None:
    with store.transaction():
        c1 = capture("http://a.test/x", "sha1:A", 1)
        s1 = store.add_snapshot(store.add_capture(c1), c1, article("一"), None, "fp1")
        c2 = capture("http://a.test/x", "sha1:A", 2, revisit=True)
        store.add_capture(c2)
        c3 = capture("http://b.test/y", "sha1:B", 3)
        s3 = store.add_snapshot(
            store.add_capture(c3), c3, article("二"), store.story_of_text("fp1"), "fp1"
        )
    one, three = store.snapshot(s1), store.snapshot(s3)
    assert one.article.title == "一"
    assert one.article.published_at == datetime(2024, 2, 7, 13, 2, tzinfo=UTC)
    assert one.story_id == three.story_id is not None
    assert [m.id for m in store.story_members(one.story_id)] == [s1, s3]
    timeline = store.captures_of_url("http://a.test/x")
    assert [(c.is_revisit, c.snapshot_id) for c in timeline] == [(False, s1), (True, s1)]
    last = store.last_capture("http://a.test/x")
    assert last is not None
    assert last.record_id == "urn:uuid:2"
    assert last.etag == '"e2"'
    stats = store.stats()
    assert (stats.captures, stats.revisits, stats.snapshots) == (3, 1, 2)
    assert store.categories() == [("国内", 2)]
    with pytest.raises(NotFound):
        store.snapshot(999)


def _half_written(store: Store) -> None:
    with store.transaction():
        c = capture("http://a.test/x", "sha1:A", 1)
        store.add_snapshot(store.add_capture(c), c, article("一"), None, None)
        raise RuntimeError("killed half way")


def test_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError):
        _half_written(store)
    assert store.stats().captures == 0
    assert store.search("无锡").total == 0


def test_reset_derived_keeps_sources(store: Store) -> None:
    sid = store.upsert_source("人民资讯", "http://a.test/", "{}")
    with store.transaction():
        c = capture("http://a.test/x", "sha1:A", 1)
        store.add_snapshot(store.add_capture(c), c, article("一"), None, None)
    assert store.search("无锡").total == 1
    store.reset_derived()
    assert store.stats().snapshots == 0
    assert store.search("无锡").total == 0
    assert [s.id for s in store.sources()] == [sid]


def test_unreachable_postgresql_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot connect to the PostgreSQL database"):
        open_url("postgresql://postgres@127.0.0.1:1/kuaizhao")


def test_postgresql_text_compares_bytewise_as_sqlite_does() -> None:
    """Whatever locale the database has, ORDER BY on text gives SQLite's order."""
    with postgres_schema() as url:
        store = open_url(url)
        try:
            loose = store._all(  # type: ignore[attr-defined]
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND data_type = 'text' "
                "AND collation_name IS DISTINCT FROM 'C' AND table_name != 'schema_migrations'")
        finally:
            store.close()
    assert loose == []


def test_median_capture_lag_leaves_backfilled_articles_out(store: Store) -> None:
    """A first crawl that finds a 7-year-old article says nothing about freshness."""
    with store.transaction():
        source = store.upsert_source("快报", None, "{}")
        for n, published in enumerate((T0 - timedelta(minutes=5), T0 - timedelta(minutes=15),
                                       T0 - timedelta(days=2600))):
            c = replace(capture(f"http://a.test/{n}", f"sha1:{n}", n), source_id=source,
                        captured_at=T0)
            store.add_snapshot(store.add_capture(c), c,
                               replace(article(f"第{n}篇"), published_at=published), None, None)
    [stats] = [s for s in store.source_poll_stats(T0) if s.source_id == source]
    assert stats.lag_samples == 2
    assert stats.median_lag_seconds == 600.0  # the median of 5 and 15 minutes
