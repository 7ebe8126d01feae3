"""How many removal requests one address may send: a sliding window, clock passed in."""

from __future__ import annotations

from dataclasses import dataclass, field

from kuaizhao.ratelimit import SlidingWindow

WINDOW_SECONDS = 3600.0
MAX_PER_ADDRESS = 5
_MAX_KEYS = 50_000  # bound memory under a flood from many addresses


@dataclass
class RequestLimiter:
    window: float = WINDOW_SECONDS
    max_per_address: int = MAX_PER_ADDRESS
    _sent: SlidingWindow = field(init=False)

    def __post_init__(self) -> None:
        self._sent = SlidingWindow(self.window, self.max_per_address, _MAX_KEYS)

    def retry_after(self, address: str, now: float) -> float:
        """Seconds until `address` may send again; 0 when it may now."""
        return self._sent.retry_after(address, now)

    def record(self, address: str, now: float) -> None:
        self._sent.record(address, now)
