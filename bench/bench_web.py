"""Page render times of the snapshot site over real HTTP, side by side with pywb replay.

Crawls the demo web into a fresh archive, serves it with `kuaizhao serve` (uvicorn) and
the same WARC files with pywb's `wayback` (when pywb is installed), both on loopback,
and times sequential GETs of each kind of page with one keep-alive client. pywb's
replay of a capture is the peer of kuaizhao's snapshot page: both render one archived
article for a reader. Run: `python bench/bench_web.py [--requests N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from kuaizhao.config import load_settings
from kuaizhao.demo import DemoOptions, DemoWeb
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.sources import load_sources
from kuaizhao.store import open_store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def timings(client: httpx.Client, url: str, n: int) -> list[float]:
    client.get(url)  # warm caches once, as a reader's second visit would
    out = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(url)
        out.append((time.perf_counter() - start) * 1000)
        if response.status_code >= 400:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return out


def row(name: str, ms: list[float]) -> str:
    p95 = statistics.quantiles(ms, n=20)[18]
    return f"| {name} | {statistics.median(ms):.1f} | {p95:.1f} | {len(ms)} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "archive"
        home.mkdir()
        demo = DemoWeb(DemoOptions(crawl_delay=0.0, slow_seconds=0.1, retry_after=0))
        with demo.in_thread():
            (home / "sources.toml").write_text(demo.sources_toml(), encoding="utf-8")
            settings = load_settings(home=str(home), environ={},
                                     overrides={"min_host_interval": 0.0,
                                                "crawl_allow_private": True})
            store = open_store(settings)
            asyncio.run(Crawler(store, settings, load_sources(settings.sources_path))
                        .run(once=True))
            seed = next(s for s in store.iter_snapshots()
                        if s.article.title.startswith("无锡") and s.source_name == "人民资讯")
            category = seed.article.category or ""
            store.close()

        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "kuaizhao", "--home", str(home), "-q", "serve",
             "--port", str(port)], env={**os.environ})
        rows = []
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/")
            pages = {
                "home `/`": "/",
                "snapshot page": f"/snapshots/{seed.id}",
                "snapshot JSON": f"/api/v1/snapshots/{seed.id}",
                "search 科技创新": "/search?q=" + quote("科技创新"),
                "category listing": "/categories/" + quote(category),
                "URL lookup": "/lookup?url=" + quote(seed.url, safe=""),
            }
            with httpx.Client(base_url=base) as client:
                for name, path in pages.items():
                    rows.append(row(f"kuaizhao {name}", timings(client, path, args.requests)))
        finally:
            server.terminate()
            server.wait()
        rows += pywb_rows(home, seed.url, args.requests)
    print("| page | p50 ms | p95 ms | requests |\n|---|---|---|---|\n" + "\n".join(rows))


def pywb_rows(home: Path, url: str, n: int) -> list[str]:
    wayback = shutil.which("wayback", path=str(Path(sys.executable).parent))
    manager = shutil.which("wb-manager", path=str(Path(sys.executable).parent))
    if not wayback or not manager:
        return ["| pywb replay | – | – | pywb not installed |"]
    work = home.parent / "pywb"
    work.mkdir()
    subprocess.run([manager, "init", "news"], cwd=work, check=True, capture_output=True)
    subprocess.run([manager, "add", "news", *map(str, sorted((home / "warc").glob("*.warc.gz")))],
                   cwd=work, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([wayback, "-p", str(port), "-b", "127.0.0.1"], cwd=work,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/")
        with httpx.Client(base_url=base, follow_redirects=True) as client:
            rewritten = timings(client, f"/news/2030/{url}", n)
            raw = timings(client, f"/news/2030id_/{url}", n)
    finally:
        server.terminate()
        server.wait()
    return [row("pywb 2.10 replay (rewritten, with banner)", rewritten),
            row("pywb 2.10 replay (raw `id_`)", raw)]


if __name__ == "__main__":
    main()
