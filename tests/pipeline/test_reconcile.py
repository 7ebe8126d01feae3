"""Start-up reconciliation: WARC records the database missed (a kill between the WARC
write and the commit) are indexed, so the live archive counts what `reindex` counts."""

from __future__ import annotations

import gzip
from datetime import timedelta
from pathlib import Path

from import_warcs import BASE_TIME, demo_pages, exchange

from kuaizhao.archive import WarcOptions, WarcWriter
from kuaizhao.config import Settings
from kuaizhao.models import ArchivedExchange
from kuaizhao.pipeline.reconcile import reconcile
from kuaizhao.pipeline.reindex import reindex
from kuaizhao.store import Store


def _write(directory: Path, pages: list[tuple[str, bytes]], first: int) -> list[ArchivedExchange]:
    with WarcWriter(WarcOptions(directory=directory, fsync=False)) as writer:
        return [writer.write_exchange(exchange(f"https://news.example.cn/{name}.html", body,
                                               BASE_TIME + timedelta(minutes=first + i)))
                for i, (name, body) in enumerate(pages)]


def _captures(store: Store) -> list[tuple[str, str]]:
    return sorted((c.url, c.record_id) for c in store.iter_archived_captures())


def test_records_past_the_last_pointer_are_indexed_at_start_up(
        home: tuple[Settings, Store], tmp_path: Path) -> None:
    settings, store = home
    pages = demo_pages()[:6]
    written = _write(settings.warc_path, pages[:3], 0)
    reindex(store, settings, [])  # the database points to these three
    assert store.stats().captures == 3
    # A crawl killed after writing but before committing: one more exchange at the end
    # of the same file, and a whole new file the database never heard of.
    elsewhere = _write(tmp_path / "elsewhere", pages[3:4], 3)
    tail = (tmp_path / "elsewhere" / elsewhere[0].response.filename).read_bytes()
    record_start = min(elsewhere[0].response.offset, (elsewhere[0].request or
                                                      elsewhere[0].response).offset)
    with (settings.warc_path / written[0].response.filename).open("ab") as handle:
        handle.write(tail[record_start:])
    _write(settings.warc_path, pages[4:6], 4)

    report = reconcile(store, settings, [])
    assert (report.records, report.damaged) == (3, [])
    assert report.snapshots == 3
    live = _captures(store)
    assert len(live) == 6
    assert reconcile(store, settings, []).records == 0  # nothing twice

    reindex(store, settings, [])
    assert _captures(store) == live  # the WARC files alone give the same captures


def test_a_file_still_being_written_is_left_to_its_writer(home: tuple[Settings, Store]) -> None:
    settings, store = home
    with WarcWriter(WarcOptions(directory=settings.warc_path, fsync=False)) as writer:
        name, body = demo_pages()[0]
        writer.write_exchange(exchange(f"https://news.example.cn/{name}.html", body, BASE_TIME))
        assert reconcile(store, settings, []).records == 0  # its writer commits it
    assert reconcile(store, settings, []).records == 1  # the writer is gone: we do


def test_a_torn_tail_is_reported_and_what_precedes_it_indexed(
        home: tuple[Settings, Store]) -> None:
    settings, store = home
    [archived] = _write(settings.warc_path, demo_pages()[:1], 0)
    path = settings.warc_path / archived.response.filename
    whole = path.stat().st_size
    member = gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" + bytes(4000), mtime=0)
    with path.open("ab") as handle:
        handle.write(member[: len(member) // 2])  # the kill came mid-write
    report = reconcile(store, settings, [])
    assert report.records == 1
    assert [d.offset for d in report.damaged] == [whole]
    assert "cut off" in report.damaged[0].reason
