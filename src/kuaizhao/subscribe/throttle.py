"""Login rate limiting: a sliding window of failures per account name and per address.

Pure policy with the clock passed in; the web keeps one `LoginThrottle` per process.
Blocking by name as well as by address stops one account being guessed from many
addresses; the message is the same whether the name exists or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kuaizhao.ratelimit import SlidingWindow

WINDOW_SECONDS = 15 * 60.0
MAX_PER_NAME = 5
MAX_PER_ADDRESS = 20
_MAX_KEYS = 100_000  # bound memory under a flood of distinct names


@dataclass
class LoginThrottle:
    window: float = WINDOW_SECONDS
    max_per_name: int = MAX_PER_NAME
    max_per_address: int = MAX_PER_ADDRESS
    _by_name: SlidingWindow = field(init=False)
    _by_address: SlidingWindow = field(init=False)

    def __post_init__(self) -> None:
        self._by_name = SlidingWindow(self.window, self.max_per_name, _MAX_KEYS)
        self._by_address = SlidingWindow(self.window, self.max_per_address, _MAX_KEYS)

    def retry_after(self, name_key: str, address: str, now: float) -> float:
        """Seconds until another attempt is allowed; 0 when it is allowed now."""
        return max(self._by_name.retry_after(name_key, now),
                   self._by_address.retry_after(address, now))

    def failed(self, name_key: str, address: str, now: float) -> None:
        self._by_name.record(name_key, now)
        self._by_address.record(address, now)

    def succeeded(self, name_key: str) -> None:
        self._by_name.forget(name_key)
