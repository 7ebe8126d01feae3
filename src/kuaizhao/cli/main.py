"""The `kuaizhao` command: global options, then one sub-command per module in this package.

Each command module defines `add_parser(subparsers)`, which registers the command
and sets `func` to a `run(args) -> int` callable. Exit codes: 0 success, 1 a
kuaizhao error, 2 a usage or configuration error, 3 not found, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from kuaizhao.cli.logs import setup_logging
from kuaizhao.errors import KuaizhaoError

# Order is the order `kuaizhao --help` lists them in.
COMMAND_MODULES = (
    "crawl",
    "serve",
    "search",
    "extract",
    "reindex",
    "import_warc",
    "export",
    "migrate",
    "warc",
    "stats",
    "user",
    "takedown",
    "sources",
    "config",
    "demo",
    "demo_site",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kuaizhao",
        description="快照 kuaizhao: a self-hosted news snapshot archive.",
        epilog="Example: kuaizhao --home ./archive crawl --once --sources sources.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="archive directory holding the database and WARC files "
        "(env KUAIZHAO_HOME, default ./kuaizhao-data)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="settings file (env KUAIZHAO_CONFIG, default <home>/kuaizhao.toml if present)",
    )
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    verbosity.add_argument("-q", "--quiet", action="store_true", help="only errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"kuaizhao.cli.{name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging(args.verbose, args.quiet)
    try:
        code: int = args.func(args)
    except KuaizhaoError as exc:
        print(f"kuaizhao {args.command}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"kuaizhao {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`kuaizhao stats | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
