"""The simulated clock skips idle time only, and alarms cut sleeps short."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest

from kuaizhao.errors import UsageError
from kuaizhao.schedule import Alarm, SimClock, SystemClock

T0 = datetime(2024, 2, 7, 13, 0, tzinfo=UTC)


async def test_sim_clock_jumps_when_every_actor_sleeps() -> None:
    clock = SimClock(T0, actors=2)
    woke: list[tuple[str, datetime]] = []

    async def actor(name: str, hours: float) -> None:
        await clock.sleep_until(T0 + timedelta(hours=hours), Alarm())
        woke.append((name, clock.now()))
        clock.retire()

    started = time.monotonic()
    await asyncio.gather(actor("a", 3), actor("b", 5))
    assert time.monotonic() - started < 1.0
    assert [name for name, _ in woke] == ["a", "b"]
    assert woke[0][1] - T0 >= timedelta(hours=3)
    assert woke[1][1] - T0 >= timedelta(hours=5)
    assert clock.skipped >= 5 * 3600 - 1


async def test_sim_clock_runs_at_real_speed_while_someone_works() -> None:
    clock = SimClock(T0, actors=2)
    sleeper_woke = asyncio.Event()

    async def sleeper() -> tuple[datetime, float]:
        await clock.sleep_until(T0 + timedelta(seconds=0.2), Alarm())
        woke, skipped = clock.now(), clock.skipped
        sleeper_woke.set()
        clock.retire()
        return woke, skipped

    async def worker() -> None:
        # Busy (not sleeping on the clock) until the sleeper is up, however long the
        # machine takes: time must run at real speed meanwhile, with no jump at all.
        await sleeper_woke.wait()
        await clock.sleep_until(T0 + timedelta(hours=1), Alarm())

    task = asyncio.create_task(worker())
    woke, skipped = await sleeper()
    assert skipped == 0
    assert timedelta(seconds=0.2) <= woke - T0 < timedelta(hours=1)
    await asyncio.wait_for(task, 60)  # alone now: its hour is skipped, not waited
    assert clock.skipped > 0
    assert clock.now() - T0 >= timedelta(hours=1)


async def test_alarm_wakes_a_sleeper_and_is_not_lost() -> None:
    clock = SimClock(T0, actors=2)
    alarm = Alarm()

    async def crawler() -> datetime:
        await clock.sleep_until(T0 + timedelta(hours=10), alarm)
        woke = clock.now()
        clock.retire()
        return woke

    async def pusher() -> None:
        await clock.sleep_until(T0 + timedelta(minutes=5), Alarm())
        alarm.ring()
        await clock.sleep_until(T0 + timedelta(hours=20), Alarm())

    push = asyncio.create_task(pusher())
    woke = await crawler()
    assert timedelta(minutes=5) <= woke - T0 < timedelta(minutes=6)
    await asyncio.wait_for(push, 1.0)
    ringing = Alarm()
    ringing.ring()  # rung while nobody slept: the next sleep returns at once
    await asyncio.wait_for(SystemClock().sleep_until(T0 + timedelta(days=1), ringing), 0.5)
    assert not ringing.rung


def test_sim_clock_needs_aware_time() -> None:
    with pytest.raises(UsageError):
        SimClock(datetime(2024, 1, 1), actors=1)
