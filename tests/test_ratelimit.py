from __future__ import annotations

from kuaizhao.ratelimit import SlidingWindow


def test_window_allows_limit_then_waits_until_the_oldest_expires() -> None:
    w = SlidingWindow(window=60, limit=2)
    assert w.retry_after("a", 0) == 0
    w.record("a", 0)
    w.record("a", 10)
    assert w.retry_after("a", 20) == 40
    assert w.retry_after("b", 20) == 0
    assert w.retry_after("a", 60.5) == 0


def test_forget_and_bounded_memory() -> None:
    w = SlidingWindow(window=60, limit=1, max_keys=3)
    w.record("a", 0)
    w.forget("a")
    assert w.retry_after("a", 1) == 0
    for key in "wxyz":
        w.record(key, 0)
    assert len(w._events) <= 3
