"""The embedded SQLite backend of `Store` (WAL mode, one file in the archive home).

`SqliteStore` is the shared table classes of `store/tables/` over one sqlite3
connection, with FTS5 search (`sqlite_search.py`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kuaizhao.errors import StoreError
from kuaizhao.store.migrations import pending
from kuaizhao.store.sqlite_search import SqliteSearch
from kuaizhao.store.tables import ArchiveTables


class SqliteStore(ArchiveTables):
    """All reads and writes of one archive database. Thread-safe: one lock serialises
    access to the single connection, which keeps every write on one writer."""

    backend = "sqlite"

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.RLock()
        self._search = SqliteSearch(conn)

    @classmethod
    def open(cls, path: Path) -> SqliteStore:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            store = cls(conn, path)
            store._migrate()
            store.fill_url_keys()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the archive database {path}: {exc}; if the file is "
                "damaged, move it aside and run `kuaizhao reindex`"
            ) from exc
        return store

    def _migrate(self) -> None:
        # Under the write lock from the first read: processes opening a new archive at
        # the same moment apply each migration once, the later ones finding it done.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)"
            )
            applied = {r[0] for r in self._conn.execute("SELECT version FROM schema_migrations")}
            for mig in pending("sqlite", applied):
                for statement in statements(mig.sql):
                    self._conn.execute(statement)
                self._conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    (mig.version, mig.name, datetime.now(UTC).isoformat()),
                )
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------ statements

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            return self._conn.execute(sql, params).fetchone()

    def _run(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, params)

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self._lock:
            self._conn.executemany(sql, rows)

    def _is_conflict(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.IntegrityError)

    def serialize_url(self, url: str) -> None:
        """Nothing to do: SQLite runs one write transaction at a time."""


def statements(sql: str) -> list[str]:
    """Split a migration into statements (sqlite3 runs one per execute)."""
    out, buf = [], []
    for line in sql.splitlines(keepends=True):
        buf.append(line)
        chunk = "".join(buf)
        if sqlite3.complete_statement(chunk):
            if chunk.strip():
                out.append(chunk)
            buf = []
    if "".join(buf).strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buf
    ):
        raise StoreError("migration ends with an incomplete statement")
    return out
