"""Crawl throughput with 1, 2 and 4 worker processes sharing one PostgreSQL frontier.

The demo web has too few pages (about 15 articles) for a throughput figure, so this
serves the real article pages of ../shared/data (Zyte, magic-html, Fundus and GNE
pages, as their publishers wrote them) from OUTLETS loopback hosts, each with a
sitemap of its pages. Every worker is its own `kuaizhao crawl --once` process with
its own home directory, as on separate machines; they share the database and one WARC
directory. Politeness delays are off (no Crawl-delay, `min_host_interval = 0`), so
the figure is what the workers themselves can do on this machine. A single SQLite
crawl of the same pages runs beside them in the same run.

Run: `python bench/bench_workers.py [--data ../shared/data] [--workers 1,2,4]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg
from aiohttp import web

OUTLETS = 4
SERVER = os.environ.get("KUAIZHAO_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "kuaizhao_bench"
DATASETS = ("scrapinghub_aeb", "magic_html_article", "fundus_fixtures", "gne_zh_unlabeled")


def pages(data: Path) -> list[bytes]:
    found = [p for name in DATASETS for p in sorted((data / name / "html").glob("*.htm*"))]
    if not found:
        raise SystemExit(f"no pages under {data}/*/html: pass --data PATH_TO_SHARED_DATA")
    return [p.read_bytes() for p in found]


class PageWeb:
    """OUTLETS hosts on loopback; host n serves every OUTLETS-th page and a sitemap."""

    def __init__(self, bodies: list[bytes], latency: float = 0.0) -> None:
        self.bodies = bodies
        self.latency = latency
        self.ports: list[int] = []
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None

    def _app(self, n: int) -> web.Application:
        mine = {f"/a/{i}.html": body for i, body in enumerate(self.bodies) if i % OUTLETS == n}

        async def sitemap(request: web.Request) -> web.Response:
            base = f"http://{request.host}"
            urls = "".join(f"<url><loc>{base}{path}</loc><lastmod>2024-02-07</lastmod></url>"
                           for path in mine)
            return web.Response(
                text=f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                     f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>',
                content_type="application/xml")

        async def article(request: web.Request) -> web.Response:
            body = mine.get(request.path)
            if body is None:
                raise web.HTTPNotFound()
            await asyncio.sleep(self.latency)  # a distant or busy server
            return web.Response(body=body, content_type="text/html")

        async def robots(_: web.Request) -> web.Response:
            return web.Response(text="User-agent: *\nDisallow:\n")

        app = web.Application()
        app.router.add_get("/sitemap.xml", sitemap)
        app.router.add_get("/robots.txt", robots)
        app.router.add_get("/a/{name}", article)
        return app

    async def _serve(self) -> None:
        self._stop = asyncio.Event()
        runners = []
        for n in range(OUTLETS):
            runner = web.AppRunner(self._app(n), access_log=None)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            runners.append(runner)
            self.ports.append(runner.addresses[0][1])
        self._ready.set()
        await self._stop.wait()
        for runner in runners:
            await runner.cleanup()

    @contextmanager
    def running(self) -> Iterator[PageWeb]:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_until_complete, args=(self._serve(),))
        thread.start()
        self._ready.wait(10)
        try:
            yield self
        finally:
            assert self._stop is not None
            loop.call_soon_threadsafe(self._stop.set)
            thread.join()

    def sources_toml(self) -> str:
        return "".join(
            f'[[source]]\nname = "outlet {n}"\nhomepage = "http://127.0.0.1:{port}/"\n'
            f'sitemaps = ["http://127.0.0.1:{port}/sitemap.xml"]\n\n'
            for n, port in enumerate(self.ports))


@contextmanager
def schema() -> Iterator[str]:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (DATABASE,)).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")
    name = f"b_{uuid.uuid4().hex[:12]}"
    admin = f"{SERVER}/{DATABASE}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{admin}?options={quote(f'-csearch_path={name}')}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


def crawl(workers: int, work: Path, sources: Path, database: str,
          processes: int = 0, concurrency: int = 16) -> tuple[float, int]:
    """Wall seconds for `workers` processes to finish the crawl, and articles stored."""
    warc = work / "warc"
    warc.mkdir(parents=True)
    env = {**os.environ, "KUAIZHAO_SOURCES": str(sources), "KUAIZHAO_WARC_DIR": str(warc),
           "KUAIZHAO_MIN_HOST_INTERVAL": "0", "KUAIZHAO_DATABASE_URL": database,
           "KUAIZHAO_EXTRACT_PROCESSES": str(processes),
           "KUAIZHAO_TOTAL_CONCURRENCY": str(concurrency),
           "KUAIZHAO_CRAWL_ALLOW_PRIVATE": "true"}
    if workers > 1 or database:
        # Create the tables first, so the timed part is crawling only.
        subprocess.run([sys.executable, "-m", "kuaizhao", "--home", str(work / "init"),
                        "stats"], env=env, check=True, capture_output=True)
    start = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "kuaizhao", "--home", str(work / f"w{n}"),
                               "-q", "crawl", "--once"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for n in range(workers)]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a worker failed: {err.decode()[-2000:]}")
    elapsed = time.perf_counter() - start
    return elapsed, stored(database, work)


def stored(database: str, work: Path) -> int:
    if database:
        with psycopg.connect(database) as conn:
            row = conn.execute("SELECT count(*) FROM snapshots").fetchone()
    else:
        import sqlite3

        with sqlite3.connect(work / "w0" / "kuaizhao.sqlite3") as lite:
            row = lite.execute("SELECT count(*) FROM snapshots").fetchone()
    assert row is not None
    return int(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path(__file__).parents[2] / "shared/data")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds each article takes to answer (0: loopback speed)")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="total_concurrency of each worker")
    parser.add_argument("--extract-processes", type=int, default=2,
                        help="the second SQLite row: extraction in this many processes")
    args = parser.parse_args()
    bodies = pages(args.data.resolve())
    counts = [int(n) for n in args.workers.split(",")]
    print(f"{len(bodies)} real article pages on {OUTLETS} loopback hosts, each answering in "
          f"{args.latency:.2f} s; total_concurrency {args.concurrency} per worker; "
          f"{os.cpu_count()} CPUs; load before: {os.getloadavg()[0]:.1f}")
    print("| backend | workers | extract processes each | articles | seconds | articles/s "
          "| vs 1 worker |")
    print("|---|---|---|---|---|---|---|")
    with PageWeb(bodies, args.latency).running() as site, \
            tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "sources.toml"
        sources.write_text(site.sources_toml(), encoding="utf-8")
        for processes in sorted({0, args.extract_processes}):
            seconds, n = crawl(1, Path(tmp) / f"sqlite{processes}", sources, "", processes,
                               args.concurrency)
            print(f"| SQLite | 1 | {processes} | {n} | {seconds:.1f} | {n / seconds:.1f} | |")
        base = None
        for workers in counts:
            with schema() as database:
                seconds, n = crawl(workers, Path(tmp) / f"pg{workers}", sources, database,
                                   concurrency=args.concurrency)
            rate = n / seconds
            base = base or rate
            print(f"| PostgreSQL | {workers} | 0 | {n} | {seconds:.1f} | {rate:.1f} | "
                  f"{rate / base:.2f}x |")


if __name__ == "__main__":
    main()
