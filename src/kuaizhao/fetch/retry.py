"""When to try a request again, and how long to wait first (pure)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

RETRY_STATUSES = frozenset({408, 429})


def is_retryable_status(status: int) -> bool:
    return status in RETRY_STATUSES or 500 <= status <= 599


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date
    (RFC 9110 §10.2.3). None when absent or unreadable; never negative."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, base: float, jitter: bool) -> float:
    """Exponential backoff for retry number `attempt` (0-based): base, 2·base, 4·base…
    Jitter picks uniformly from the upper half so many crawlers do not retry together."""
    delay = base * 2.0**attempt
    if jitter:
        delay *= random.uniform(0.5, 1.0)  # noqa: S311 - spreading retries, not security
    return delay
