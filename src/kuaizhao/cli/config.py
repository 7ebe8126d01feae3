"""`kuaizhao config`: the effective settings and where each value came from."""

from __future__ import annotations

import argparse
import json

from kuaizhao.cli.context import settings_from


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "config", help="show the effective settings (secrets masked)",
        description="Print every setting with its value and origin (default, settings file, "
        "KUAIZHAO_* environment variable or command line). Secrets are masked. A bad value "
        "stops here with a message naming the setting.",
        epilog="Example: KUAIZHAO_PORT=9000 kuaizhao config",
    )
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rows = settings_from(args).shown()
    if args.json:
        print(json.dumps({name: {"value": value, "from": origin} for name, value, origin in rows},
                         ensure_ascii=False, indent=2))
        return 0
    width = max(len(name) for name, _, _ in rows)
    for name, value, origin in rows:
        print(f"{name:<{width}}  {value}  ({origin})")
    return 0
