"""`kuaizhao sources check|list|stats`: validate and show a sources file; show how
each source is being polled."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from kuaizhao.cli.context import archive, settings_from
from kuaizhao.errors import SourcesError
from kuaizhao.sources import load_sources


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "sources", help="check or list a sources file",
        description="Validate a sources file (TOML, one [[source]] table per outlet) and "
        "report every problem with its line number, or list the sources it defines.",
        epilog="Example: kuaizhao sources check sources.toml",
    )
    action = p.add_subparsers(dest="action", metavar="ACTION")
    action.required = True
    check = action.add_parser("check", help="validate FILE; exit 2 and list problems if bad",
                              epilog="Example: kuaizhao sources check sources.toml")
    check.add_argument("file", type=Path)
    check.set_defaults(func=run_check)
    listing = action.add_parser("list", help="list the sources of FILE (default: the setting)",
                                epilog="Example: kuaizhao sources list sources.toml")
    listing.add_argument("file", type=Path, nargs="?")
    listing.set_defaults(func=run_list)
    stats = action.add_parser(
        "stats", help="per-source polling: last/next poll, interval, items/day, lag, errors",
        description="How each source of the archive is polled: last and next poll, the current "
        "interval and why (rate, burst, expected, backoff, websub, start), new items per day, "
        "the median lag from publication to capture, polls (and how many were unchanged), "
        "failures.",
        epilog="Example: kuaizhao --home ./archive sources stats --json")
    stats.add_argument("--json", action="store_true", help="one JSON object per source")
    stats.set_defaults(func=run_stats)


def run_check(args: argparse.Namespace) -> int:
    try:
        sources = load_sources(args.file)
    except SourcesError as exc:
        for line, message in exc.problems:
            print(f"{exc.path}:{line}: {message}")
        print(f"{len(exc.problems)} problem(s) in {exc.path}")
        return 2
    print(f"{args.file}: {len(sources)} source(s), all valid")
    return 0


def run_list(args: argparse.Namespace) -> int:
    path = args.file or settings_from(args).sources_path
    for s in load_sources(path):
        kinds = f"{len(s.feeds)} feeds, {len(s.sitemaps)} sitemaps, {len(s.listings)} listings"
        print(f"{s.name}\t{s.homepage or '-'}\t{s.category or '-'}\t{kinds}\tevery {s.interval}s")
    return 0


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ") if value else "-"


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}s"


def run_stats(args: argparse.Namespace) -> int:
    with archive(args) as (_, store):
        rows = store.source_poll_stats(datetime.now(UTC))
    if args.json:
        for r in rows:
            print(json.dumps({
                "source": r.name, "last_poll_at": r.last_poll_at and r.last_poll_at.isoformat(),
                "next_poll_at": r.next_poll_at and r.next_poll_at.isoformat(),
                "interval_seconds": r.interval_seconds, "interval_reason": r.reason,
                "items_per_day": r.items_per_day, "median_lag_seconds": r.median_lag_seconds,
                "lag_samples": r.lag_samples, "polls": r.polls, "not_modified": r.not_modified,
                "failures": r.failures, "errors_in_a_row": r.errors_now,
                "last_error": r.last_error, "websub": r.websub}, ensure_ascii=False))
        return 0
    print("source\tlast poll\tnext poll\tinterval\titems/day\tmedian lag\tpolls (304)\t"
          "errors\twebsub")
    for r in rows:
        per_day = "-" if r.items_per_day is None else f"{r.items_per_day:.1f}"
        errors = f"{r.failures}" + (f" ({r.errors_now} in a row)" if r.errors_now else "")
        print(f"{r.name}\t{_when(r.last_poll_at)}\t{_when(r.next_poll_at)}\t"
              f"{_seconds(r.interval_seconds)} {r.reason or ''}\t{per_day}\t"
              f"{_seconds(r.median_lag_seconds)}\t{r.polls} ({r.not_modified})\t{errors}\t"
              f"{r.websub or '-'}")
    if not rows:
        print("no sources yet; run `kuaizhao crawl` first")
    return 0
