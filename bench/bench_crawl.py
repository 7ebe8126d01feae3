"""Crawl throughput on the demo web, side by side with GNU Wget writing WARC.

Both crawl the same three demo outlets on loopback, in the same run, with politeness
delays off (the demo's robots Crawl-delay set to 0, kuaizhao's min host interval 0), and
both write WARC. kuaizhao also extracts and indexes every article; Wget only mirrors.
The page count for each is what it fetched (kuaizhao: its fetch log; Wget: response
records in its WARC). Run: `python bench/bench_crawl.py [--rounds N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from kuaizhao.config import load_settings
from kuaizhao.demo import DemoOptions, DemoWeb
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.sources import load_sources
from kuaizhao.store import open_store


def crawl_kuaizhao(demo: DemoWeb, home: Path) -> tuple[float, int, int]:
    home.mkdir(parents=True)
    (home / "sources.toml").write_text(demo.sources_toml(), encoding="utf-8")
    settings = load_settings(
        home=str(home), environ={}, overrides={"min_host_interval": 0.0, "warc_fsync": True,
                                            "crawl_allow_private": True}
    )
    store = open_store(settings)
    start = time.perf_counter()
    report = asyncio.run(
        Crawler(store, settings, load_sources(settings.sources_path)).run(once=True)
    )
    elapsed = time.perf_counter() - start
    store.close()
    return elapsed, sum(report.outcomes.values()), report.snapshots


def crawl_wget(demo: DemoWeb, work: Path) -> tuple[float, int]:
    wget = shutil.which("wget")
    if wget is None:
        return float("nan"), 0
    work.mkdir(parents=True)
    start = time.perf_counter()
    for n, outlet in enumerate(demo.outlets):
        subprocess.run(
            [
                wget,
                "--recursive",
                "--level=3",
                "--no-parent",
                "--quiet",
                "--tries=1",
                "--timeout=10",
                f"--warc-file={work}/wget-{n}",
                "--no-warc-keep-log",
                f"--directory-prefix={work}/mirror-{n}",
                outlet.base_url,
            ],
            check=False,
        )
    elapsed = time.perf_counter() - start
    responses = 0
    for path in work.glob("wget-*.warc.gz"):
        with gzip.open(path, "rb") as fh:
            responses += fh.read().count(b"WARC-Type: response")
    return elapsed, responses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows: dict[str, list[float]] = {"kuaizhao": [], "wget": []}
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            demo = DemoWeb(DemoOptions(crawl_delay=0.0, slow_seconds=0.5, retry_after=0))
            with demo.in_thread():
                seconds, fetches, snapshots = crawl_kuaizhao(demo, Path(tmp) / f"k{r}")
                rows["kuaizhao"].append(fetches / seconds)
                counts["kuaizhao"] = fetches
                counts["kuaizhao snapshots"] = snapshots
            demo = DemoWeb(DemoOptions(crawl_delay=0.0, slow_seconds=0.5, retry_after=0))
            with demo.in_thread():
                seconds, responses = crawl_wget(demo, Path(tmp) / f"w{r}")
                rows["wget"].append(responses / seconds)
                counts["wget"] = responses
    print(
        f"| crawler | pages fetched | pages/s (median of {args.rounds}) | what it does per page |"
    )
    print("|---|---|---|---|")
    print(
        f"| kuaizhao | {counts['kuaizhao']} ({counts['kuaizhao snapshots']} articles) | "
        f"{statistics.median(rows['kuaizhao']):.1f} | robots, WARC request+response "
        "(fsync), extract, dedupe, index |"
    )
    print(
        f"| GNU Wget {_wget_version()} | {counts['wget']} | "
        f"{statistics.median(rows['wget']):.1f} | robots, WARC, mirror to disk |"
    )


def _wget_version() -> str:
    wget = shutil.which("wget")
    if wget is None:
        return "(not installed)"
    out = subprocess.run([wget, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.split()[2] if out.stdout else ""


if __name__ == "__main__":
    main()
