"""`migrate`: an embedded archive copied into PostgreSQL answers exactly as before.

Against the real PostgreSQL server: every table compared row for row (same ids, same
values), every search, listing and related-news answer compared, a kill at several
points resumed to the same result, and a database holding something else refused.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from migrate_archive import populated_archive

from kuaizhao.errors import MigrationError, StoreError, UsageError
from kuaizhao.pipeline.migrate import SEARCH, migrate
from kuaizhao.pipeline.migrate_plan import TABLES, MigrateOptions, Progress
from kuaizhao.store import Store, open_url
from postgres import postgres_schema

BATCH = 4  # small, so every table of the test archive is copied in several batches
# Chinese of 1-4 characters, English (stemmed), phrases, exclusions, OR and filters.
QUERIES = (
    "科技创新", "无锡", "技", "创新高地", "防汛", "长江 防汛", '"全面部署"', "科技 -无锡",
    "Wuxi", "river levels", "flooding", "flood OR 防汛", "科技创新 category:科技",
    "科技创新 source:人民资讯", "防汛 since:2024-03-01", "科技 until:2024-01-10",
    "防汛 status:changed", "status:removed", "新质生产力", "script", "不存在的词",
)
# Queries whose hits may come in another order on PostgreSQL: none since both engines
# rank with FTS5's bm25 (store/postgres/search_rank.py). Kept for a future difference.
RANKED_APART: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("archive")
    populated_archive(home).store.close()
    return home / "kuaizhao.sqlite3"


@pytest.fixture
def target() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


def sqlite_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        out = {}
        for table in (*TABLES, "search_docs"):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            out[table] = sorted(conn.execute(f"SELECT {', '.join(columns)} FROM {table}"),
                                key=repr)
    conn.close()
    return out


def postgres_tables(url: str, like: dict[str, list[tuple[Any, ...]]],
                    source: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(source) as lite:
        names = {t: [r[1] for r in lite.execute(f"PRAGMA table_info({t})")] for t in like}
    lite.close()
    with psycopg.connect(url) as conn:
        return {t: sorted((tuple(r) for r in conn.execute(
            f"SELECT {', '.join(names[t])} FROM {t}")), key=repr) for t in like}


def assert_same_tables(source: Path, url: str) -> None:
    expected = sqlite_tables(source)
    copied = postgres_tables(url, expected, source)
    for table in expected:
        assert copied[table] == expected[table], table
        assert expected[table], f"the test archive has no {table} rows: it tests nothing"


def answers(store: Store) -> list[Any]:
    """Every question the site asks of the search engine, scores left out (bm25 and
    ts_rank differ in scale; the order they give must not)."""
    out: list[Any] = []

    def page(p: Any) -> Any:
        return (p.total, p.total_is_estimate, [
            (h.snapshot_id, h.url, h.title, h.published_at, h.captured_at, h.source,
             h.category, h.snippet, h.also_reported_by) for h in p.hits])

    for query in QUERIES:
        for sort in ("relevance", "newest"):
            for offset in (0, 3):
                out.append((query, sort, offset,
                            page(store.search(query, sort=sort, offset=offset, limit=3))))
    for category in (None, "科技", "国内"):
        out.append(page(store.latest(category=category, limit=50)))
    out.append(store.categories())
    for hit in store.latest(limit=100).hits:
        out.append([(h.snapshot_id, h.snippet, h.also_reported_by)
                    for h in store.related(hit.snapshot_id)])
    return out


def assert_same_answers(source: Path, url: str) -> None:
    lite, pg = open_url(f"sqlite:///{source}"), open_url(url)
    try:
        expected, got = answers(lite), answers(pg)
        found = {a[0] for a in expected[:len(QUERIES) * 4] if a[3][2]}
        assert len(found) >= len(QUERIES) - 3, "the queries find too little to compare"
        for want, have in zip(expected, got, strict=True):
            if isinstance(want, tuple) and want[:2] in RANKED_APART:
                want, have = _unordered(want), _unordered(have)
            assert have == want
    finally:
        lite.close()
        pg.close()


def _unordered(answer: Any) -> Any:
    query, sort, offset, (total, estimate, hits) = answer
    return query, sort, offset, (total, estimate, sorted(hits, key=repr))


def test_every_table_and_every_search_answer_is_the_same(source: Path, target: str) -> None:
    seen: list[Progress] = []
    report = migrate(source, target, MigrateOptions(batch=BATCH), seen.append)
    assert report.mismatches == []
    assert {t.name for t in report.tables} == set(TABLES)
    assert all(t.copied == t.source > 0 for t in report.tables)
    assert report.documents.copied == report.documents.source > 20
    assert [p.table for p in seen][-1] == SEARCH
    assert max(p.done - q.done for p, q in zip(seen[1:], seen, strict=False)
               if p.table == q.table) == BATCH
    assert_same_tables(source, target)
    assert_same_answers(source, target)


def test_new_rows_get_ids_after_the_copied_ones(source: Path, target: str) -> None:
    migrate(source, target, MigrateOptions(batch=BATCH))
    with psycopg.connect(target) as conn:
        identities = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'id' "
            "AND is_identity = 'YES' AND table_schema = current_schema()")]
        assert len(identities) > 10
        for table in identities:
            top = conn.execute(f"SELECT max(id) FROM {table}").fetchone()
            following = conn.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))",
                                     (table,)).fetchone()
            assert top is not None
            assert following is not None
            assert following[0] == top[0] + 1, table
    store = open_url(target)
    try:
        with store.transaction():
            new_id = store.upsert_source("新来源", None, "{}")
        assert new_id == max(s.id for s in store.sources())
    finally:
        store.close()


class Killed(Exception):
    pass


def kill_at(when: Callable[[int, Progress], bool]) -> Callable[[Progress], None]:
    calls = 0

    def progress(step: Progress) -> None:
        nonlocal calls
        calls += 1
        if when(calls, step):
            raise Killed

    return progress


@pytest.mark.parametrize("where", ["first batch", "batch 30", "batch 70", "search index"])
def test_a_killed_migration_continues_where_it_stopped(source: Path, target: str,
                                                       where: str) -> None:
    if where == "search index":
        progress = kill_at(lambda _, step: step.table == SEARCH)
    else:
        stop = 1 if where == "first batch" else int(where.split()[1])
        progress = kill_at(lambda calls, _: calls == stop)
    with pytest.raises(Killed):
        migrate(source, target, MigrateOptions(batch=BATCH), progress)
    half = migrate(source, target, MigrateOptions(dry_run=True))
    assert half.mismatches, "the kill left nothing to do"
    report = migrate(source, target, MigrateOptions(batch=BATCH))
    assert report.mismatches == []
    for before, after in zip(half.tables, report.tables, strict=True):
        if before.name != "subscription_version":  # rewritten whole on every run
            assert after.copied == before.source - before.target, before.name
    assert report.documents.copied == half.documents.source - half.documents.target
    assert_same_tables(source, target)
    if where == "search index":
        assert_same_answers(source, target)


def test_a_second_run_copies_nothing(source: Path, target: str) -> None:
    migrate(source, target)
    again = migrate(source, target)
    assert again.mismatches == []
    assert all(t.copied == 0 for t in again.tables if t.name != "subscription_version")
    assert again.documents.copied == 0
    assert_same_tables(source, target)


def test_dry_run_copies_nothing(source: Path, target: str) -> None:
    report = migrate(source, target, MigrateOptions(dry_run=True))
    assert report.dry_run
    assert all(t.target == 0 and t.source > 0 for t in report.tables
               if t.name != "subscription_version")
    assert "to copy" in report.lines()[0]


def test_refuses_a_database_holding_another_archive(source: Path, target: str,
                                                    tmp_path: Path) -> None:
    other = tmp_path / "other"
    populated_archive(other).store.close()
    store = open_url(target)
    try:
        with store.transaction():
            store.upsert_source("别的档案", "https://other.example/", "{}")
    finally:
        store.close()
    with pytest.raises(MigrationError, match=r"already holds other data: its sources row "
                       r"\{'id': 1\} differs from this archive's.*empty database"):
        migrate(source, target)
    # Another archive with the same shape differs at least in its WARC record ids.
    with postgres_schema() as second:
        migrate(other / "kuaizhao.sqlite3", second)
        with pytest.raises(MigrationError, match="already holds other data"):
            migrate(source, second)


def test_refuses_to_resume_after_the_archive_changed(source: Path, target: str,
                                                     tmp_path: Path) -> None:
    copy = tmp_path / "k.sqlite3"
    shutil.copy(source, copy)
    with pytest.raises(Killed):
        migrate(copy, target, MigrateOptions(batch=BATCH),
                kill_at(lambda _, step: step.table == "captures"))
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE sources SET homepage = 'https://moved.example/' WHERE id = "
                     "(SELECT max(id) FROM sources)")
    conn.close()
    with pytest.raises(MigrationError, match="changed after an interrupted migration"):
        migrate(copy, target)


def test_refuses_rows_written_into_the_target_while_it_copies(source: Path,
                                                              target: str) -> None:
    """A crawler pointed at the target too early: its rows are caught before the table
    they are in is copied (a resume point past them would skip the archive's)."""
    def intruder(step: Progress) -> None:
        if step.table == "sources" and step.done == step.total:
            with psycopg.connect(target, autocommit=True) as conn:
                conn.execute("INSERT INTO instance_secrets VALUES ('zzz', 'intruder')")

    with pytest.raises(MigrationError, match=r"instance_secrets row \{'name': 'zzz'\}"):
        migrate(source, target, MigrateOptions(batch=BATCH), intruder)


def test_bad_targets_and_sources_are_named(source: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="postgresql:// URL"):
        migrate(source, f"sqlite:///{tmp_path}/x.sqlite3")
    with pytest.raises(StoreError, match=r"target database \(--to\).*cannot connect"):
        migrate(source, "postgresql://postgres@127.0.0.1:1/kuaizhao")
    with pytest.raises(UsageError, match="no archive database at"):
        migrate(tmp_path / "missing.sqlite3", "postgresql://postgres@127.0.0.1/x")
    with pytest.raises(UsageError, match="--batch"):
        migrate(source, "postgresql://postgres@127.0.0.1/x", MigrateOptions(batch=0))
