"""When to poll each feed, sitemap and listing again, and what to fetch first.

Pure decisions (no clock, no database): `learn_rhythm` reads a feed's publishing
rhythm from the times of its recent items, `decide_next_poll` turns that rhythm, the
poll's outcome and the source's limits into the next poll time, and `pick_fair` orders
due URLs so new articles go first and no single source fills every fetch slot. The
`clock` module holds the one seam to time, so benchmarks can compress it.
"""

from __future__ import annotations

from kuaizhao.schedule.clock import Alarm, Clock, SimClock, SystemClock
from kuaizhao.schedule.decide import (
    PollDecision,
    PollLimits,
    PollState,
    backoff_interval,
    decide_next_poll,
)
from kuaizhao.schedule.priority import (
    PRIORITY_DISCOVERY,
    PRIORITY_LISTING,
    PRIORITY_NEW_ARTICLE,
    PRIORITY_PUSHED_ARTICLE,
    PRIORITY_RECHECK,
    Due,
    pick_fair,
)
from kuaizhao.schedule.rhythm import (
    Rhythm,
    expected_gap,
    interval_for_gap,
    learn_rhythm,
    next_expected,
)

__all__ = [
    "PRIORITY_DISCOVERY",
    "PRIORITY_LISTING",
    "PRIORITY_NEW_ARTICLE",
    "PRIORITY_PUSHED_ARTICLE",
    "PRIORITY_RECHECK",
    "Alarm",
    "Clock",
    "Due",
    "PollDecision",
    "PollLimits",
    "PollState",
    "Rhythm",
    "SimClock",
    "SystemClock",
    "backoff_interval",
    "decide_next_poll",
    "expected_gap",
    "interval_for_gap",
    "learn_rhythm",
    "next_expected",
    "pick_fair",
]
