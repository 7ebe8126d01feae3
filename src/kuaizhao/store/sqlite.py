"""The embedded SQLite backend of `Store` (WAL mode, one file in the archive home).

`SqliteStore` is the shared table classes of `store/tables/` over one writing sqlite3
connection and a pool of reading ones (`sqlite_readers.py`), with FTS5 search
(`sqlite_search.py`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kuaizhao.errors import StoreError
from kuaizhao.store.migrations import pending
from kuaizhao.store.sqlite_readers import ReaderPool, WriterLock
from kuaizhao.store.sqlite_search import SqliteSearch
from kuaizhao.store.tables import ArchiveTables


class SqliteStore(ArchiveTables):
    """All reads and writes of one archive database. Thread-safe: every write, and
    every read inside a transaction, goes through the one writing connection under
    `_lock`; any other SELECT runs on a reader connection of its own, in parallel with
    other readers and the writer (WAL), and sees everything committed before it."""

    backend = "sqlite"
    _lock: WriterLock

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = WriterLock()
        self._readers = ReaderPool(path)
        self._search = SqliteSearch(self._connection)

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
            self._readers.close()
            self._conn.close()

    def _connection(self) -> sqlite3.Connection:
        """The search engine's connection: the writer's inside a write (under the lock),
        else this thread's reading snapshot (inside `_reading()`)."""
        if self._lock.held():
            return self._conn
        pinned = self._readers.pinned()
        if pinned is None:
            raise StoreError("search used outside a transaction or a read snapshot; "
                             "call it through the store's methods")
        return pinned

    def _reads_apart(self, sql: str) -> bool:
        """Whether `sql` may run on a reader connection: a plain SELECT outside any
        transaction of this thread (one inside must see its own uncommitted rows)."""
        return not self._lock.held() and sql.lstrip()[:6].upper() == "SELECT"

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

    def _reading(self) -> AbstractContextManager[object]:
        if self._lock.held():
            return nullcontext()
        return self._readers.snapshot()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        if self._reads_apart(sql):
            with self._readers.connection() as conn:
                return conn.execute(sql, params).fetchall()
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self._reads_apart(sql):
            with self._readers.connection() as conn:
                return _first(conn, sql, params)
        with self._lock:
            return _first(self._conn, sql, params)

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


def _first(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> Any:
    # Closing the cursor ends the statement, and with it the read transaction an
    # unfinished SELECT keeps open: a pooled reader must not keep an old snapshot.
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchone()
    finally:
        cursor.close()


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
