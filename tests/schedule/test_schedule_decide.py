"""The polling decisions as pure functions: rhythm learning, back-off, push, bursts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.errors import UsageError
from kuaizhao.schedule import (
    PollLimits,
    PollState,
    backoff_interval,
    decide_next_poll,
    interval_for_gap,
    learn_rhythm,
    next_expected,
)

NOW = datetime(2024, 2, 7, 13, 2, tzinfo=UTC)  # 21:02 in Shanghai
SHANGHAI = ZoneInfo("Asia/Shanghai")
LIMITS = PollLimits(min_interval=60, max_interval=21600, start_interval=900)


def every(seconds: float, n: int, last: datetime = NOW) -> tuple[datetime, ...]:
    return tuple(last - timedelta(seconds=seconds * i) for i in reversed(range(n)))


def test_a_feed_publishing_every_few_minutes_is_polled_every_minute() -> None:
    jittered = tuple(t + timedelta(seconds=(i * 37) % 90) for i, t in enumerate(every(240, 30)))
    decision = decide_next_poll(PollState(item_times=jittered), NOW, LIMITS, SHANGHAI)
    assert decision.interval == 60


def test_a_weekly_feed_is_polled_a_few_times_a_day() -> None:
    weekly = every(7 * 86400, 4, last=NOW - timedelta(days=2))
    decision = decide_next_poll(PollState(item_times=weekly), NOW, LIMITS, SHANGHAI)
    assert 3 <= 86400 / decision.interval <= 10
    assert decision.reason == "rate"


def test_the_interval_grows_with_the_gap_between_items() -> None:
    gaps = [60, 300, 900, 3600, 86400, 7 * 86400]
    intervals = [interval_for_gap(g) for g in gaps]
    assert intervals == sorted(intervals)
    assert interval_for_gap(300) == pytest.approx(60)


def test_a_regular_feed_is_polled_when_its_next_item_is_due() -> None:
    quarter = every(900, 12, last=NOW - timedelta(minutes=3))
    rhythm = learn_rhythm(quarter, NOW, UTC)
    assert rhythm.regular_gap == pytest.approx(900)
    decision = decide_next_poll(PollState(item_times=quarter), NOW, LIMITS, UTC)
    assert decision.reason == "expected"
    # next item at last + 15 min = NOW + 12 min; the window opens `spread` before it
    assert NOW + timedelta(minutes=11) <= decision.due_at <= NOW + timedelta(minutes=12)
    # inside the window: every minimum interval until the item shows up
    inside = decide_next_poll(PollState(item_times=quarter), NOW + timedelta(minutes=12),
                              LIMITS, UTC)
    assert inside.interval == 60
    assert inside.reason == "expected"


def test_a_broken_habit_is_no_longer_predicted() -> None:
    quarter = every(900, 12, last=NOW - timedelta(hours=2))
    assert next_expected(learn_rhythm(quarter, NOW, UTC), NOW, slack=60) is None


def test_irregular_gaps_are_not_called_regular() -> None:
    gaps = [60, 1500, 200, 3000, 90, 900, 2400, 300]
    times = [NOW]
    for g in gaps:
        times.insert(0, times[0] - timedelta(seconds=g))
    assert learn_rhythm(times, NOW, UTC).regular_gap is None


def test_new_items_start_a_burst_that_decays_with_empty_polls() -> None:
    times = tuple(NOW - timedelta(minutes=m) for m in (900, 700, 650, 300, 280, 100, 0))
    fresh = decide_next_poll(PollState(item_times=times, last_new_at=NOW), NOW, LIMITS, UTC)
    assert fresh.reason == "burst"
    assert fresh.interval == 60
    later = [decide_next_poll(PollState(item_times=times, last_new_at=NOW, empty_polls=n),
                              NOW, LIMITS, UTC).interval for n in range(12)]
    assert later == sorted(later)
    settled = decide_next_poll(PollState(item_times=times), NOW, LIMITS, UTC)
    assert settled.reason == "rate"
    assert later[-1] == settled.interval > 60


def test_time_of_day_slows_polling_at_night() -> None:
    # Three days of a desk publishing every 10 minutes from 08:00 to 20:00 Shanghai time.
    times = []
    day0 = datetime(2024, 2, 4, 8, 0, tzinfo=SHANGHAI)
    for d in range(3):
        times += [day0 + timedelta(days=d, minutes=10 * i + (i * 7) % 4) for i in range(72)]
    noon = datetime(2024, 2, 7, 12, 0, tzinfo=SHANGHAI)
    night = datetime(2024, 2, 7, 3, 0, tzinfo=SHANGHAI)
    day_poll = decide_next_poll(PollState(item_times=tuple(t for t in times if t < noon)),
                                noon, LIMITS, SHANGHAI)
    night_poll = decide_next_poll(PollState(item_times=tuple(t for t in times if t < night)),
                                  night, LIMITS, SHANGHAI)
    assert night_poll.interval > 5 * day_poll.interval


def test_errors_back_off_exponentially_up_to_the_maximum() -> None:
    waits = [backoff_interval(n, 60, LIMITS) for n in range(1, 12)]
    assert waits[:3] == [120, 240, 480]
    assert waits[-1] == LIMITS.max_interval
    decision = decide_next_poll(PollState(errors=3), NOW, LIMITS, UTC)
    assert decision.reason == "backoff"
    assert decision.interval == 900 * 8


def test_a_pushed_feed_is_polled_only_as_a_safety_net() -> None:
    decision = decide_next_poll(PollState(item_times=every(60, 50), pushed=True), NOW, LIMITS, UTC)
    assert decision.reason == "websub"
    assert decision.interval == LIMITS.max_interval


def test_robots_crawl_delay_raises_the_floor() -> None:
    slow_host = PollLimits(min_interval=60, max_interval=3600, start_interval=900,
                           host_interval=120)
    decision = decide_next_poll(PollState(item_times=every(60, 50)), NOW, slow_host, UTC)
    assert decision.interval == 120


def test_a_new_feed_starts_at_its_configured_interval() -> None:
    decision = decide_next_poll(PollState(), NOW, LIMITS, UTC)
    assert decision.reason == "start"
    assert decision.interval == 900


def test_inconsistent_limits_are_refused() -> None:
    with pytest.raises(UsageError, match="min_interval <= max_interval"):
        PollLimits(min_interval=600, max_interval=60, start_interval=300)


@given(
    gaps=st.lists(st.floats(min_value=0, max_value=30 * 86400), max_size=40),
    errors=st.integers(0, 40),
    empty=st.integers(0, 500),
    low=st.integers(10, 3600),
    extra=st.integers(0, 86400),
    pushed=st.booleans(),
)
def test_every_decision_stays_within_the_limits(gaps: list[float], errors: int, empty: int,
                                                low: int, extra: int, pushed: bool) -> None:
    limits = PollLimits(min_interval=low, max_interval=low + extra, start_interval=low)
    times = [NOW]
    for g in gaps:
        times.append(times[-1] - timedelta(seconds=g))
    state = PollState(item_times=tuple(times), last_new_at=NOW if empty < 250 else None,
                      empty_polls=empty, errors=errors, pushed=pushed)
    decision = decide_next_poll(state, NOW, limits, SHANGHAI)
    assert limits.min_interval <= decision.interval <= limits.max_interval
    assert decision.due_at == NOW + timedelta(seconds=decision.interval)
