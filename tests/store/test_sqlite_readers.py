"""SQLite readers on their own connections beside the one writer (store/sqlite_readers.py)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from test_store import article, capture

from kuaizhao.store import SqliteStore

# Long enough for any loaded machine: a read that waited for the writer would wait
# for the whole transaction, which the test holds open until the read is done.
PATIENCE = 60.0


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore.open(tmp_path / "k.sqlite3")
    yield s
    s.close()


def add(store: SqliteStore, n: int, title: str) -> int:
    c = capture(f"https://news.example.cn/{n}.html", f"sha1:{n}", n)
    return store.add_snapshot(store.add_capture(c), c, article(title), None, None)


def test_readers_run_while_a_write_transaction_is_open(store: SqliteStore) -> None:
    with store.transaction():
        add(store, 1, "科技创新一")
    inside = threading.Event()
    release = threading.Event()

    def writer() -> None:
        with store.transaction():
            add(store, 2, "科技创新二")
            inside.set()
            release.wait(PATIENCE)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert inside.wait(PATIENCE)
        with ThreadPoolExecutor(4) as pool:
            # Under the old single connection each of these waited for `release`.
            reads = [pool.submit(store.stats), pool.submit(store.search, "科技创新"),
                     pool.submit(store.latest), pool.submit(store.categories)]
            stats, found, latest, categories = (r.result(PATIENCE) for r in reads)
        # Nothing uncommitted is seen: the reader reads the state before the write.
        assert stats.snapshots == 1
        assert [h.title for h in found.hits] == ["科技创新一"]
        assert latest.total == 1
        assert categories == [("国内", 1)]
    finally:
        release.set()
        thread.join()
    # ... and the write, once committed, is seen by the next read at once.
    assert store.stats().snapshots == 2
    assert {h.title for h in store.search("科技创新").hits} == {"科技创新一", "科技创新二"}


def test_reads_inside_a_transaction_see_its_own_rows(store: SqliteStore) -> None:
    with store.transaction():
        sid = add(store, 1, "科技创新一")
        assert store.snapshot(sid).article.title == "科技创新一"
        assert store.stats().snapshots == 1
        assert store.search("科技创新").total == 1
    seen_inside = []

    def add_then_fail() -> None:
        with store.transaction():
            add(store, 2, "科技创新二")
            seen_inside.append(store.stats().snapshots)
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        add_then_fail()
    assert seen_inside == [2]
    assert store.stats().snapshots == 1


def test_a_write_sent_to_a_reader_fails_loudly(store: SqliteStore) -> None:
    with store._readers.connection() as conn, pytest.raises(sqlite3.OperationalError,
                                                           match="readonly"):
        conn.execute("INSERT INTO sources (name, config_json) VALUES ('x', '{}')")
    # INSERT … RETURNING goes through `_one`/`_all` too: it must reach the writer.
    assert store.reserve_host_start("news.example.cn", 1.0, 100.0) == 100.0
    assert store.reserve_host_start("news.example.cn", 1.0, 100.0) == 101.0


def test_many_readers_and_a_writer_lose_nothing(store: SqliteStore) -> None:
    with store.transaction():
        add(store, 0, "科技创新零")
    stop = threading.Event()
    seen: list[int] = []

    def reader() -> int:
        reads = 0
        while not stop.is_set():
            total = store.search("科技创新").total
            seen.append(total)
            assert total >= 1
            reads += 1
        return reads

    with ThreadPoolExecutor(8) as pool:
        readers = [pool.submit(reader) for _ in range(8)]
        for n in range(1, 41):
            with store.transaction():
                add(store, n, f"科技创新{n}")
        stop.set()
        assert all(r.result(PATIENCE) > 0 for r in readers)
    assert store.stats().snapshots == 41
    assert store.search("科技创新", limit=50).total == 41
    assert max(seen) <= 41


def test_idle_readers_are_kept_and_closed_with_the_store(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "k.sqlite3")
    store.stats()
    with store._readers.connection() as first:
        pass
    with store._readers.connection() as again:
        assert again is first  # reused, not reopened per read
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        first.execute("SELECT 1")
