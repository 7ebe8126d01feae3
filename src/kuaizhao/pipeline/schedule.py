"""Adaptive polling wired to the store: what each poll of a discovery URL saw, and
when to poll it next.

The crawl loop calls `observe` with a feed's candidates while it parses them and
`after_poll` inside the transaction that finishes the poll; `after_poll` records the
items (new ones are those this URL never listed before), updates the URL's poll
record and returns its next due time from `schedule.decide_next_poll`. `claim` hands
out due URLs fairly between sources (`schedule.pick_fair`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kuaizhao.discover.websub import HubLinks
from kuaizhao.models import Candidate, FetchOutcome, LinkKind
from kuaizhao.schedule import (
    Due,
    PollDecision,
    PollLimits,
    PollState,
    decide_next_poll,
    pick_fair,
)
from kuaizhao.sources import SourceConfig
from kuaizhao.store.base import FrontierItem, Store
from kuaizhao.store.polling import PollRecord

FUTURE_SKEW = timedelta(minutes=5)  # a publication time this far ahead is a wrong zone
PER_SOURCE_IN_FLIGHT = 2  # one fetching, one waiting at the host's politeness gate
SUCCESS = {FetchOutcome.OK, FetchOutcome.NOT_MODIFIED}


def item_time(candidate: Candidate, seen_at: datetime) -> datetime:
    """When an item appeared: its stated publication time when plausible, else now."""
    stated = candidate.published_at or candidate.updated_at
    if stated is None or stated.tzinfo is None or stated > seen_at + FUTURE_SKEW:
        return seen_at
    return min(stated, seen_at)


def limits_of(source: SourceConfig | None, host_interval: float) -> PollLimits:
    if source is None:
        return PollLimits(60.0, 21600.0, 900.0, host_interval)
    return PollLimits(float(source.min_interval), float(source.max_interval),
                      float(source.interval), host_interval)


class PollScheduler:
    """Per-crawl state between parsing a poll's body and finishing it in the store."""

    def __init__(self, store: Store, host_interval: Callable[[str], float]) -> None:
        self.store = store
        self._host_interval = host_interval
        self._seen: dict[str, tuple[Candidate, ...]] = {}
        self.hubs: dict[str, HubLinks] = {}  # feed url -> hubs it advertised on its last poll
        self.last_decision: dict[str, PollDecision] = {}

    def observe(self, url: str, candidates: Sequence[Candidate],
                hubs: HubLinks | None = None) -> None:
        """What a changed discovery page listed (called while parsing it)."""
        self._seen[url] = tuple(candidates)
        if hubs is not None and hubs.topic_and_hub:
            self.hubs[url] = hubs

    def first_due(self, url: str, now: datetime, *, once: bool) -> datetime | None:
        """When a root URL is due at start-up: now for a one-shot crawl; in continuous
        mode, when the previous run scheduled it (a restart picks up where it stopped),
        or now when it has never been scheduled. None: leave the frontier row alone."""
        if once or self.store.frontier_state(url) != "pending":
            return now
        record = self.store.poll_record(url)
        return None if record is not None and record.next_poll_at is not None else now

    def after_poll(self, item: FrontierItem, outcome: FetchOutcome, error: str | None,
                   now: datetime, source: SourceConfig | None) -> datetime:
        """Record one poll (inside the poll's transaction); returns its next due time."""
        before = self.store.poll_record(item.url) or PollRecord(
            url=item.url, source_id=item.source_id, kind=item.kind)
        seen = self._seen.pop(item.url, None)
        new: list[str] = []
        if seen:
            items = [(c.url, item_time(c, now)) for c in seen if c.kind is LinkKind.ARTICLE]
            new = self.store.add_poll_items(item.url, items, now)
        ok = outcome in SUCCESS
        found = bool(new) and before.polls > 0  # a first poll finds "everything": no burst
        subscription = self.store.websub_subscription(item.url)
        pushed = (subscription is not None and subscription.state == "active"
                  and (subscription.expires_at is None or subscription.expires_at > now))
        state = PollState(
            item_times=tuple(self.store.poll_item_times(item.url)),
            last_new_at=now if found else before.last_new_at,
            empty_polls=0 if found else before.empty_polls + (1 if ok else 0),
            errors=0 if ok else before.errors + 1,
            pushed=pushed,
        )
        zone = ZoneInfo(source.zone) if source else ZoneInfo("UTC")
        decision = decide_next_poll(state, now, limits_of(source, self._host_interval(
            item.url)), zone)
        self.last_decision[item.url] = decision
        self.store.save_poll_record(replace(
            before, source_id=item.source_id, last_poll_at=now, next_poll_at=decision.due_at,
            interval_seconds=decision.interval, reason=decision.reason,
            last_new_at=state.last_new_at, empty_polls=state.empty_polls, errors=state.errors,
            polls=before.polls + 1,
            not_modified=before.not_modified + (1 if ok and seen is None else 0),
            failures=before.failures + (0 if ok else 1), new_items=before.new_items + len(new),
            last_error=before.last_error if ok else (error or outcome.value)))
        return decision.due_at

    def claim(self, now: datetime, limit: int, in_flight: Counter[int | None],
              lease_seconds: float, worker: str) -> list[FrontierItem]:
        """Claim up to `limit` due URLs, best first, at most PER_SOURCE_IN_FLIGHT per source
        counting the ones this worker already has in flight."""
        if limit <= 0:
            return []
        due = [Due(d.url, d.source_id, d.priority, d.due_at)
               for d in self.store.due_per_source(now, PER_SOURCE_IN_FLIGHT)]
        picked = pick_fair(due, in_flight, PER_SOURCE_IN_FLIGHT, limit)
        return self.store.claim_urls([d.url for d in picked], now, lease_seconds, worker)
