"""The pure half of `migrate`: table order, keys, the SQL it builds, the report."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kuaizhao.errors import MigrationError
from kuaizhao.pipeline.migrate_plan import (
    NOT_COPIED,
    TABLES,
    MigrateReport,
    TableCount,
    copy_order,
    foreign_row,
    source_batch,
    table_shape,
    target_last,
    upsert,
)
from kuaizhao.store import SqliteStore

FEEDS = table_shape("poll_items", [("feed_url", 1), ("item_url", 2), ("item_time", 0)],
                    {"feed_url": "text", "item_url": "text", "item_time": "text"})


def test_every_table_of_a_new_archive_is_copied_in_foreign_key_order(tmp_path: Path) -> None:
    SqliteStore.open(tmp_path / "k.sqlite3").close()
    conn = sqlite3.connect(tmp_path / "k.sqlite3")
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    order = copy_order(names, [*TABLES, *NOT_COPIED])
    for table in order:
        for ref in conn.execute(f"PRAGMA foreign_key_list({table})"):
            assert order.index(ref[2]) < order.index(table), (table, ref[2])
    conn.close()
    assert order.index("takedown_scopes") > order.index("captures")


def test_unknown_or_missing_tables_stop_the_copy() -> None:
    with pytest.raises(MigrationError, match=r"archive.*unknown: bookmarks; missing: none"):
        copy_order([*TABLES, "bookmarks", "sqlite_sequence", "search_fts_data"], TABLES)
    with pytest.raises(MigrationError, match=r"target.*missing: users"):
        copy_order(TABLES, [t for t in TABLES if t != "users"])


def test_table_shape_checks_columns_and_key() -> None:
    assert FEEDS.key == ("feed_url", "item_url")
    assert FEEDS.key_of(("f", "i", "t")) == ("f", "i")
    with pytest.raises(MigrationError, match="no primary key"):
        table_shape("t", [("a", 0)], {"a": "text"})
    with pytest.raises(MigrationError, match="columns"):
        table_shape("t", [("a", 1)], {"a": "text", "b": "bigint"})
    with pytest.raises(MigrationError, match="unexpected"):
        table_shape("t", [("a; DROP", 1)], {"a; DROP": "text"})


def test_batches_walk_the_key_and_resume_in_sqlite_order() -> None:
    assert source_batch(FEEDS, None, 5) == (
        "SELECT feed_url, item_url, item_time FROM poll_items ORDER BY feed_url, item_url "
        "LIMIT ?", [5])
    sql, args = source_batch(FEEDS, ("f", "i"), 5)
    assert "WHERE (feed_url, item_url) > (?, ?)" in sql
    assert args == ["f", "i", 5]
    # Bytewise, as SQLite orders text, whatever the target database's collation.
    assert 'ORDER BY feed_url COLLATE "C" DESC, item_url COLLATE "C" DESC LIMIT 1' in (
        target_last(FEEDS))
    ids = table_shape("users", [("id", 1), ("name", 0)], {"id": "bigint", "name": "text"})
    assert "ORDER BY id DESC" in target_last(ids)
    assert upsert(ids).endswith("ON CONFLICT (id) DO UPDATE SET name = excluded.name")


def test_foreign_rows_are_named() -> None:
    row = ("f", "i", "t")
    assert foreign_row(FEEDS, row, row, 1, 2) is None
    assert "has 3 rows, this archive 2" in (foreign_row(FEEDS, row, row, 3, 2) or "")
    assert "{'feed_url': 'f', 'item_url': 'i'} is not in" in (
        foreign_row(FEEDS, row, None, 1, 2) or "")
    assert "differs" in (foreign_row(FEEDS, row, ("f", "i", "u"), 1, 2) or "")


def test_report_lines_flag_mismatches() -> None:
    report = MigrateReport(tables=(TableCount("users", 2, 2, 2), TableCount("captures", 9, 8, 8)),
                           documents=TableCount("search index", 5, 5, 5), dry_run=False)
    assert [t.name for t in report.mismatches] == ["captures"]
    lines = report.lines()
    assert lines[0].split() == ["table", "source", "target", "copied"]
    assert lines[2].split() == ["captures", "9", "8", "8", "MISMATCH"]
    dry = MigrateReport(report.tables, report.documents, dry_run=True)
    assert dry.lines()[2].split() == ["captures", "9", "8", "1"]
