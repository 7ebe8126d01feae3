"""Priority and fairness: new articles first, no source holds every slot."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from kuaizhao.schedule import (
    PRIORITY_DISCOVERY,
    PRIORITY_NEW_ARTICLE,
    PRIORITY_PUSHED_ARTICLE,
    PRIORITY_RECHECK,
    Due,
    pick_fair,
)

T0 = datetime(2024, 2, 7, 13, 0, tzinfo=UTC)


def due(url: str, source: int, priority: int, minutes: int = 0) -> Due:
    return Due(url, source, priority, T0 + timedelta(minutes=minutes))


def test_new_articles_come_before_rechecks_and_feeds() -> None:
    items = [due("recheck", 1, PRIORITY_RECHECK, -60), due("feed", 1, PRIORITY_DISCOVERY, -30),
             due("new", 1, PRIORITY_NEW_ARTICLE), due("pushed", 1, PRIORITY_PUSHED_ARTICLE, 5)]
    assert [d.url for d in pick_fair(items, {}, per_source=4, limit=4)] == [
        "pushed", "new", "feed", "recheck"]


def test_older_due_first_within_a_priority() -> None:
    items = [due("b", 1, 10, 5), due("a", 1, 10, 1), due("c", 1, 10, 9)]
    assert [d.url for d in pick_fair(items, {}, per_source=3, limit=3)] == ["a", "b", "c"]


def test_one_busy_source_never_takes_every_slot() -> None:
    flood = [due(f"big/{i}", 1, PRIORITY_NEW_ARTICLE, i) for i in range(100)]
    others = [due("small/feed", 2, PRIORITY_DISCOVERY), due("idle/new", 3, PRIORITY_NEW_ARTICLE)]
    picked = pick_fair(flood + others, {}, per_source=2, limit=10)
    assert Counter(d.source_id for d in picked) == {1: 2, 2: 1, 3: 1}


def test_urls_already_in_flight_count_against_the_cap() -> None:
    items = [due(f"slow/{i}", 1, 10, i) for i in range(5)] + [due("fast", 2, 5)]
    picked = pick_fair(items, {1: 2}, per_source=2, limit=5)
    assert [d.url for d in picked] == ["fast"]


def test_limit_and_empty_inputs() -> None:
    items = [due(f"s{i}", i, 10) for i in range(10)]
    assert len(pick_fair(items, {}, per_source=1, limit=3)) == 3
    assert pick_fair(items, {}, per_source=1, limit=0) == []
    assert pick_fair([], {}, per_source=2, limit=5) == []
