"""`kuaizhao stats`: what the archive holds and how fetches ended."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from kuaizhao.cli.context import archive


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "stats", help="counts of captures, snapshots and fetch outcomes",
        description="Show how many captures and snapshots the archive holds, how many URLs "
        "wait on the frontier, and how every fetch ended (ok, not_modified, gone, "
        "robots_disallowed, too_large, timeout, ...).",
        epilog="Example: kuaizhao --home ./archive stats --json",
    )
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with archive(args) as (_, store):
        stats = store.stats()
        sources = store.sources()
    if args.json:
        data = asdict(stats) | {"sources": {s.name: s.snapshots for s in sources}}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"snapshots        {stats.snapshots}")
    print(f"captures         {stats.captures} ({stats.revisits} unchanged revisits)")
    print(f"frontier pending {stats.frontier_pending}")
    print("fetch outcomes:")
    for outcome, count in sorted(stats.outcomes.items(), key=lambda kv: -kv[1]):
        print(f"  {outcome:<20} {count}")
    print("sources:")
    for source in sources:
        print(f"  {source.name:<20} {source.snapshots} snapshots")
    return 0
