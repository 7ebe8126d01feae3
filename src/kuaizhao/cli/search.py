"""`kuaizhao search`: full-text search of the archive from the command line."""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import asdict
from html import unescape
from zoneinfo import ZoneInfo

from kuaizhao.cli.context import archive

_MARK = re.compile(r"</?mark>")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "search", help="search the archive",
        description="Search titles and bodies. Chinese words of any length are found wherever "
        "they occur. Query language: words, \"exact phrase\", -exclude, OR, and the filters "
        "category:X source:X since:YYYY-MM-DD until:YYYY-MM-DD status:changed|removed.",
        epilog="Example: kuaizhao search 科技创新 --category 国内 --since 2024-01-01 --json",
    )
    p.add_argument("query", help="what to look for")
    p.add_argument("--json", action="store_true", help="print the result page as JSON")
    p.add_argument("--category", help="only this category")
    p.add_argument("--source", help="only this source (outlet name)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after this day")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="published on or before this day")
    p.add_argument("--status", choices=("changed", "removed"),
                   help="only articles edited after publication, or gone at the source")
    p.add_argument("--sort", choices=("relevance", "newest"), default="relevance")
    p.add_argument("--limit", type=int, default=10, help="hits per page (default 10)")
    p.add_argument("--offset", type=int, default=0, help="hits to skip (for the next page)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with archive(args) as (settings, store):
        page = store.search(args.query, offset=max(0, args.offset),
                            limit=min(max(1, args.limit), 100), sort=args.sort,
                            category=args.category, source=args.source, since=args.since,
                            until=args.until, status=args.status)
    if args.json:
        data = {"total": page.total, "offset": page.offset, "next_offset": page.next_offset,
                "hits": [asdict(h) for h in page.hits]}
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    zone = ZoneInfo(settings.default_timezone)  # times shown as readers of the archive expect
    if not page.hits:
        print(f"no results for {args.query!r}")
        return 0
    for hit in page.hits:
        moment = (hit.published_at or hit.captured_at).astimezone(zone)
        when = moment.strftime("%Y-%m-%d %H:%M %z")
        print(f"[{hit.snapshot_id}] {hit.title}  ({hit.source}, {when})")
        print(f"    {_MARK.sub('**', unescape(hit.snippet))}")
        print(f"    {hit.url}")
    shown = page.offset + len(page.hits)
    about = "about " if page.total_is_estimate else ""
    print(f"-- {page.offset + 1}-{shown} of {about}{page.total}"
          + (f"; next: --offset {page.next_offset}" if page.next_offset is not None else ""))
    return 0
