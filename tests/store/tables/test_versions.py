"""The versions tables: capture links, removals, LSH candidates, story originals, reset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.models import Article, WarcPointer
from kuaizhao.store import Store
from kuaizhao.store.base import NewCapture

T0 = datetime(2024, 5, 1, tzinfo=UTC)
URL = "https://a.example/1.html"


def capture(n: int, url: str = URL, status: int = 200) -> NewCapture:
    return NewCapture(url=url, source_id=None, captured_at=T0 + timedelta(hours=n),
                      status=status, content_type="text/html",
                      response=WarcPointer("a.warc.gz", n * 100, 10), request=None,
                      record_id=f"<urn:uuid:{url}-{n}>", payload_digest=f"sha1:{url}{n}",
                      is_revisit=False, etag=None, last_modified=None)


def test_versions_removal_and_listing(store: Store) -> None:
    with store.transaction():
        c1 = store.add_capture(capture(1))
        s1 = store.add_snapshot(c1, capture(1), Article(title="v1", text="一" * 90), None, None)
        store.link_capture(c1, URL, s1, "first")
        c2 = store.add_capture(capture(2))
        store.link_capture(c2, URL, s1, "same")
        c3 = store.add_capture(capture(3))
        s2 = store.add_snapshot(c3, capture(3), Article(title="v2", text="二" * 90),
                                store.snapshot(s1).story_id, None)
        store.link_capture(c3, URL, s2, "version", ("title", "body"))
        c4 = store.add_capture(capture(4, status=410))
        assert store.mark_removed(URL, c4, T0 + timedelta(hours=4), "http_410", s2)
        store.link_capture(c4, URL, s2, "removed")
        c5 = store.add_capture(capture(5, status=410))
        assert not store.mark_removed(URL, c5, T0 + timedelta(hours=5), "http_410", s2)
    v1, v2 = store.versions_of_url(URL)
    assert (v1.number, v1.captures, v1.last_seen_at) == (1, 2, T0 + timedelta(hours=2))
    assert (v2.number, v2.changed, v2.captures) == (2, ("title", "body"), 1)
    removal = store.removal(URL)
    assert removal is not None
    assert removal.removed_at == T0 + timedelta(hours=4)
    assert store.first_version_at(URL) == T0 + timedelta(hours=1)
    latest = store.latest_version(URL)
    assert latest is not None
    assert latest.id == s2
    rows, total = store.changed_urls()
    assert total == 1
    assert rows[0].versions == 2
    assert rows[0].removal == removal
    assert store.changed_urls(kind="changed")[1] == 1
    with store.transaction():
        store.mark_present(URL, T0 + timedelta(days=1))
    assert store.changed_urls(kind="removed")[1] == 0
    with pytest.raises(UsageError):
        store.changed_urls(kind="gone")
    with pytest.raises(UsageError), store.transaction():
        store.link_capture(c5, URL, s2, "odd")


def test_near_dup_candidates_and_story_original(store: Store) -> None:
    with store.transaction():
        ids = []
        for n, url in enumerate(("https://a.example/x", "https://b.example/y")):
            cid = store.add_capture(capture(n, url))
            story = store.snapshot(ids[0]).story_id if ids else None
            ids.append(store.add_snapshot(cid, capture(n, url), Article(title="t", text="x"),
                                          story, None))
        store.add_near_dup(ids[0], b"\0" * 960, 100, [11, 12, 13])
        store.add_near_dup(ids[1], b"\1" * 960, 90, [13, 14])
    found = store.near_dup_candidates([13, 12])
    assert [e.snapshot_id for e in found] == [ids[0], ids[1]]  # two shared bands first
    assert store.near_dup_candidates([]) == []
    story_id = store.snapshot(ids[0]).story_id
    assert story_id is not None
    with store.transaction():
        store.set_story_original(story_id, ids[1], "named_by_repost")
    story = store.story(story_id)
    assert (story.original_snapshot_id, story.original_reason) == (ids[1], "named_by_repost")
    assert len(story.members) == 2
    with pytest.raises(NotFound):
        store.story(999)
    store.reset_derived()
    assert store.near_dup_candidates([13]) == []
    assert store._one("SELECT count(*) FROM lsh_bands")[0] == 0
