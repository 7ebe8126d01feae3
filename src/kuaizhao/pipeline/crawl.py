"""The crawl loop: claim due URLs, fetch them politely, archive, discover, ingest.

Every fetch ends in one database transaction that records the capture rows, the
snapshot, the URLs it discovered, the fetch outcome and the frontier update, written
after the WARC records are on disk. A crawl killed at any point therefore resumes
from the frontier: claims of a dead worker on this host are released at start-up,
claims of workers elsewhere expire after `lease_seconds`, and records a dead writer
put in its WARC file but never committed are indexed first (`reconcile`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from multiprocessing import get_context

from kuaizhao.archive import RevisitOf, WarcOptions, WarcWriter, payload_digest
from kuaizhao.archive.storage import Publisher, open_storage
from kuaizhao.config import Settings
from kuaizhao.dedupe import decide_capture
from kuaizhao.discover import category_for
from kuaizhao.fetch import Fetcher, FetchOptions, Validators
from kuaizhao.models import ArchivedExchange, FetchOutcome, FetchResult, Headers, LinkKind
from kuaizhao.pipeline.discovery import DiscoveryReader
from kuaizhao.pipeline.ingest import KIND_FIELD, new_capture, save
from kuaizhao.pipeline.reconcile import process_alive, reconcile
from kuaizhao.pipeline.removal import Examined, examine_all, warm_up
from kuaizhao.pipeline.schedule import PollScheduler
from kuaizhao.pipeline.versions import recheck_at
from kuaizhao.pipeline.websub import WebSubOptions, WebSubSubscriber
from kuaizhao.schedule import PRIORITY_RECHECK, Alarm, Clock, SystemClock
from kuaizhao.sources import SourceConfig, own_private_hosts
from kuaizhao.store.base import CaptureRef, FrontierEntry, FrontierItem, NewCapture, Store
from kuaizhao.subscribe.alerts import AlertWorker
from kuaizhao.takedown.service import fetch_forbidden, honour_noarchive
from kuaizhao.urls import host_key

log = logging.getLogger(__name__)

# New articles first, then discovery pages; a source's listing never starves its articles.
PRIORITY = {LinkKind.ARTICLE: 10, LinkKind.FEED: 5, LinkKind.SITEMAP: 5, LinkKind.LISTING: 4}
# Outcomes worth another try later; after MAX_ATTEMPTS the URL is marked failed.
TRANSIENT = {FetchOutcome.TIMEOUT, FetchOutcome.CONNECTION_ERROR, FetchOutcome.HTTP_ERROR,
             FetchOutcome.TRUNCATED, FetchOutcome.TLS_ERROR, FetchOutcome.UNPARSEABLE}
MAX_ATTEMPTS = 4
RETRY_AFTER = timedelta(minutes=10)


@dataclass
class CrawlReport:
    outcomes: Counter[str] = field(default_factory=Counter)
    snapshots: int = 0
    revisits: int = 0
    discovered: int = 0

    def summary(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.outcomes.items()))
        return (f"{sum(self.outcomes.values())} fetches ({parts}); {self.snapshots} new snapshots, "
                f"{self.revisits} unchanged, {self.discovered} new URLs discovered")


def fetch_options(settings: Settings, sources: list[SourceConfig]) -> FetchOptions:
    return FetchOptions(
        user_agent=settings.user_agent, timeout=settings.fetch_timeout,
        max_body_bytes=settings.max_body_bytes, max_redirects=settings.max_redirects,
        retries=settings.retries, min_host_interval=settings.min_host_interval,
        host_concurrency=settings.host_concurrency, total_concurrency=settings.total_concurrency,
        obey_robots=settings.obey_robots, allow_private_addresses=settings.crawl_allow_private,
        own_hosts=own_private_hosts(sources),
    )


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def release_dead_claims(store: Store) -> int:
    """Release claims held by crawl processes on this host that no longer run."""
    host = socket.gethostname()
    released = 0
    for claimant in store.claimants():
        name, _, pid = claimant.rpartition(":")
        if name == host and pid.isdigit() and not process_alive(int(pid)):
            released += store.release_claims(claimant)
    return released


class Crawler:
    """`clock` is the wall clock unless a benchmark compresses time; `websub` turns on
    WebSub subscriptions (it needs the public URL of the site that receives pushes)."""

    def __init__(self, store: Store, settings: Settings, sources: list[SourceConfig],
                 progress: Callable[[CrawlReport], None] | None = None, *,
                 clock: Clock | None = None, websub: WebSubOptions | None = None) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self._alarm = Alarm()  # rung by stop() and by pushes: ends the idle sleep at once
        self._fetcher: Fetcher | None = None
        self._pool: Executor | None = None
        self._polls = PollScheduler(store, self._host_interval)
        self._in_flight: Counter[int | None] = Counter()
        self.settings = settings
        self.progress = progress
        self.report = CrawlReport()
        self.sources: dict[int, SourceConfig] = {}
        for source in sources:
            self.sources[store.upsert_source(source.name, source.homepage, source.to_json())] = (
                source)
        self._stopping = asyncio.Event()
        self._worker = worker_id()
        self._roots = {u for s in sources for _, u in s.roots}
        self._reader = DiscoveryReader(self._roots)
        self._root_source = {u: sid for sid, s in self.sources.items() for _, u in s.roots}
        self._websub = (WebSubSubscriber(store, websub, self.sources, self.clock.now)
                        if websub is not None else None)

    def stop(self) -> None:
        self._stopping.set()
        self._alarm.ring()

    def wake(self) -> None:
        """Look for due work now (a WebSub push arrived); call on the crawl's loop."""
        self._alarm.ring()

    def _host_interval(self, url: str) -> float:
        """The fetcher's pacing for the URL's host (robots Crawl-delay included)."""
        if self._fetcher is None:
            return 0.0
        stats = self._fetcher.host_stats().get(host_key(url))
        return stats[2] if stats else 0.0

    def _schedule_sources(self, now: datetime, *, once: bool = True) -> None:
        entries = [FrontierEntry(url=u, source_id=source_id, kind=kind, due_at=now,
                                 priority=PRIORITY[kind])
                   for source_id, source in self.sources.items() for kind, u in source.roots]
        with self.store.transaction():
            self.store.enqueue(entries)
            for entry in entries:
                due = self._polls.first_due(entry.url, now, once=once)
                if due is not None:
                    self.store.reschedule(entry.url, due)

    async def run(self, *, once: bool) -> CrawlReport:
        released = release_dead_claims(self.store)
        if released:
            log.info("released %d URLs claimed by a crawl that is no longer running", released)
        # Records a killed crawl wrote but did not commit: index them before fetching anew.
        reconcile(self.store, self.settings, list(self.sources.values()))
        self._schedule_sources(self.clock.now(), once=once)
        alerts = AlertWorker(self.store, self.settings)  # subscription webhooks, digests
        alerts.start()
        loop = asyncio.get_running_loop()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGTERM, self.stop)
        warc = WarcOptions(directory=self.settings.warc_path,
                           max_file_bytes=self.settings.warc_max_bytes,
                           fsync=self.settings.warc_fsync)
        limit = max(2, self.settings.total_concurrency * 2)
        tasks: set[asyncio.Task[None]] = set()
        # Finished WARC files go to their storage on a background thread (S3: uploaded),
        # starting with any a crashed crawl left behind.
        publisher = Publisher(open_storage(self.settings.warc_storage_options))
        publisher.submit_leftovers()
        processes = self.settings.extract_processes
        # forkserver: a fork of this process would copy its threads' locks mid-use. One
        # thread otherwise: extraction in turn, as before, but off the event loop, which
        # then keeps to the hosts' reserved start times while a page is being extracted.
        self._pool = (ProcessPoolExecutor(processes, mp_context=get_context("forkserver"))
                      if processes > 0 else
                      ThreadPoolExecutor(1, thread_name_prefix="kuaizhao-extract"))
        try:
            await loop.run_in_executor(self._pool, warm_up)
            if processes > 0:
                warm_up()  # this process indexes: its own dictionaries too
            # Paced through the database: every worker of this archive shares the pace.
            async with Fetcher(fetch_options(self.settings, list(self.sources.values())),
                               self.store) as fetcher:
                self._fetcher = fetcher
                with WarcWriter(warc, on_finished=publisher.submit) as writer:
                    while not self._stopping.is_set():
                        self._websub_step()
                        items = self._polls.claim(
                            self.clock.now(), limit - len(tasks), self._in_flight,
                            self.settings.lease_seconds, self._worker)
                        for item in items:
                            tasks.add(self._start(fetcher, writer, item))
                        if not tasks:
                            if once:
                                break
                            await self._idle()
                            continue
                        done, tasks = await asyncio.wait(
                            tasks, timeout=1.0, return_when=asyncio.FIRST_COMPLETED)
                        for task in done:
                            task.result()
                    if tasks:  # finish what is in flight before closing the WARC file
                        await asyncio.gather(*tasks)
        finally:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signal.SIGTERM)
            await alerts.stop()
            await asyncio.to_thread(publisher.close)
            if self._websub is not None:
                await self._websub.close()
            self._pool.shutdown(cancel_futures=True)
            self._fetcher = self._pool = None
        return self.report

    async def _idle(self) -> None:
        """Sleep until the earliest frontier URL is due, a push arrives or stop()."""
        due = self.store.next_due_at()
        until = due if due is not None else self.clock.now() + timedelta(hours=1)
        await self.clock.sleep_until(until, self._alarm)

    def _start(self, fetcher: Fetcher, writer: WarcWriter,
               item: FrontierItem) -> asyncio.Task[None]:
        self._in_flight[item.source_id] += 1
        task = asyncio.create_task(self._process(fetcher, writer, item))
        task.add_done_callback(lambda _: self._in_flight.subtract([item.source_id]))
        return task

    def _websub_step(self) -> None:
        """Renew subscriptions that need it and queue the articles pushes announced."""
        if self._websub is None:
            return
        self._websub.maintain(self._polls.hubs, self._root_source)
        with self.store.transaction():
            self.report.discovered += self.store.enqueue(self._websub.drain())

    async def _process(self, fetcher: Fetcher, writer: WarcWriter, item: FrontierItem) -> None:
        source = self.sources.get(item.source_id) if item.source_id is not None else None
        if fetch_forbidden(self.store, item.url, source):  # taken down: never re-captured
            with self.store.transaction():
                self.store.finish(item.url, "taken_down", None)
            log.info("not fetching %s: a takedown removes it", item.url)
            return
        previous = self.store.last_capture(item.url)
        # Articles too: a re-check of an unchanged article is a 304 and a revisit record.
        validators = (Validators(etag=previous.etag, last_modified=previous.last_modified)
                      if previous else None)
        result = await fetcher.fetch(item.url, validators)
        if item.kind is LinkKind.ARTICLE:
            result = honour_noarchive(result, source)  # meta robots / X-Robots-Tag
        archived = self._archive(writer, result, item.kind)
        now = self.clock.now()
        final = result.final
        outcome, error = result.outcome, result.error
        discovered: list[FrontierEntry] = []
        # Article URLs: the article on each exchange, and whether it shows the page gone.
        examined = await self._examine(
            [(new_capture(rec, ex.response_headers, item.source_id), ex.response_headers, ex.body)
             for ex, rec in zip(result.exchanges, archived, strict=True)],
            source) if item.kind is LinkKind.ARTICLE else []
        if final is not None and archived and final.status == 200:
            capture = new_capture(archived[-1], final.response_headers, item.source_id)
            if item.kind is not LinkKind.ARTICLE and not capture.is_revisit:
                discovered, failure = self._discover(item, final.body, final.url, source, now)
                if failure is not None:  # fetched fine, but nothing could be read from it
                    outcome, error = FetchOutcome.UNPARSEABLE, failure
        next_due = self._next_due(item, outcome, now, source)
        priority = None
        if item.kind is LinkKind.ARTICLE and next_due is None:
            # A later look at a captured article waits behind new articles and feeds.
            priority = PRIORITY_RECHECK
            next_due = recheck_at(self.store, item.url, now, self.settings.recheck_schedule,
                                  captured=any(e.article is not None for e in examined))
        with self.store.transaction():
            for i, (exchange, rec) in enumerate(zip(result.exchanges, archived, strict=True)):
                capture = new_capture(rec, exchange.response_headers, item.source_id)
                seen = examined[i] if examined else None
                ingested = save(self.store, capture, seen.article if seen else None,
                                seen.removal if seen else None)
                if ingested.snapshot_id is not None:
                    self.report.snapshots += 1
                if rec.is_revisit:
                    self.report.revisits += 1
            self.report.discovered += self.store.enqueue(discovered)
            self.store.record_fetch(item.url, item.source_id, item.kind, outcome.value,
                                    final.status if final else None, error, now)
            if item.kind is not LinkKind.ARTICLE and item.url in self._roots:
                next_due = self._polls.after_poll(item, outcome, error, now, source)
            self.store.finish(item.url, outcome.value, next_due, priority)
        self.report.outcomes[outcome.value] += 1
        log.log(logging.DEBUG if outcome is FetchOutcome.OK else logging.INFO,
                "%s %s %s%s", item.kind.value, outcome.value, item.url,
                f" ({error})" if error else "")
        if self.progress:
            self.progress(self.report)

    async def _examine(self, exchanges: list[tuple[NewCapture, Headers, bytes]],
                       source: SourceConfig | None) -> list[Examined]:
        """Extraction is the crawl's CPU work: in the pool, so the event loop keeps
        fetching (and pacing hosts on time) meanwhile."""
        assert self._pool is not None, "extraction outside Crawler.run()"
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, examine_all, exchanges, source,
                                          self.settings)

    def _archive(self, writer: WarcWriter, result: FetchResult,
                 kind: LinkKind) -> list[ArchivedExchange]:
        """Write every exchange; the final one is a revisit when its payload is unchanged.

        Each record says what the crawler fetched it as, so `reindex` can tell a listing
        page (kept, not extracted) from an article without the database.
        """
        fields = ((KIND_FIELD, kind.value),)
        out = []
        for i, exchange in enumerate(result.exchanges):
            revisit_of = None
            if i == len(result.exchanges) - 1 and exchange.status in (200, 304):
                previous = self.store.last_capture(exchange.url)
                digest = payload_digest(exchange.raw_body)
                decision = decide_capture(digest, exchange.status,
                                          previous.payload_digest if previous else None)
                if decision.revisit and previous is not None:
                    # A revisit names the response record that holds the payload.
                    original = (self.store.capture_with_digest(previous.payload_digest)
                                or previous)
                    revisit_of = _revisit_of(original)
            out.append(writer.write_exchange(exchange, revisit_of, warc_fields=fields))
        return out

    def _discover(self, item: FrontierItem, body: bytes, url: str,
                  source: SourceConfig | None,
                  now: datetime) -> tuple[list[FrontierEntry], str | None]:
        """The URLs a discovery document lists, as frontier entries, and why it could
        not be read at all (None when it could)."""
        read = self._reader.read(item.kind, item.url, body, url, source,
                                 want_hubs=self._websub is not None)
        result = read.result
        for problem in result.problems:
            log.warning("%s: %s", url, problem)
        if read.failure is not None:
            return [], read.failure
        if item.url in self._roots:  # adaptive polling learns from what each poll lists
            self._polls.observe(item.url, result.candidates, read.hubs)
        rules = [(r.pattern, r.category) for r in source.category_rules] if source else []
        entries = [FrontierEntry(
            url=c.url, source_id=item.source_id, kind=LinkKind.ARTICLE, due_at=now,
            priority=PRIORITY[LinkKind.ARTICLE],
            category_hint=c.category or category_for(c.url, rules, None), title_hint=c.title,
        ) for c in result.candidates]
        entries += [FrontierEntry(url=c.url, source_id=item.source_id, kind=item.kind,
                                  due_at=now, priority=PRIORITY[item.kind])
                    for c in result.children]
        return entries, None

    def _next_due(self, item: FrontierItem, outcome: FetchOutcome, now: datetime,
                  source: SourceConfig | None) -> datetime | None:
        """When to fetch this URL again (None: never — it is captured or gone); the
        feeds, sitemaps and listings of sources are rescheduled by `_polls.after_poll`."""
        if outcome in TRANSIENT and item.attempts < MAX_ATTEMPTS:
            return now + RETRY_AFTER * item.attempts
        return None


def _revisit_of(previous: CaptureRef) -> RevisitOf:
    return RevisitOf(record_id=previous.record_id, url=previous.url,
                     date=previous.captured_at, payload_digest=previous.payload_digest)
