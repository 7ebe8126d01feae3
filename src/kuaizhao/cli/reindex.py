"""`kuaizhao reindex`: rebuild the database from the WARC files alone."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING

from kuaizhao.cli.context import archive, interactive
from kuaizhao.sources import SourceConfig, load_sources

if TYPE_CHECKING:
    from kuaizhao.pipeline.reindex import ReindexReport

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "reindex", help="rebuild the database from the WARC files",
        description="Forget every capture, snapshot and index entry in the database and "
        "rebuild them by reading every WARC file under <home>/warc in write order. The WARC "
        "files are not changed. Sources (for outlet names and categories) come from the "
        "sources file when there is one.",
        epilog="Example: kuaizhao --home ./archive reindex",
    )
    p.add_argument("--sources", metavar="FILE", help="sources file (default: the setting)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from kuaizhao.pipeline.reindex import reindex  # heavy: extract, dedupe, index

    with archive(args, sources=args.sources) as (settings, store):
        sources: list[SourceConfig] = (
            load_sources(settings.sources_path) if settings.sources_path.exists() else [])
        bar = tqdm(unit=" records", desc="reindex") if interactive() else None

        def progress(report: ReindexReport) -> None:
            if bar is not None:
                bar.update(1)

        try:
            report = reindex(store, settings, sources, progress)
        finally:
            if bar is not None:
                bar.close()
    for damaged in report.damaged:
        log.warning("skipped damaged record: %s at offset %d: %s",
                    damaged.filename, damaged.offset, damaged.reason)
    print(report.summary())
    return 0
