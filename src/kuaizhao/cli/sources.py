"""`kuaizhao sources check|list`: validate and show a sources file."""

from __future__ import annotations

import argparse
from pathlib import Path

from kuaizhao.cli.context import settings_from
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
