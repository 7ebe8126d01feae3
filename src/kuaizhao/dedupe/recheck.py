"""When to fetch a captured article again, to catch edits and removals (pure).

News is edited most in its first hours and removed, if at all, within days; after a
month it rarely changes. So an article is re-checked at fixed ages after its first
capture (default 1 h, 6 h, 1 d, 7 d, 30 d: the `recheck_schedule` setting), and no
more after the last. The schedule is by age, not by count: a crawl that was stopped
for a week catches up with one check, not five.
"""

from __future__ import annotations

import itertools
import re
from datetime import datetime, timedelta

from kuaizhao.errors import ConfigError

DEFAULT_SCHEDULE = "1h,6h,1d,7d,30d"
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_STEP = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")


def parse_schedule(text: str) -> tuple[timedelta, ...]:
    """`"1h,6h,1d"` as ascending ages; empty text means never re-check."""
    ages: list[timedelta] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        match = _STEP.match(part)
        if match is None:
            raise ConfigError(
                f"recheck schedule step {part!r} is not a number with a unit; "
                "write ages like 1h,6h,1d,7d,30d (units s, m, h, d, w)")
        ages.append(timedelta(seconds=float(match[1]) * _UNITS[match[2]]))
    if any(b <= a for a, b in itertools.pairwise(ages)):
        raise ConfigError(f"recheck schedule {text!r} must list ages in increasing order, "
                          "e.g. 1h,6h,1d,7d,30d")
    return tuple(ages)


def schedule_problem(text: str) -> str | None:
    """For the settings table: what is wrong with a schedule, or None."""
    try:
        parse_schedule(text)
    except ConfigError as exc:
        return str(exc)
    return None


def next_recheck(first_captured: datetime, now: datetime,
                 schedule: tuple[timedelta, ...]) -> datetime | None:
    """The next time to fetch an article first captured at `first_captured`, or None
    when every age of the schedule has passed."""
    for age in schedule:
        due = first_captured + age
        if due > now:
            return due
    return None
