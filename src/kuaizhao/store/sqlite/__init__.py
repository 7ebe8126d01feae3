"""The embedded SQLite backend of `Store` (WAL mode, one file in the archive home).

`SqliteStore` is composed of one class per group of tables, each in its own module;
they share the connection and lock of `connection.SqliteBase`.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from kuaizhao.errors import StoreError
from kuaizhao.store.migrations import pending
from kuaizhao.store.sqlite.accounts import AccountTables
from kuaizhao.store.sqlite.captures import CaptureTables
from kuaizhao.store.sqlite.connection import statements
from kuaizhao.store.sqlite.frontier import FrontierTables
from kuaizhao.store.sqlite.imports import ImportTables
from kuaizhao.store.sqlite.polling import PollingTables
from kuaizhao.store.sqlite.subscriptions import SubscriptionTables
from kuaizhao.store.sqlite.takedowns import TakedownTables
from kuaizhao.store.sqlite.versions import VersionTables
from kuaizhao.store.sqlite_search import SqliteSearch


class SqliteStore(TakedownTables, FrontierTables, CaptureTables, ImportTables, AccountTables,
                  SubscriptionTables, VersionTables, PollingTables):
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
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the archive database {path}: {exc}; if the file is "
                "damaged, move it aside and run `kuaizhao reindex`"
            ) from exc
        return store

    def _migrate(self) -> None:
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)"
        )
        applied = {r[0] for r in self._conn.execute("SELECT version FROM schema_migrations")}
        for mig in pending("sqlite", applied):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in statements(mig.sql):
                    self._conn.execute(statement)
                self._conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, datetime('now'))",
                    (mig.version, mig.name),
                )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # ------------------------------------------------------------ maintenance

    def reset_derived(self) -> None:
        """Forget everything `reindex` rebuilds from the WARC files (sources stay)."""
        with self.transaction():
            self._search.clear()
            for table in ("snapshots", "stories", "captures", "fetches", "frontier"):
                self._run(f"DELETE FROM {table}")
