"""Saving captures: two processes that fetched the same page at once store one version."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from itertools import count

from kuaizhao.models import Article, WarcPointer
from kuaizhao.pipeline.ingest import save
from kuaizhao.store import Store, open_url
from kuaizhao.store.base import NewCapture

T0 = datetime(2024, 2, 7, 13, tzinfo=UTC)
TEXT = "无锡市召开科技创新工作座谈会，打造产业科技创新高地。" * 6
_serial = count(1)


def save_page(store: Store, url: str) -> int | None:
    n = next(_serial)
    capture = NewCapture(
        url=url, source_id=None, captured_at=T0 + timedelta(seconds=n), status=200,
        content_type="text/html", response=WarcPointer("t.warc.gz", n * 1000, 900),
        request=None, record_id=f"urn:uuid:{n}", payload_digest=f"sha1:{n}",
        is_revisit=False, etag=None, last_modified=None)
    with store.transaction():
        return save(store, capture, Article(title="同一篇", text=TEXT, language="zh")).snapshot_id


def test_simultaneous_saves_of_one_url_make_one_version(database_url: str) -> None:
    urls = [f"https://a.example/{n}.html" for n in range(12)]
    barrier = threading.Barrier(2)
    made: list[int | None] = []

    def worker() -> None:
        store = open_url(database_url)  # its own connection, as a second crawl process
        try:
            for url in urls:
                barrier.wait(timeout=20)
                made.append(save_page(store, url))
        finally:
            store.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 2 * len(urls)
    assert sum(1 for m in made if m is not None) == len(urls)
    store = open_url(database_url)
    try:
        for url in urls:
            assert [v.number for v in store.versions_of_url(url)] == [1], url
    finally:
        store.close()
