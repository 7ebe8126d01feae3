"""Many readers at once: 50 concurrent clients against `kuaizhao serve` on the demo archive.

Crawls the demo web into a fresh archive, then for each code tree given (`--src
NAME=DIR`, e.g. main's `src/` beside this worktree's, in the same run) serves a copy of
that archive with the real server (`python -m kuaizhao serve`, uvicorn) and keeps
`--clients` clients busy for `--seconds` over a mix of pages: home, search pages and
the search API, snapshot pages and their JSON, URL lookups and category listings.
Each client sends its next request when the last one is answered, as a reader does.
Reports requests/s, p50/p99 latency, errors (any status >= 400 or failed request), the
server's RSS before and after (and its peak), and the load average of the machine.

`--crawl` also runs `kuaizhao crawl --once` on the same archive while the clients
read (the demo switched to its second edition, so the crawl writes new and changed
articles), and checks afterwards that every new article of that edition is stored:
a reader must never make the writer lose anything. `--postgres URL` repeats the runs
with the archive in a fresh database on that PostgreSQL server.

Run: `python bench/bench_load.py --src before=../old/src --src after=src --crawl` (two
checkouts of the same schema version).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import aiohttp
import psycopg
from bench_web import free_port, wait_for

from kuaizhao.config import load_settings
from kuaizhao.demo import DemoOptions, DemoWeb
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.sources import load_sources
from kuaizhao.store import open_store, open_url

QUERIES = ("科技创新", "无锡", "经济", "产业", "江苏", "新闻", "发展", "城市")


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    requests: int
    seconds: float
    latencies_ms: list[tuple[str, float]]  # (kind of page, ms)
    errors: int
    rss_before_mb: float
    rss_after_mb: float
    rss_peak_mb: float
    load: tuple[float, float]  # 1-minute load average before and after
    crawl: str  # what the crawl during the run did, or "" without one

    def row(self) -> str:
        ms = [t for _, t in self.latencies_ms]
        return (f"| {self.name} | {self.requests / self.seconds:.1f} | "
                f"{percentile(ms, 50):.0f} | {percentile(ms, 99):.0f} | {self.errors} | "
                f"{self.rss_before_mb:.0f} → {self.rss_after_mb:.0f} (peak {self.rss_peak_mb:.0f})"
                f" | {self.load[0]:.1f} → {self.load[1]:.1f} | {self.crawl or '–'} |")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))] if ordered else 0.0


def kind(path: str) -> str:
    """The kind of page a path asks for: `/snapshots/12` -> `/snapshots/…`."""
    base = path.split("?")[0]
    return base if base in ("/", "/api/v1/home", "/lookup", "/search", "/api/v1/search") else (
        base.rsplit("/", 1)[0] + "/…")


def by_kind(result: Result) -> str:
    kinds: dict[str, list[float]] = {}
    for name, ms in result.latencies_ms:
        kinds.setdefault(name, []).append(ms)
    return "\n".join(f"|   {result.name}: {name} | {len(ms)} | {percentile(ms, 50):.0f} | "
                     f"{percentile(ms, 99):.0f} |" for name, ms in sorted(kinds.items()))


def build_archive(home: Path, demo: DemoWeb, database_url: str = "") -> list[str]:
    """Crawl the demo's first edition into `home`; the mix of paths to read."""
    (home / "sources.toml").write_text(demo.sources_toml(), encoding="utf-8")
    settings = load_settings(home=str(home), environ={},
                             overrides={"min_host_interval": 0.0, "database_url": database_url})
    store = open_store(settings)
    try:
        asyncio.run(Crawler(store, settings, load_sources(settings.sources_path)).run(once=True))
        snaps = list(store.iter_snapshots())
        categories = [c for c, _ in store.categories()]
    finally:
        store.close()
    paths = ["/", "/api/v1/home"]
    for s in snaps:
        paths += [f"/snapshots/{s.id}", f"/api/v1/snapshots/{s.id}",
                  "/lookup?url=" + quote(s.url, safe="")]
    for q in QUERIES:
        paths += ["/search?q=" + quote(q)] * 3 + ["/api/v1/search?q=" + quote(q)] * 2
    paths += ["/categories/" + quote(c) for c in categories]
    return paths


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


async def hammer(base: str, paths: list[str], clients: int, seconds: float
                 ) -> tuple[list[tuple[str, float]], int, int]:
    """Latencies (kind of page, ms) of every answered request, errors, requests sent."""
    latencies: list[tuple[str, float]] = []
    errors = 0
    sent = 0
    deadline = time.monotonic() + seconds

    async def client(seed: int) -> None:
        nonlocal errors, sent
        rng = random.Random(seed)
        timeout = aiohttp.ClientTimeout(total=60)
        async with aiohttp.ClientSession(base, timeout=timeout) as session:
            while time.monotonic() < deadline:
                start = time.perf_counter()
                sent += 1
                path = rng.choice(paths)
                try:
                    async with session.get(path) as response:
                        await response.read()
                        if response.status >= 400:
                            errors += 1
                except (aiohttp.ClientError, TimeoutError):
                    errors += 1
                    continue
                latencies.append((kind(path), (time.perf_counter() - start) * 1000))

    await asyncio.gather(*(client(i) for i in range(clients)))
    return latencies, errors, sent


