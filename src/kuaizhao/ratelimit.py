"""A sliding-window count of events per key, with the clock passed in (pure policy).

Shared by login throttling (per account name and per address) and the public takedown
form (per address). Memory is bounded: past `max_keys` distinct keys the oldest
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
