"""Copy an embedded archive (SQLite) into a PostgreSQL database, resumably.

Rows keep their ids, table by table in foreign-key order, one transaction per batch
(PostgreSQL's COPY), each table in key order so that a rerun after a kill continues
after the last key the target holds. The search index is not copied: each snapshot
SQLite has indexed is indexed again by PostgreSQL's own engine. Before writing, the
target must hold nothing but a first part of this archive; at the end every table's
row count, and the number of searchable documents, is compared. The source is read in
one read transaction, so the copy is the archive as it was when the migration began.
WARC files are not touched: capture pointers name them relative to the WARC
directory, which stays where it is.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from kuaizhao.config import Settings
from kuaizhao.errors import MigrationError, StoreError, UsageError
from kuaizhao.pipeline.migrate_plan import (
    SETTLED,
    MigrateOptions,
    MigrateReport,
    Progress,
    TableCount,
    TableShape,
    copy_into,
    copy_order,
    foreign_row,
    source_batch,
    source_row,
    table_shape,
    target_last,
    upsert,
)
from kuaizhao.store import SqliteStore, is_postgres_url
from kuaizhao.store.postgres import PostgresStore

SEARCH = "search index"
_AFTER_EMPTY = "; migrate into an empty database or schema (docs/postgresql.md)"


def archive_database(settings: Settings) -> Path:
    """The SQLite file of the archive `settings` describe (the migration's source)."""
    url: str = settings.values["database_url"]
    if is_postgres_url(url):
        raise UsageError("this archive already uses PostgreSQL (setting database_url); "
                         "migrate copies an embedded SQLite archive into PostgreSQL")
    path = settings.database_path
    if not path.is_file():
        raise UsageError(f"no archive database at {path}; check --home or database_url")
    return path


def migrate(source: Path, target_url: str, options: MigrateOptions | None = None,
            progress: Callable[[Progress], None] | None = None) -> MigrateReport:
    """Copy the SQLite archive database `source` into the PostgreSQL `target_url`."""
    options = options or MigrateOptions()
    if options.batch < 1:
        raise UsageError(f"--batch must be at least 1, got {options.batch}")
    if not is_postgres_url(target_url):
        raise UsageError("the target must be a postgresql:// URL, for example "
                         "postgresql://user@host:5432/kuaizhao")
    if not source.is_file():
        raise UsageError(f"no archive database at {source}; check --home or database_url")
    SqliteStore.open(source).close()  # brings the archive to this version's schema
    target = _open_target(target_url)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True,
                          isolation_level=None)
    try:
        src.execute("BEGIN")
        return _Copy(src, target, options, progress).run()
    finally:
        src.close()
        target.close()


def _open_target(url: str) -> PostgresStore:
    try:
        return PostgresStore.open(url)
    except MigrationError:
        raise
    except StoreError as exc:
        raise StoreError(f"the target database (--to): {exc}") from exc


