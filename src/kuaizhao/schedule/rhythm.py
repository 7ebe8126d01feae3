"""A feed's publishing rhythm, learned from the times of its recent items.

Three things are read from the item times: the rate (items per day, counting the
silence since the last item, so a feed that went quiet slows down), whether the gaps
are regular enough to predict the next item (a desk that publishes every 15 minutes),
and — once two days of history exist — the share of items by local hour, so a feed
that sleeps at night is not polled at night.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

# The polling curve: a feed whose items come `REFERENCE_GAP` seconds apart is polled
# every `REFERENCE_INTERVAL` seconds; the interval grows as gap**EXPONENT, so a feed
# publishing every few minutes is polled every minute and a weekly one ~8 times a day.
REFERENCE_GAP = 300.0
REFERENCE_INTERVAL = 60.0
EXPONENT = 0.7

HISTORY_ITEMS = 200  # most recent item times kept per discovery URL
WINDOW = timedelta(days=30)  # items older than this say nothing about today
REGULAR_GAPS = 8  # the last gaps looked at to call a rhythm regular
REGULAR_SHARE = 0.75  # at least this share of them close to their median...
REGULAR_TOLERANCE = 0.12  # ...within 12 % of it (or MIN_SPREAD seconds)
MIN_SPREAD = 30.0
MIN_SPAN = 3600.0  # seconds: one item a minute ago is not a rate of 1440 a day
SAME_BATCH = 1.0  # items within a second of each other were published as one batch
TIME_OF_DAY_SPAN = timedelta(days=2)  # history needed before trusting hourly shares
HOURLY_ITEMS = 24  # and at least this many items
HOURLY_PRIOR = 0.5  # pseudo-items per hour, so an hour never seen is not "never"


@dataclass(frozen=True, slots=True)
class Rhythm:
    """What the item times say. `items_per_day` is None before the first item."""

    items_per_day: float | None = None
    last_item: datetime | None = None
    regular_gap: float | None = None  # seconds, when the next item is predictable
    spread: float = 0.0  # seconds of jitter around `regular_gap`
    hourly: tuple[float, ...] = ()  # 24 shares (sum 1) by local hour; () before 2 days


def _recent(times: Sequence[datetime], now: datetime) -> list[datetime]:
    kept = sorted(t for t in times if now - WINDOW <= t <= now)[-HISTORY_ITEMS:]
    out: list[datetime] = []
    for t in kept:
        if not out or (t - out[-1]).total_seconds() >= SAME_BATCH:
            out.append(t)
    return out


def _regular(gaps: list[float]) -> tuple[float, float] | None:
    tail = gaps[-REGULAR_GAPS:]
    if len(tail) < 4:
        return None
    median = statistics.median(tail)
    tolerance = max(median * REGULAR_TOLERANCE, MIN_SPREAD)
    close = [abs(g - median) for g in tail if abs(g - median) <= tolerance]
    if len(close) < REGULAR_SHARE * len(tail):
        return None
    return median, max(MIN_SPREAD, max(close))


def _hourly(times: list[datetime], zone: tzinfo) -> tuple[float, ...]:
    counts = [0.0] * 24
    for t in times:
        counts[t.astimezone(zone).hour] += 1
    # Spread each hour a little over its neighbours: publishing at 07:59 and 08:01 is
    # the same habit.
    smooth = [counts[h] / 2 + counts[h - 1] / 4 + counts[(h + 1) % 24] / 4 for h in range(24)]
    total = sum(smooth) + 24 * HOURLY_PRIOR
    return tuple((c + HOURLY_PRIOR) / total for c in smooth)


def learn_rhythm(times: Sequence[datetime], now: datetime, zone: tzinfo) -> Rhythm:
    """The rhythm of the items published at `times` (any order, duplicates allowed)."""
    recent = _recent(times, now)
    if not recent:
        return Rhythm()
    # n items seen over the time since the first: a feed that went quiet slows down,
    # and one item a day ago already says "about daily".
    span = max((now - recent[0]).total_seconds(), MIN_SPAN)
    per_day = len(recent) * 86400.0 / span
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(recent)]
    regular = _regular(gaps)
    enough = len(recent) >= HOURLY_ITEMS and recent[-1] - recent[0] >= TIME_OF_DAY_SPAN
    hourly = _hourly(recent, zone) if enough else ()
    return Rhythm(
        items_per_day=per_day,
        last_item=recent[-1],
        regular_gap=regular[0] if regular else None,
        spread=regular[1] if regular else 0.0,
        hourly=hourly,
    )


def expected_gap(rhythm: Rhythm, at: datetime, zone: tzinfo) -> float | None:
    """Seconds expected between items around `at`, by the hour of day when known."""
    if rhythm.items_per_day is None or rhythm.items_per_day <= 0:
        return None
    if not rhythm.hourly:
        return 86400.0 / rhythm.items_per_day
    share = rhythm.hourly[at.astimezone(zone).hour]
    return 3600.0 / (rhythm.items_per_day * share)


def interval_for_gap(gap: float) -> float:
    """The polling interval (seconds) for items `gap` seconds apart, before limits."""
    return float(REFERENCE_INTERVAL * (max(gap, 1.0) / REFERENCE_GAP) ** EXPONENT)


def next_expected(rhythm: Rhythm, now: datetime, slack: float) -> datetime | None:
    """When a regular feed's next item is due: the first multiple of its gap after the
    last item whose window (± spread, plus `slack`) has not closed yet. None when the
    feed is not regular or has missed three slots in a row (the habit is broken)."""
    if rhythm.regular_gap is None or rhythm.last_item is None:
        return None
    gap = timedelta(seconds=rhythm.regular_gap)
    late = timedelta(seconds=rhythm.spread + slack)
    for slot in range(1, 4):
        expected = rhythm.last_item + gap * slot
        if expected + late >= now:
            return expected
    return None
