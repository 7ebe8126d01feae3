"""The next poll of one feed, sitemap or listing: a pure decision.

In order of precedence: a failing URL backs off exponentially; a feed whose hub pushes
new items (WebSub) is polled only as a safety net, at the maximum interval; a regular
feed is polled when its next item is expected; otherwise the interval follows the
learned rate (by hour of day), shortened right after new items appeared (news comes in
bursts) and growing with each empty poll after that. Every interval is kept between the
source's minimum and maximum, and never below the host's robots Crawl-delay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from kuaizhao.errors import UsageError
from kuaizhao.schedule.rhythm import (
    expected_gap,
    interval_for_gap,
    learn_rhythm,
    next_expected,
)

BURST_GROWTH = 1.25  # after new items: min interval, then ×1.25 per empty poll
MAX_BACKOFF_DOUBLINGS = 16


@dataclass(frozen=True, slots=True)
class PollLimits:
    """Per-source bounds, in seconds. `start_interval` applies until a rhythm is known;
    `host_interval` is the fetcher's interval for the host (robots Crawl-delay)."""

    min_interval: float
    max_interval: float
    start_interval: float
    host_interval: float = 0.0

    def __post_init__(self) -> None:
        if self.min_interval <= 0 or self.max_interval < self.min_interval:
            raise UsageError(
                f"poll limits need 0 < min_interval <= max_interval, got "
                f"min {self.min_interval} s, max {self.max_interval} s")

    @property
    def floor(self) -> float:
        return max(self.min_interval, self.host_interval)

    @property
    def ceiling(self) -> float:
        return max(self.max_interval, self.floor)

    def clamp(self, seconds: float) -> float:
        return min(max(seconds, self.floor), self.ceiling)


@dataclass(frozen=True, slots=True)
class PollState:
    """What is known about one discovery URL after a poll."""

    item_times: tuple[datetime, ...] = ()  # publication (or first-seen) times of its items
    last_new_at: datetime | None = None  # the last poll that found new items
    empty_polls: int = 0  # polls since `last_new_at` that found nothing new
    errors: int = 0  # consecutive failed polls, 0 after a success
    pushed: bool = False  # an active WebSub subscription delivers its new items


@dataclass(frozen=True, slots=True)
class PollDecision:
    due_at: datetime
    interval: float  # seconds from now
    reason: str  # backoff | websub | expected | burst | rate | start


def backoff_interval(errors: int, base: float, limits: PollLimits) -> float:
    """Double the interval per consecutive failure, up to the maximum."""
    doublings = min(max(errors, 0), MAX_BACKOFF_DOUBLINGS)
    return limits.clamp(max(base, limits.floor) * 2.0 ** doublings)


def _decision(now: datetime, seconds: float, reason: str, limits: PollLimits) -> PollDecision:
    interval = limits.clamp(seconds)
    return PollDecision(due_at=now + timedelta(seconds=interval), interval=interval,
                        reason=reason)


def decide_next_poll(state: PollState, now: datetime, limits: PollLimits,
                     zone: tzinfo) -> PollDecision:
    """When to poll again, given what the polls so far have seen."""
    rhythm = learn_rhythm(state.item_times, now, zone)
    gap = expected_gap(rhythm, now, zone)
    base = limits.start_interval if gap is None else interval_for_gap(gap)
    if state.errors > 0:
        return _decision(now, backoff_interval(state.errors, base, limits), "backoff", limits)
    if state.pushed:
        return _decision(now, limits.ceiling, "websub", limits)
    expected = next_expected(rhythm, now, slack=limits.floor)
    if expected is not None:
        opens = expected - timedelta(seconds=rhythm.spread)
        wait = (opens - now).total_seconds()
        if wait > limits.floor:
            return _decision(now, wait, "expected", limits)
        return _decision(now, limits.floor, "expected", limits)
    if state.last_new_at is not None:
        burst = limits.floor * BURST_GROWTH ** min(state.empty_polls, 64)
        if burst < base:
            return _decision(now, burst, "burst", limits)
    return _decision(now, base, "rate" if gap is not None else "start", limits)
