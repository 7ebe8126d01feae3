"""`kuaizhao crawl`: discover and capture new articles from the configured sources."""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import TYPE_CHECKING

from kuaizhao.cli.context import archive, interactive

if TYPE_CHECKING:
    from kuaizhao.pipeline.crawl import CrawlReport

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "crawl", help="discover and capture articles from the sources",
        description="Poll every source's feeds, sitemaps and listing pages, fetch new article "
        "URLs politely, write them to WARC and index them. Without --once it keeps running and "
        "re-polls each feed, sitemap and listing at an interval learned from when it publishes "
        "(docs/freshness.md), subscribing to WebSub hubs when 'public_url' is set; SIGTERM or "
        "Ctrl-C stops it cleanly.",
        epilog="Example: kuaizhao --home ./archive crawl --once --sources sources.toml",
    )
    p.add_argument("--once", action="store_true",
                   help="stop when nothing is due any more instead of polling forever")
    p.add_argument("--sources", metavar="FILE",
                   help="sources file (default: setting 'sources', or <home>/sources.toml)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kuaizhao.pipeline.crawl import Crawler  # heavy: fetch, extract, index
    from kuaizhao.pipeline.websub import websub_options
    from kuaizhao.sources import load_sources

    with archive(args, sources=args.sources) as (settings, store):
        sources = load_sources(settings.sources_path)
        progress = _ProgressBar() if interactive() else None
        crawler = Crawler(store, settings, sources, progress=progress,
                          websub=None if args.once else websub_options(settings))
        try:
            report = asyncio.run(crawler.run(once=args.once))
        finally:
            if progress is not None:
                progress.close()
        log.info("crawl finished: %s", report.summary())
        print(report.summary())
    return 0


class _ProgressBar:
    """A tqdm counter of fetches, with the outcome mix as its postfix."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm(unit=" fetches", desc="crawl", leave=True)

    def __call__(self, report: CrawlReport) -> None:
        self._tqdm.update(1)
        self._tqdm.set_postfix(snapshots=report.snapshots, unchanged=report.revisits,
                               new_urls=report.discovered, refresh=False)

    def close(self) -> None:
        self._tqdm.close()
