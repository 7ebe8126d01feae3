"""Login rate limiting: a sliding window of failures per account name and per address.

Pure policy with the clock passed in; the web keeps one `LoginThrottle` per process.
Blocking by name as well as by address stops one account being guessed from many
addresses; the message is the same whether the name exists or not.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

WINDOW_SECONDS = 15 * 60.0
MAX_PER_NAME = 5
MAX_PER_ADDRESS = 20
_MAX_KEYS = 100_000  # bound memory under a flood of distinct names


@dataclass
class LoginThrottle:
    window: float = WINDOW_SECONDS
    max_per_name: int = MAX_PER_NAME
    max_per_address: int = MAX_PER_ADDRESS
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, name_key: str, address: str, now: float) -> float:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        waits = []
        for key, limit in (("n:" + name_key, self.max_per_name),
                           ("a:" + address, self.max_per_address)):
            times = self._recent(key, now)
            if len(times) >= limit:
                waits.append(times[-limit] + self.window - now)
        return max(waits, default=0.0)

    def failed(self, name_key: str, address: str, now: float) -> None:
        if len(self._failures) >= _MAX_KEYS:
            self._failures.clear()
        for key in ("n:" + name_key, "a:" + address):
            self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, name_key: str) -> None:
        self._failures.pop("n:" + name_key, None)
