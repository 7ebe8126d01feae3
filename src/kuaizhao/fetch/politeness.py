"""Per-host pacing: never faster than a host's interval, never more than its share
of parallel requests, and one slow host never holds up the others.

Each host key (`scheme://host:port`) has a gate with its own semaphore and "next
allowed start" time. A request first waits at its host's gate and only then takes
one of the global slots, so requests queued behind a slow or rate-limited host hold
no global slot while they wait.

Several crawl processes (on one machine or many) pace a host together through a
`SharedPacing` (the archive database): each start is reserved there, at least an
interval after the last start any process reserved, so the host never sees requests
faster than its interval however many workers run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

# A start this many seconds after its reserved time is late: it takes another turn.
LATE_START = 0.02


class SharedPacing(Protocol):
    """Start times of a host's requests, shared by every crawl process."""

    def reserve_host_start(self, key: str, interval: float, now: float) -> float:
        """Reserve the next start (epoch seconds), `interval` after the last one."""
        ...

    def defer_host(self, key: str, until: float) -> None:
        """No start of `key` before `until` (epoch seconds): 429, Retry-After, backoff."""
        ...


class HostGate:
    """Pacing state of one host. `interval` is seconds between request *starts*."""

    def __init__(self, concurrency: int, interval: float, key: str = "",
                 shared: SharedPacing | None = None) -> None:
        self.interval = interval
        self._key = key
        self._shared = shared
        self.in_flight = 0
        self.requests = 0
        self._slots = asyncio.Semaphore(concurrency)
        self._next_start = 0.0

    def defer(self, seconds: float) -> None:
        """Push the next start at least `seconds` into the future (429, Retry-After,
        backoff after errors): the whole host slows down, not just one request."""
        loop = asyncio.get_running_loop()
        self._next_start = max(self._next_start, loop.time() + seconds)
        if self._shared is not None:
            self._shared.defer_host(self._key, time.time() + seconds)

    @property
    def next_start(self) -> float:
        return self._next_start

    async def _acquire(self, global_slots: asyncio.Semaphore) -> None:
        loop = asyncio.get_running_loop()
        await self._slots.acquire()
        try:
            while True:
                delay = self._next_start - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                    continue
                await global_slots.acquire()
                # Re-check after the wait for a global slot: with host_concurrency > 1
                # another request of this host may have started meanwhile.
                now = loop.time()
                if self._next_start <= now:
                    self._next_start = now + self.interval
                    break
                global_slots.release()
        except BaseException:
            self._slots.release()
            raise
        if self._shared is not None:
            try:
                await self._shared_turn()
            except BaseException:
                global_slots.release()
                self._slots.release()
                raise

    async def _shared_turn(self) -> None:
        """Wait for the start reserved among all workers. The global slot is already
        held, so no other request of ours can delay this one past its start; a busy
        event loop still can, and a late start may land right after a start another
        worker reserved after ours, so a late waker takes a new turn instead."""
        assert self._shared is not None
        while True:
            start = await asyncio.to_thread(self._shared.reserve_host_start, self._key,
                                            self.interval, time.time())
            wait = start - time.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if time.time() - start <= LATE_START:
                return

    @asynccontextmanager
    async def slot(self, global_slots: asyncio.Semaphore) -> AsyncIterator[None]:
        await self._acquire(global_slots)
        self.in_flight += 1
        self.requests += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            global_slots.release()
            self._slots.release()


class Politeness:
    """All hosts' gates plus the global concurrency limit, for one Fetcher."""

    def __init__(self, host_concurrency: int, total_concurrency: int,
                 min_interval: float, shared: SharedPacing | None = None) -> None:
        self._shared = shared
        self._host_concurrency = host_concurrency
        self._min_interval = min_interval
        self._global = asyncio.Semaphore(total_concurrency)
        self._gates: dict[str, HostGate] = {}

    def gate(self, key: str) -> HostGate:
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = HostGate(self._host_concurrency, self._min_interval,
                                               key, self._shared)
        return gate

    def slot(self, key: str) -> AbstractAsyncContextManager[None]:
        return self.gate(key).slot(self._global)

    def set_crawl_delay(self, key: str, seconds: float | None) -> None:
        """Apply a robots.txt Crawl-delay: it can slow a host, never speed it up
        beyond the configured minimum interval."""
        self.gate(key).interval = max(self._min_interval, seconds or 0.0)

    def stats(self) -> dict[str, tuple[int, int, float]]:
        """Per host key: (requests made, in flight now, interval in seconds)."""
        return {k: (g.requests, g.in_flight, g.interval) for k, g in self._gates.items()}
