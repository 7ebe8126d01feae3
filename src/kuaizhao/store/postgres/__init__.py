"""The PostgreSQL backend of `Store`: the shared tables of `store/tables/` on a server.

Chosen by `database_url = "postgresql://…"`. The same table code as SQLite runs here
(`connection.py` adapts the statements), with a tsvector search engine
(`store/postgres/search.py`) and a frontier claim that several crawl workers, on one
machine or many, can share (`frontier.py`). docs/postgresql.md tells how to run it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import psycopg

from kuaizhao.store.migrations import pending
from kuaizhao.store.postgres.connection import connect, pyformat
from kuaizhao.store.postgres.frontier import SharedFrontier
from kuaizhao.store.postgres.search import PgSearch
from kuaizhao.store.tables import ArchiveTables

# Any fixed number: every process migrating the same database takes this lock first.
_MIGRATION_LOCK = 0x6B7A_6D69


class PostgresStore(SharedFrontier, ArchiveTables):
    """All reads and writes of one archive on PostgreSQL. Thread-safe: one lock
    serialises the connection; processes coordinate through the server."""

    backend = "postgresql"

    def __init__(self, conn: psycopg.Connection[Any], url: str) -> None:
        self._conn = conn
        self.url = url
        self._lock = threading.RLock()
        self._search = PgSearch(conn)

    @classmethod
    def open(cls, url: str) -> PostgresStore:
        store = cls(connect(url), url)
        store._migrate()
        store.fill_url_keys()
        return store

    def _migrate(self) -> None:
        conn = self._conn
        conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATION_LOCK,))
        try:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)"
            )
            applied = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
            for mig in pending("postgresql", applied):
                with conn.transaction():
                    conn.execute(mig.sql.encode())
                    conn.execute("INSERT INTO schema_migrations VALUES (%s, %s, %s)",
                                 (mig.version, mig.name, datetime.now(UTC).isoformat()))
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATION_LOCK,))

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------ statements

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock, self._conn.transaction():
            yield

    def _reading(self) -> AbstractContextManager[object]:
        return self._lock

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self._conn.execute(pyformat(sql), params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            return self._conn.execute(pyformat(sql), params).fetchone()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        with self._lock:
            return self._conn.execute(pyformat(sql), params)

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock, self._conn.cursor() as cur:
            cur.executemany(pyformat(sql), rows)

    def _is_conflict(self, exc: BaseException) -> bool:
        return isinstance(exc, psycopg.errors.UniqueViolation)

    def serialize_url(self, url: str) -> None:
        """Until this transaction ends, another one saving `url` waits here: two workers
        that fetched the same page at once (a redirect and its target) then store one
        version, as SQLite's single writer does, not two."""
        self._run("SELECT pg_advisory_xact_lock(hashtext(?))", (url,))
