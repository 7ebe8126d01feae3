"""Freshness: publication-to-capture lag and polling cost, adaptive vs fixed intervals.

A simulated publishing web (`kuaizhao.demo.publishing`) serves 50 sources on loopback —
regular desks, bursty breaking-news sources, nearly idle ones; every fifth advertises a
WebSub hub — and the real crawler (fetcher, WARC writer, SQLite store, extraction)
archives them. Each policy gets a fresh archive and the same publishing schedule:

* `adaptive+websub`: learned intervals (min 60 s, max 6 h, start 15 min), WebSub on;
* `adaptive`: learned intervals, polling only;
* `fixed-60`, `fixed-300`, `fixed-900`: every feed polled every 1, 5, 15 minutes.

Time is compressed by a `SimClock`: it runs at real speed while the crawler, the hub or
the driver is working — so every fetch, WARC write, extraction and database commit
costs its real time — and jumps to the next wake-up when all three sleep. Only idle
waiting is skipped; nothing is scaled. Lag = sim time the crawler committed the
article's capture (after its WARC record was written) minus its publication time.

Run: `python bench/bench_freshness.py [--hours 6] [--sources 50] [--policies ...]`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn

from kuaizhao.config import Settings, load_settings
from kuaizhao.demo.publishing import Publisher, PublishingWeb, plan_publishers
from kuaizhao.models import LinkKind
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.pipeline.websub import websub_options
from kuaizhao.schedule import Alarm, SimClock
from kuaizhao.sources import load_sources
from kuaizhao.store import SqliteStore
from kuaizhao.store.base import FrontierEntry
from kuaizhao.web.app import create_app
from kuaizhao.web.websub import install_push_listener

START = datetime(2024, 2, 7, 6, 0, tzinfo=UTC) - timedelta(hours=8)  # 06:00 Shanghai
FAST = {"min_host_interval": 0.0, "retries": 0, "fetch_timeout": 10.0, "warc_fsync": False,
        "total_concurrency": 16, "crawl_allow_private": True}
POLICIES = {"adaptive+websub": (900, 60, 21600), "adaptive": (900, 60, 21600),
            "fixed-60": (60, 60, 60), "fixed-300": (300, 300, 300), "fixed-900": (900, 900, 900)}


class TimedStore(SqliteStore):
    """The SQLite store, noting on the benchmark's clock when each article's capture
    is committed (`finish` runs in the transaction that points at the WARC record)."""

    clock: SimClock
    captured: dict[str, datetime]

    def finish(self, url: str, outcome: str, next_due_at: datetime | None) -> None:
        super().finish(url, outcome, next_due_at)
        if outcome == "ok" and url not in self.captured and "/news/" in url:
            self.captured[url] = self.clock.now()


@dataclass
class Result:
    policy: str
    lags: list[float] = field(default_factory=list)  # polled sources
    by_style: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    push_lags: list[float] = field(default_factory=list)  # WebSub sources
    missed: int = 0
    feed_requests: int = 0
    not_modified: int = 0
    too_often: int = 0  # polls closer than the source's min interval
    per_source: Counter[str] = field(default_factory=Counter)
    wall: float = 0.0


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _callback_server(store: SqliteStore, settings: Settings) -> tuple[uvicorn.Server,
                                                                            int]:
    app = create_app(store, settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error"))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    app.state.serving = asyncio.create_task(server.serve())  # kept: the loop holds weak refs
    while not server.started:
        await asyncio.sleep(0.01)
    port: int = server.servers[0].sockets[0].getsockname()[1]
    return server, port


def _warm_start(store: SqliteStore, crawler: Crawler, web: PublishingWeb) -> None:
    """The archive as a crawler running since yesterday leaves it: yesterday's items
    captured (on the frontier, done) and in each feed's poll history. Saves every run
    the same catch-up of ~700 old articles, which says nothing about freshness."""
    ids = {source.feeds[0]: sid for sid, source in crawler.sources.items()}
    with store.transaction():
        for p in web.publishers:
            feed = web.feed_url(p.key)
            old = [(web.article_url(p.key, n), t) for n, t in enumerate(p.times) if t < START]
            store.add_poll_items(feed, old, START)
            store.enqueue([FrontierEntry(url=u, source_id=ids[feed], kind=LinkKind.ARTICLE,
                                         due_at=t) for u, t in old])
            for url, _ in old:
                store.finish(url, "ok", None)


async def run_policy(policy: str, publishers: list[Publisher], hours: float,
                     workdir: Path) -> Result:
    interval, low, high = POLICIES[policy]
    websub = policy.endswith("+websub")
    pubs = publishers if websub else [replace(p, websub=False) for p in publishers]
    end = START + timedelta(hours=hours)
    clock = SimClock(START, actors=3 if websub else 2)
    home = workdir / policy
    home.mkdir(parents=True)
    result = Result(policy)
    started = time.monotonic()
    async with PublishingWeb(pubs, clock.now) as web:
        (home / "sources.toml").write_text(
            web.sources_toml(interval=interval, min_interval=low, max_interval=high),
            encoding="utf-8")
        settings = load_settings(home=str(home), environ={}, overrides=FAST)
        store = TimedStore.open(settings.database_path)
        store.clock, store.captured = clock, {}
        server = None
        if websub:
            server, port = await _callback_server(store, settings)
            settings = load_settings(home=str(home), environ={},
                                     overrides={**FAST, "public_url": f"http://127.0.0.1:{port}"})
        crawler = Crawler(store, settings, load_sources(settings.sources_path), clock=clock,
                          websub=websub_options(settings) if websub else None)
        if server is not None:
            install_push_listener(server.config.app, crawler.wake, clock.now)
        _warm_start(store, crawler, web)
        store.captured = {}

        async def driver() -> None:
            await clock.sleep_until(end, Alarm())
            crawler.stop()
            clock.retire()

        async def hub() -> None:
            await web.publish_loop(lambda t: clock.sleep_until(t, Alarm()), end)
            clock.retire()

        actors = [crawler.run(once=False), driver()] + ([hub()] if websub else [])
        await asyncio.gather(*actors)
        if server is not None:
            server.should_exit = True
            await asyncio.sleep(0.2)
        store.close()
    result.wall = time.monotonic() - started
    # items published before the last 30 minutes must all have been captured
    style = {p.key: p for p in pubs}
    for url, published in web.published(START, end - timedelta(minutes=30)).items():
        key = web.source_of(url)
        captured = store.captured.get(url)
        if captured is None or key is None:
            result.missed += 1
            continue
        lag = (captured - published).total_seconds()
        (result.push_lags if style[key].websub else result.lags).append(lag)
        if not style[key].websub:
            result.by_style[style[key].style].append(lag)
    polls: dict[str, list[datetime]] = defaultdict(list)
    for hit in web.hits:
        if hit.path == "/feed.xml":
            polls[hit.key].append(hit.at)
            result.feed_requests += 1
            result.not_modified += hit.status == 304
        result.per_source[hit.key] += 1
    for times in polls.values():
        result.too_often += sum(1 for a, b in itertools.pairwise(times)
                                if (b - a).total_seconds() < low - 1)
    return result


def _row(r: Result, hours: float, sources: int, baseline: int) -> str:
    lags = r.lags
    push = (f"{statistics.median(r.push_lags):.1f} / {_pct(r.push_lags, 0.95):.1f}"
            if r.push_lags else "–")
    return (f"| {r.policy} | {statistics.median(lags):.0f} | {_pct(lags, 0.95):.0f} | {push} | "
            f"{r.feed_requests / sources / hours:.1f} | {r.not_modified / r.feed_requests:.0%} | "
            f"{baseline / r.feed_requests:.1f}× | {r.too_often} | {r.missed} | {r.wall:.0f} s |")


async def main_async(args: argparse.Namespace) -> None:
    end = START + timedelta(hours=args.hours)
    publishers = plan_publishers(START, end, count=args.sources, seed=args.seed)
    items = sum(1 for p in publishers for t in p.times if START <= t < end)
    print(f"{args.sources} sources over {args.hours} simulated hours from "
          f"{START.isoformat()} ({items} items; styles "
          f"{dict(Counter(p.style for p in publishers))}; "
          f"{sum(p.websub for p in publishers)} with WebSub)\n", flush=True)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for policy in args.policies:
            results.append(await run_policy(policy, publishers, args.hours, Path(tmp)))
            print(f"  {policy}: done in {results[-1].wall:.0f} s", file=sys.stderr, flush=True)
    baseline = next((r.feed_requests for r in results if r.policy == "fixed-60"),
                    results[0].feed_requests)
    print("| policy | median lag s | p95 lag s | WebSub median / p95 s | feed req/source/h | "
          "304 share | fewer requests than fixed-60 | polls under min interval | "
          "missed | wall |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(_row(r, args.hours, args.sources, baseline))
    print("\nmedian / p95 lag (s) of polled items by publisher style:")
    for r in results:
        print(f"  {r.policy}: " + ", ".join(
            f"{style} {statistics.median(v):.0f} / {_pct(v, 0.95):.0f} (n={len(v)})"
            for style, v in sorted(r.by_style.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=6.0, help="simulated hours per policy")
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--policies", nargs="+", default=list(POLICIES), choices=list(POLICIES))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
