"""Counting events per key, with the clock passed in (pure policy): a sliding window
that allows so many per period, and a back-off that doubles the wait after each failure.

The window limits sign-ups and the public takedown form per client; the back-off slows
login guessing (subscribe/throttle.py). Memory is bounded: past `max_keys` distinct keys the oldest
history is forgotten, which under a flood errs toward letting requests through
rather than growing without limit.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class SlidingWindow:
    window: float  # seconds an event counts for
    limit: int  # events allowed per key within the window
    max_keys: int = 100_000
    _events: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._events.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._events[key]
        return times

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until `key` may act again; 0 when it may now."""
        times = self._recent(key, now)
        if len(times) < self.limit:
            return 0.0
        return times[-self.limit] + self.window - now

    def record(self, key: str, now: float) -> None:
        if len(self._events) >= self.max_keys and key not in self._events:
            self._events.clear()
        self._events.setdefault(key, deque()).append(now)

    def forget(self, key: str) -> None:
        self._events.pop(key, None)


@dataclass
class Backoff:
    """Failures per key, each past the first `free` doubling the wait before the next try.

    The wait runs from the latest failure and is capped, so a key is slowed, never locked
    out; a key quiet for `reset_after` seconds starts afresh. Memory is bounded like
    `SlidingWindow`'s.
    """

    free: int  # failures allowed before any wait
    base: float  # seconds of the first wait
    cap: float  # longest wait
    reset_after: float  # seconds without a failure that clear the count
    max_keys: int = 100_000
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)

    def failures(self, key: str, now: float) -> int:
        count, last = self._failures.get(key, (0, now))
        if now - last >= self.reset_after:
            self._failures.pop(key, None)
            return 0
        return count

    def retry_after(self, key: str, now: float) -> float:
        """Seconds until `key` may try again; 0 when it may now."""
        count = self.failures(key, now)
        if count < self.free:
            return 0.0
        wait = min(self.cap, self.base * 2.0 ** (count - self.free))
        return max(0.0, self._failures[key][1] + wait - now)

    def record(self, key: str, now: float) -> None:
        if len(self._failures) >= self.max_keys and key not in self._failures:
            self._failures.clear()
        self._failures[key] = (self.failures(key, now) + 1, now)

    def forget(self, key: str) -> None:
        self._failures.pop(key, None)
