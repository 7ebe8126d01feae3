from __future__ import annotations

from kuaizhao.ratelimit import Backoff, SlidingWindow


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


def test_backoff_doubles_the_wait_after_the_free_failures_and_never_locks() -> None:
    b = Backoff(free=2, base=1.0, cap=8.0, reset_after=100.0)
    b.record("a", 0)
    b.record("a", 0)
    assert b.retry_after("a", 0) == 1.0  # the third try waits 1 s
    waits = []
    for now in range(1, 7):
        b.record("a", now)
        waits.append(b.retry_after("a", now))
    assert waits == [2.0, 4.0, 8.0, 8.0, 8.0, 8.0]  # capped: slowed, not locked out
    assert b.retry_after("a", 6 + 8) == 0
    assert b.retry_after("b", 6) == 0
    assert b.failures("a", 6 + 100) == 0  # quiet long enough: forgotten
    b.record("a", 200)
    b.forget("a")
    assert b.failures("a", 201) == 0


def test_backoff_memory_is_bounded() -> None:
    b = Backoff(free=1, base=1.0, cap=1.0, reset_after=10.0, max_keys=3)
    for key in "wxyz":
        b.record(key, 0)
    assert len(b._failures) <= 3
