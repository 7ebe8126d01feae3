"""The crawler's one seam to time: `now()` and sleeping until something is due.

`SystemClock` is the wall clock. `SimClock` is for benchmarks that replay a day of
publishing in seconds: it runs at real speed while any of its actors is working (so
every fetch, WARC write and database transaction costs what it really costs) and jumps
straight to the earliest wake-up when all of them sleep — the idle waiting between
polls, and only that, is skipped. An `Alarm` wakes a sleeper early (a WebSub push).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from kuaizhao.errors import UsageError


class Alarm:
    """Wakes whoever sleeps on it; a ring while nobody sleeps is kept until the next
    sleep, so a wake-up is never lost."""

    def __init__(self) -> None:
        self._rung = False
        self._listeners: list[Callable[[], None]] = []

    @property
    def rung(self) -> bool:
        return self._rung

    def ring(self) -> None:
        self._rung = True
        for listener in list(self._listeners):
            listener()

    def take(self) -> bool:
        """Whether it rang since the last take; resets it."""
        rung, self._rung = self._rung, False
        return rung

    def listen(self, listener: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)


class Clock(Protocol):
    def now(self) -> datetime: ...
    async def sleep_until(self, when: datetime, alarm: Alarm) -> None: ...


class SystemClock:
    """Wall-clock time. A sleep lasts at most `poll_cap` seconds, so work another
    process put in the database (a WebSub push received by `kuaizhao serve`) is seen
    within that long even when no alarm rings in this process."""

    def __init__(self, poll_cap: float = 1.0) -> None:
        self.poll_cap = poll_cap

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime, alarm: Alarm) -> None:
        if alarm.take():
            return
        delay = min(max((when - self.now()).total_seconds(), 0.0), self.poll_cap)
        if delay <= 0:
            await asyncio.sleep(0)
            return
        woken = asyncio.Event()
        stop_listening = alarm.listen(woken.set)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(woken.wait(), delay)
        finally:
            stop_listening()
            alarm.take()


@dataclass(eq=False)
class _Sleeper:
    when: datetime
    future: asyncio.Future[None] = field(repr=False)


class SimClock:
    """Compressed time for benchmarks and tests, shared by a fixed number of actors
    (for example the crawler, the simulated publishers and the benchmark driver), all
    on one event loop. Time advances at real speed, plus a jump whenever all `actors`
    sleep at once: to the earliest time any of them wakes."""

    def __init__(self, start: datetime, actors: int) -> None:
        if start.tzinfo is None or actors < 1:
            raise UsageError("SimClock needs an aware start time and at least one actor")
        self._start = start
        self._real_start = time.monotonic()
        self._skipped = 0.0
        self.actors = actors
        self._sleepers: list[_Sleeper] = []

    def now(self) -> datetime:
        elapsed = time.monotonic() - self._real_start + self._skipped
        return self._start + timedelta(seconds=elapsed)

    @property
    def skipped(self) -> float:
        """Seconds of simulated time jumped over so far."""
        return self._skipped

    def retire(self) -> None:
        """An actor is done for good: time no longer waits for it."""
        self.actors -= 1
        self._advance()

    async def sleep_until(self, when: datetime, alarm: Alarm) -> None:
        if alarm.take():
            return
        if when <= self.now():
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        sleeper = _Sleeper(when, loop.create_future())
        self._sleepers.append(sleeper)
        stop_listening = alarm.listen(lambda: self._wake(sleeper))
        # While others work, time passes at real speed: wake on a real timer too.
        timer = loop.call_later((when - self.now()).total_seconds(), self._wake, sleeper)
        try:
            self._advance()
            await sleeper.future
        finally:
            timer.cancel()
            stop_listening()
            self._wake(sleeper)
            alarm.take()

    def _wake(self, sleeper: _Sleeper) -> None:
        if sleeper in self._sleepers:
            self._sleepers.remove(sleeper)
        if not sleeper.future.done():
            sleeper.future.set_result(None)

    def _advance(self) -> None:
        if not self._sleepers or len(self._sleepers) < self.actors:
            return  # someone is still working; time runs at real speed meanwhile
        target = min(s.when for s in self._sleepers)
        gap = (target - self.now()).total_seconds()
        if gap > 0:
            self._skipped += gap
        now = self.now()
        for sleeper in [s for s in self._sleepers if s.when <= now]:
            self._wake(sleeper)