def run_one(name: str, src: Path, home: Path, paths: list[str], args: argparse.Namespace,
            demo: DemoWeb | None, env_extra: dict[str, str]) -> Result:
    env = {**os.environ, "PYTHONPATH": str(src), **env_extra}
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kuaizhao", "--home", str(home), "-q", "serve", "--port",
         str(port)], env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/", 180)
        for path in set(paths):  # one warm-up pass, as a reader's second visit would be
            wait_for(base + path)
        before = rss_mb(server.pid)
        load_before = os.getloadavg()[0]
        crawler = None
        if demo is not None:
            demo.set_edition(2)
            crawler = subprocess.Popen(
                [sys.executable, "-m", "kuaizhao", "--home", str(home), "-q", "crawl",
                 "--once"], env=env, stdout=subprocess.DEVNULL)
        started = time.monotonic()
        latencies, errors, _ = asyncio.run(hammer(base, paths, args.clients, args.seconds))
        elapsed = time.monotonic() - started
        after, peak = rss_mb(server.pid), rss_mb(server.pid, "VmHWM")
        load_after = os.getloadavg()[0]
        crawl = ""
        if crawler is not None and demo is not None:
            code = crawler.wait()
            crawl = crawl_check(home, demo, code, env_extra)
            demo.set_edition(1)
    finally:
        server.terminate()
        server.wait()
    return Result(name, len(latencies), elapsed, latencies, errors, before, after, peak,
                  (load_before, load_after), crawl)


def crawl_check(home: Path, demo: DemoWeb, code: int, env_extra: dict[str, str]) -> str:
    """Whether the crawl that ran under load stored every new article of edition 2."""
    url = env_extra.get("KUAIZHAO_DATABASE_URL") or f"sqlite:///{home / 'kuaizhao.sqlite3'}"
    store = open_url(url)
    try:
        urls = {s.url for s in store.iter_snapshots()}
    finally:
        store.close()
    new = demo.expected(2).new
    missing = sorted(new - urls)
    verdict = "all stored" if not missing else f"{len(missing)} MISSING"
    return f"exit {code}, {len(new)} new articles {verdict}"


def fresh_postgres(server: str) -> str:
    name = f"bench_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
    return f"{server}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", action="append", default=[], metavar="NAME=DIR",
                        help="a code tree to serve with (repeat to compare; default: src)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--crawl", action="store_true",
                        help="also run each tree with a crawl writing during the load")
    parser.add_argument("--postgres", metavar="URL", default="",
                        help="also run on a fresh database of this server "
                             "(e.g. postgresql://postgres@127.0.0.1:5432)")
    args = parser.parse_args()
    trees = [(n, Path(d).resolve()) for n, d in (s.split("=", 1) for s in args.src)] or [
        ("this tree", Path("src").resolve())]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        demo = DemoWeb(DemoOptions(crawl_delay=0.0, slow_seconds=0.1, retry_after=0))
        with demo.in_thread():
            seed = Path(tmp) / "seed"
            seed.mkdir()
            paths = build_archive(seed, demo)
            for name, src in trees:
                plans = [("", None)] + ([(" + crawl", demo)] if args.crawl else [])
                for suffix, crawl_demo in plans:
                    home = Path(tmp) / uuid.uuid4().hex
                    shutil.copytree(seed, home)
                    results.append(run_one(f"{name}, SQLite{suffix}", src, home, paths, args,
                                           crawl_demo, {}))
                    print(results[-1].row(), flush=True)
                if args.postgres:
                    home = Path(tmp) / uuid.uuid4().hex
                    home.mkdir()
                    url = fresh_postgres(args.postgres)
                    pg_paths = build_archive(home, demo, url)
                    results.append(run_one(f"{name}, PostgreSQL", src, home, pg_paths, args,
                                           None, {"KUAIZHAO_DATABASE_URL": url}))
                    print(results[-1].row(), flush=True)
    print(f"\n{args.clients} clients for {args.seconds:.0f} s, {len(set(paths))} distinct paths")
    print("| run | requests/s | p50 ms | p99 ms | errors | server RSS MB | load avg (1 min) "
          "| crawl during the run |\n|---|---|---|---|---|---|---|---|")
    print("\n".join(r.row() for r in results))
    print("\n| run: kind of page | requests | p50 ms | p99 ms |\n|---|---|---|---|")
    print("\n".join(by_kind(r) for r in results))


if __name__ == "__main__":
    main()