class _Copy:
    """One migration run: the source connection (in its read transaction) and the target."""

    def __init__(self, src: sqlite3.Connection, target: PostgresStore, options: MigrateOptions,
                 progress: Callable[[Progress], None] | None) -> None:
        self.src = src
        self.target = target
        # The store's own connection: the search engine writes through it, in its
        # transactions, and COPY needs the driver underneath the table primitives.
        self.conn: psycopg.Connection[Any] = target._conn
        self.options = options
        self.progress = progress

    def run(self) -> MigrateReport:
        shapes = self._shapes()
        before = {s.name: self._target_count(s.name) for s in shapes}
        for shape in shapes:
            if shape.name not in SETTLED and before[shape.name]:
                self._refuse_foreign(shape, before[shape.name])
        indexed_before = self._target_count("search_docs")
        if indexed_before > self._source_count("search_docs"):
            raise MigrationError("the target database already holds more searchable "
                                 "documents than this archive" + _AFTER_EMPTY)
        copied = dict.fromkeys(before, 0)
        indexed = 0
        if not self.options.dry_run:
            for shape in shapes:
                copied[shape.name] = (self._settle(shape) if shape.name in SETTLED
                                      else self._copy_table(shape))
            indexed = self._index(indexed_before)
            # Fresh planner statistics, or the first queries plan for empty tables.
            self.conn.execute(f"ANALYZE {', '.join(s.name for s in shapes)}")
        return MigrateReport(
            tables=tuple(TableCount(s.name, self._source_count(s.name),
                                    self._target_count(s.name), copied[s.name])
                         for s in shapes),
            documents=TableCount(SEARCH, self._source_count("search_docs"),
                                 self._target_count("search_docs"), indexed),
            dry_run=self.options.dry_run,
        )

    # ------------------------------------------------------------ reading

    def _shapes(self) -> list[TableShape]:
        source_tables = [r[0] for r in self.src.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        target_tables = [r[0] for r in self.conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'")]
        shapes = []
        for name in copy_order(source_tables, target_tables):
            columns = [(r[1], int(r[5])) for r in self.src.execute(
                f"PRAGMA table_info({name})")]
            types = dict(self.conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                (name,)).fetchall())
            shapes.append(table_shape(name, columns, types))
        return shapes

    def _source_count(self, table: str) -> int:
        return int(self.src.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def _target_count(self, table: str) -> int:
        row = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0

    def _target_last(self, shape: TableShape) -> tuple[Any, ...] | None:
        row = self.conn.execute(target_last(shape)).fetchone()
        return None if row is None else tuple(row)

    def _refuse_foreign(self, shape: TableShape, target_count: int) -> None:
        last = self._target_last(shape)
        if last is None:
            return
        found = self.src.execute(source_row(shape), shape.key_of(last)).fetchone()
        why = foreign_row(shape, last, found, target_count, self._source_count(shape.name))
        if why is not None:
            raise MigrationError(
                f"the target database already holds other data: {why}. It holds another "
                "archive, or this one changed after an interrupted migration (stop crawl "
                "and serve while migrating)" + _AFTER_EMPTY)

    # ------------------------------------------------------------ writing

    def _copy_table(self, shape: TableShape) -> int:
        total = self._source_count(shape.name)
        done = self._target_count(shape.name)
        if done:
            # Again: rows written into the target since the start (a crawler pointed
            # at it too early) would move the resume point past this archive's rows.
            self._refuse_foreign(shape, done)
        last = self._target_last(shape)
        after = None if last is None else shape.key_of(last)
        sequence = self._identity_sequence(shape)
        copied = 0
        while True:
            sql, args = source_batch(shape, after, self.options.batch)
            rows = self.src.execute(sql, args).fetchall()
            if not rows:
                return copied
            try:
                with self.target.transaction(), self.conn.cursor() as cur:
                    with cur.copy(copy_into(shape)) as copy:
                        for row in rows:
                            copy.write_row(row)
                    if sequence:
                        # Past the copied ids, so rows written later get new ones.
                        cur.execute("SELECT setval(%s, %s)",
                                    (sequence, shape.key_of(rows[-1])[0]))
            except psycopg.Error as exc:
                raise MigrationError(
                    f"PostgreSQL refused rows of table {shape.name} after key {after}: "
                    f"{exc}; nothing of this batch was written, fix the cause and run "
                    "migrate again to continue") from exc
            after = shape.key_of(rows[-1])
            copied += len(rows)
            if self.progress:
                self.progress(Progress(shape.name, done + copied, total))

    def _identity_sequence(self, shape: TableShape) -> str | None:
        if shape.key != ("id",):
            return None
        row = self.conn.execute("SELECT pg_get_serial_sequence(%s, 'id')",
                                (shape.name,)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def _settle(self, shape: TableShape) -> int:
        rows = self.src.execute(f"SELECT {', '.join(shape.columns)} FROM {shape.name}").fetchall()
        with self.target.transaction(), self.conn.cursor() as cur:
            cur.executemany(upsert(shape), rows)
        return len(rows)

    def _index(self, done: int) -> int:
        """Index each snapshot SQLite has indexed, in id order after the last one indexed."""
        total = self._source_count("search_docs")
        row = self.conn.execute("SELECT max(snapshot_id) FROM search_docs").fetchone()
        after = int(row[0]) if row and row[0] is not None else 0
        indexed = 0
        while True:
            ids = [int(r[0]) for r in self.src.execute(
                "SELECT snapshot_id FROM search_docs WHERE snapshot_id > ? "
                "ORDER BY snapshot_id LIMIT ?", (after, self.options.batch))]
            if not ids:
                break
            # The snapshots were copied already; their stored keywords are the ones
            # SQLite indexed, cleaned the same way by either engine.
            with self.target.transaction():
                self.target.index_snapshots(ids)
            after = ids[-1]
            indexed += len(ids)
            if self.progress:
                self.progress(Progress(SEARCH, done + indexed, total))
        with self.target.transaction():
            self.target._search.optimize()
        return indexed
