"""`kuaizhao demo`: the whole pipeline on the bundled demo news web, for `make run`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from kuaizhao.cli.context import settings_from
from kuaizhao.errors import UsageError
from kuaizhao.web.ports import check_free

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo", help="crawl the bundled demo news web and serve the archive",
        description="Start the demo news web (three outlets on loopback), write its sources "
        "file into the archive home, crawl it once, then serve the archive. No internet is "
        "needed; the crawl may reach private addresses (crawl_allow_private), since the "
        "outlets are on loopback. Ctrl-C stops both servers.",
        epilog="Example: kuaizhao --home ./kuaizhao-data demo --port 8000",
    )
    p.add_argument("--port", type=int, help="port for the archive site (default 8000)")
    p.add_argument("--demo-ports", default="8101,8102,8103", metavar="P1,P2,P3",
                   help="ports of the three demo outlets (default 8101,8102,8103)")
    p.add_argument("--edition", type=int, default=1,
                   help="demo edition to serve (2 changes, removes and adds articles)")
    p.set_defaults(func=run)


def _ports(text: str) -> tuple[int, int, int]:
    try:
        a, b, c = (int(p) for p in text.split(","))
    except ValueError:
        raise UsageError(f"--demo-ports {text!r}: give three port numbers, e.g. 8101,8102,8103"
                         ) from None
    return a, b, c


def run(args: argparse.Namespace) -> int:
    from kuaizhao.demo import DemoOptions, DemoWeb
    from kuaizhao.pipeline.crawl import Crawler
    from kuaizhao.sources import load_sources
    from kuaizhao.store import open_store
    from kuaizhao.web.server import serve

    # The demo outlets are loopback sites that link to each other: private addresses
    # are allowed explicitly, for this archive only.
    settings = settings_from(args, port=args.port, crawl_allow_private=True)
    check_free(settings.host, settings.port)  # before the demo web and its crawl
    web = DemoWeb(DemoOptions(ports=_ports(args.demo_ports), edition=args.edition))
    with contextlib.ExitStack() as stack:
        try:
            demo = stack.enter_context(web.in_thread())
        except OSError as exc:
            raise UsageError(f"cannot start the demo web on ports {args.demo_ports}: {exc}; "
                             "choose free ports with --demo-ports") from None
        settings.home_path.mkdir(parents=True, exist_ok=True)
        sources_path = settings.home_path / "sources.toml"
        sources_path.write_text(demo.sources_toml(), encoding="utf-8")
        for outlet in demo.outlets:
            print(f"demo outlet {outlet.name}: {outlet.base_url}")
        with contextlib.closing(open_store(settings)) as store:
            crawler = Crawler(store, settings, load_sources(sources_path))
            report = asyncio.run(crawler.run(once=True))
        print(f"crawled the demo web: {report.summary()}")
        print(f"serving the archive at http://{settings.host}:{settings.port}/ (Ctrl-C stops)")
        serve(settings, store_factory=open_store, log_level="warning")
    return 0
