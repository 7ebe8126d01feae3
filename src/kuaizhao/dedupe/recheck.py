"""When to fetch a captured article again, to catch edits and removals (pure).

News is edited most in its first hours and removed, if at all, within days; after a
month it rarely changes. So an article is re-checked at fixed ages after its first
capture (default 1 h, 6 h, 1 d, 7 d, 30 d: the `recheck_schedule` setting), and no
more after the last. The schedule is by age, not by count: a crawl that was stopped
for a week catches up with one check, not five.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# The schedule's text is a setting: its parser lives with the settings' checks, so the
# table refuses at start-up exactly what this stage could not use.
from kuaizhao.setting_checks import parse_schedule, schedule_problem

DEFAULT_SCHEDULE = "1h,6h,1d,7d,30d"
__all__ = ["DEFAULT_SCHEDULE", "next_recheck", "parse_schedule", "schedule_problem"]


def next_recheck(first_captured: datetime, now: datetime,
                 schedule: tuple[timedelta, ...]) -> datetime | None:
    """The next time to fetch an article first captured at `first_captured`, or None
    when every age of the schedule has passed."""
    for age in schedule:
        due = first_captured + age
        if due > now:
            return due
    return None
