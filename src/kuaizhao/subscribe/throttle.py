"""Login throttling that slows guessing without locking the owner out (pure policy).

Locking a name after a few failures lets anyone lock anyone out, so every limit here is
a back-off (the wait doubles with each failure, up to a cap) and each is keyed so that
it slows only whoever is guessing:

- per account and client: one client guessing one name; the tightest limit;
- per account: many clients guessing one name (a botnet); this also slows the owner
  signing in from a new browser, so a browser that signed in before shows its
  known-device cookie (OWASP's "device cookies") and is judged only by its own record;
- per client: one client guessing many names.

The clock is passed in; the web keeps one `LoginThrottle` per process, and one
`signup_window()` that limits sign-ups per client.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kuaizhao.ratelimit import Backoff, SlidingWindow

RESET_SECONDS = 3600.0  # an hour without failures starts a key afresh
_MAX_KEYS = 100_000  # bound memory under a flood of distinct names or clients
SIGNUP_WINDOW = 3600.0
MAX_SIGNUPS_PER_CLIENT = 10  # an hour; a household or office behind one address still fits


def signup_window() -> SlidingWindow:
    """Sign-ups allowed per client: each costs an argon2 hash and a row."""
    return SlidingWindow(SIGNUP_WINDOW, MAX_SIGNUPS_PER_CLIENT, _MAX_KEYS)


@dataclass
class LoginThrottle:
    per_pair: Backoff = field(default_factory=lambda: Backoff(
        free=3, base=2.0, cap=900.0, reset_after=RESET_SECONDS, max_keys=_MAX_KEYS))
    per_account: Backoff = field(default_factory=lambda: Backoff(
        free=10, base=1.0, cap=300.0, reset_after=RESET_SECONDS, max_keys=_MAX_KEYS))
    per_client: Backoff = field(default_factory=lambda: Backoff(
        free=20, base=1.0, cap=300.0, reset_after=RESET_SECONDS, max_keys=_MAX_KEYS))
    per_device: Backoff = field(default_factory=lambda: Backoff(
        free=3, base=2.0, cap=900.0, reset_after=RESET_SECONDS, max_keys=_MAX_KEYS))

    def retry_after(self, name_key: str, client: str, now: float,
                    device: str | None = None) -> float:
        """Seconds until this client may try this name again; 0 when it may now.

        `device` is the id from a known-device cookie already verified for `name_key`.
        """
        if device is not None:
            return self.per_device.retry_after(f"{name_key}\n{device}", now)
        return max(self.per_pair.retry_after(f"{name_key}\n{client}", now),
                   self.per_account.retry_after(name_key, now),
                   self.per_client.retry_after(client, now))

    def failed(self, name_key: str, client: str, now: float, device: str | None = None) -> None:
        if device is not None:
            self.per_device.record(f"{name_key}\n{device}", now)
            return
        self.per_pair.record(f"{name_key}\n{client}", now)
        self.per_account.record(name_key, now)
        self.per_client.record(client, now)

    def succeeded(self, name_key: str, client: str, device: str | None = None) -> None:
        # Only the record that judged this attempt is cleared: a guesser may share the
        # owner's address, and one's own account must not wash a client's guesses away.
        if device is not None:
            self.per_device.forget(f"{name_key}\n{device}")
        else:
            self.per_pair.forget(f"{name_key}\n{client}")
