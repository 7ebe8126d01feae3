"""Snapshots written the way the pipeline writes them (`ingest.save`), so matching runs
at index time exactly as in a crawl."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from kuaizhao.models import Article, WarcPointer
from kuaizhao.pipeline.ingest import save
from kuaizhao.store import Store
from kuaizhao.store.base import NewCapture

NOW = datetime.now(UTC).replace(microsecond=0)
_serial = count(1)


def add_article(store: Store, url: str, title: str, text: str, *,
                source: str = "人民资讯", category: str | None = "国内",
                published: datetime | None = None, captured: datetime | None = None,
                keywords: tuple[str, ...] = ()) -> int:
    n = next(_serial)
    source_id = store.upsert_source(source, None, "{}")
    captured = captured or NOW - timedelta(minutes=n)
    capture = NewCapture(
        url=url, source_id=source_id, captured_at=captured, status=200,
        content_type="text/html", response=WarcPointer("t.warc.gz", n * 1000, 900),
        request=None, record_id=f"urn:uuid:test-{n}-{url}", payload_digest=f"sha1:D{n}",
        is_revisit=False, etag=None, last_modified=None)
    article = Article(title=title, text=text, category=category, source=source,
                      published_at=published, keywords=keywords, language="zh")
    with store.transaction():
        snapshot_id = save(store, capture, article).snapshot_id
    assert snapshot_id is not None
    return snapshot_id


def cheap_hashing(monkeypatch: object) -> None:
    """argon2 at its lowest cost: the tests hash dozens of passwords, and what they
    check is the flow, not the cost (test_subscribe_policy checks the real parameters)."""
    import pytest
    from argon2 import PasswordHasher

    from kuaizhao.subscribe import passwords

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=64,
                                                             parallelism=1))
