"""`kuaizhao export`: the archive, or a query's results, as WARC, WACZ, CDXJ or JSONL."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from kuaizhao.cli.context import archive, interactive

if TYPE_CHECKING:
    from kuaizhao.pipeline.exporter import ExportReport

# The values of pipeline.exporter.ExportFormat (a test keeps the two the same), here so
# that `export --help` does not load the WARC and WACZ code.
FORMATS = ("warc", "wacz", "cdxj", "jsonl")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export", help="export snapshots as WARC, WACZ, CDXJ or JSONL",
        description="Write the archive, or the snapshots a search query finds, in a standard "
        "format: warc (records copied unchanged, plus OUT.cdxj), wacz (WARC + CDXJ index + "
        "pages.jsonl, opens in ReplayWeb.page), cdxj (an index of the archive's WARC files "
        "for pywb: set its archive_paths to <home>/warc/) or jsonl (extracted articles with "
        "provenance). Removed content is never exported. OUT must not exist yet.",
        epilog="Example: kuaizhao --home ./archive export --format wacz --query '春节 "
        "category:国内' --since 2024-02-01 feb.wacz",
    )
    p.add_argument("out", metavar="OUT", help="file to write (not overwritten)")
    p.add_argument("--format", required=True, choices=FORMATS,
                   help="output format")
    p.add_argument("--query", metavar="Q", help="only snapshots this search query finds")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only captures from this day (UTC)")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="only captures up to this day (UTC)")
    p.add_argument("--title", default="kuaizhao export", help="title of a WACZ package")
    p.add_argument("--collapse-stories", action="store_true",
                   help="with --query: one snapshot per story, as search lists them, instead "
                   "of every repost of it")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from kuaizhao.pipeline.exporter import ExportFormat, ExportOptions, export, parse_day

    options = ExportOptions(format=ExportFormat(args.format), query=args.query,
                            since=parse_day("since", args.since),
                            until=parse_day("until", args.until), title=args.title,
                            collapse_stories=args.collapse_stories)
    with archive(args) as (settings, store):
        bar = tqdm(unit=" snapshots", desc="export") if interactive() else None

        def progress(report: ExportReport) -> None:
            if bar is not None:
                bar.update(1)

        try:
            report = export(store, settings, options, Path(args.out), progress)
        finally:
            if bar is not None:
                bar.close()
    print(report.summary())
    return 0
