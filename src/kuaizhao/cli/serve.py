"""`kuaizhao serve`: the snapshot site and JSON API."""

from __future__ import annotations

import argparse

from kuaizhao.cli.context import settings_from
from kuaizhao.web.ports import check_free


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve", help="serve the archive over HTTP",
        description="Serve the snapshot site (home, snapshots, search, categories, sources, "
        "URL lookup, raw captures) and the JSON API (/api/v1, OpenAPI at /api/v1/openapi.json) "
        "until Ctrl-C or SIGTERM.",
        epilog="Example: kuaizhao --home ./archive serve --host 127.0.0.1 --port 8000",
    )
    p.add_argument("--host", help="address to listen on (default: setting 'host', 127.0.0.1)")
    p.add_argument("--port", type=int, help="port to listen on (default: setting 'port', 8000)")
    p.add_argument("--with-crawler", action="store_true",
                   help="also run the continuous crawl in this process (small installs); "
                   "WebSub pushes then wake it at once")
    p.add_argument("--sources", metavar="FILE",
                   help="with --with-crawler: sources file (default: setting 'sources')")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args, host=args.host, port=args.port, sources=args.sources)
    check_free(settings.host, settings.port)
    # Imported here: the web app (FastAPI) costs a second of start-up for every command.
    from kuaizhao.pipeline.service import serve_with_crawler
    from kuaizhao.sources import load_sources
    from kuaizhao.store import open_store
    from kuaizhao.web.server import serve

    if args.with_crawler:
        serve_with_crawler(settings, load_sources(settings.sources_path),
                           log_level="warning" if args.quiet else "info")
        return 0
    serve(settings, store_factory=open_store, log_level="warning" if args.quiet else "info")
    return 0
