"""`kuaizhao extract`: run the article extractor on one saved HTML file."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from kuaizhao.errors import NotFound, UsageError


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "extract", help="extract the article from a saved HTML page and print it as JSON",
        description="Read FILE (raw page bytes, any charset; '-' for standard input), extract "
        "the article (title, times, source, repost chain, body, captions, …) and print it as "
        "JSON. Nothing is stored.",
        epilog="Example: kuaizhao extract page.html --url https://news.example.cn/a/1.html "
        "--explain",
    )
    p.add_argument("file", metavar="FILE", help="HTML file to read, or - for stdin")
    p.add_argument("--url", help="the URL the page was fetched from (resolves links, "
                   "applies URL-based rules)")
    p.add_argument("--explain", action="store_true",
                   help="also print which rule produced each field and its confidence")
    p.add_argument("--timezone", metavar="TZ",
                   help="zone for times the page gives without an offset, e.g. Asia/Shanghai "
                   "(default: Asia/Shanghai for Chinese pages, UTC otherwise)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kuaizhao.extract import ExtractOptions, extract_article

    body = _read(args.file)
    options = ExtractOptions(default_timezone=args.timezone)
    article = extract_article(body, args.url, options)
    data = dataclasses.asdict(article)
    evidence = data.pop("evidence")
    if args.explain:
        data["explain"] = {e["field"]: {"rule": e["rule"], "confidence": e["confidence"]}
                           for e in evidence}
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
    sys.stdout.write("\n")
    return 0


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    path = Path(name)
    if not path.is_file():
        raise NotFound(f"no such file: {name}; give the path of a saved HTML page")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from exc


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
