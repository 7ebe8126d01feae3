"""How many removal requests one address may send: a sliding window, clock passed in."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

WINDOW_SECONDS = 3600.0
MAX_PER_ADDRESS = 5
_MAX_KEYS = 50_000  # bound memory under a flood from many addresses


@dataclass
class RequestLimiter:
    window: float = WINDOW_SECONDS
    max_per_address: int = MAX_PER_ADDRESS
    _sent: dict[str, deque[float]] = field(default_factory=dict)

    def retry_after(self, address: str, now: float) -> float:
        """Seconds until `address` may send again; 0 when it may now."""
        times = self._sent.get(address)
        if times is None:
            return 0.0
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < self.max_per_address:
            return 0.0
        return times[0] + self.window - now

    def record(self, address: str, now: float) -> None:
        if len(self._sent) >= _MAX_KEYS and address not in self._sent:
            self._sent.clear()
        self._sent.setdefault(address, deque()).append(now)
