"""Readers beside the one writer of a SQLite archive (WAL mode), as datasette has them.

In WAL mode a reader never waits for the writer and sees every transaction committed
before its own read began. So `SqliteStore` keeps its one writing connection under a
lock and lends each reading thread a connection of its own from a `ReaderPool`: the
site serves many readers at once while a crawl writes. Reader connections are
`query_only`, so a write sent to one by mistake fails loudly instead of racing the
writer.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

# Idle reader connections kept open for the next read; more are opened while more
# threads read at once (the site's thread pool has 40) and closed when given back.
IDLE_READERS = 16


class WriterLock:
    """The lock around the writing connection; it knows whether this thread holds it,
    because reads made while it is held (inside a transaction) must go to the writer
    to see the transaction's own uncommitted rows."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._local = threading.local()

    def __enter__(self) -> bool:
        self._lock.acquire()
        self._local.depth = getattr(self._local, "depth", 0) + 1
        return True

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._local.depth -= 1
        self._lock.release()

    def held(self) -> bool:
        return bool(getattr(self._local, "depth", 0))


class ReaderPool:
    """Read-only connections to the database file at `path`, one per reading thread at
    a time; idle ones are kept for the next read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._idle: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._local = threading.local()
        self._closed = False

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                               timeout=30.0)
        conn.execute("PRAGMA query_only=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    def _take(self) -> sqlite3.Connection:
        with self._guard:
            if self._idle:
                return self._idle.pop()
        return self._open()

    def _give(self, conn: sqlite3.Connection) -> None:
        with self._guard:
            if not self._closed and len(self._idle) < IDLE_READERS:
                self._idle.append(conn)
                return
        conn.close()

    def pinned(self) -> sqlite3.Connection | None:
        """The connection this thread reads a snapshot on (inside `snapshot()`)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        return conn

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A connection for one statement: this thread's snapshot if it reads one."""
        pinned = self.pinned()
        if pinned is not None:
            yield pinned
            return
        conn = self._take()
        try:
            yield conn
        finally:
            self._give(conn)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Every read of this thread inside the block sees the same committed state
        (one read transaction), as several statements of one search must."""
        if self.pinned() is not None:
            yield
            return
        conn = self._take()
        conn.execute("BEGIN")
        self._local.conn = conn
        try:
            yield
        finally:
            self._local.conn = None
            conn.execute("COMMIT")
            self._give(conn)

    def close(self) -> None:
        """Close the idle connections; ones still lent out close when given back."""
        with self._guard:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
