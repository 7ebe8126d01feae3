"""`kuaizhao demo-site`: serve the bundled demo news web on loopback until interrupted."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kuaizhao.errors import UsageError

if TYPE_CHECKING:
    from kuaizhao.demo import DemoWeb

DEFAULT_PORTS = "8101,8102,8103"


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo-site",
        help="serve the bundled demo news web (three outlets) on loopback",
        description="Serve three demo news outlets (Chinese UTF-8, Chinese GBK, English), "
        "one port each, with feeds, sitemaps, robots.txt and the special cases the "
        "crawler is tested against. Stops on Ctrl-C or SIGTERM.",
        epilog="Example: kuaizhao demo-site --ports 8101,8102,8103 --write-sources demo.toml\n"
        "then:    kuaizhao crawl --once --sources demo.toml\n"
        "Switch to edition 2: curl -X POST 'http://127.0.0.1:8101/_demo/edition?n=2'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default %(default)s)"
    )
    parser.add_argument(
        "--ports",
        default=DEFAULT_PORTS,
        metavar="P1,P2,P3",
        help="one port per outlet, 0 for any free port (default %(default)s)",
    )
    parser.add_argument(
        "--edition", type=int, default=1, choices=(1, 2), help="edition to start with (default 1)"
    )
    parser.add_argument(
        "--crawl-delay",
        type=float,
        metavar="SECONDS",
        help="Crawl-delay announced in robots.txt (default 0.2)",
    )
    parser.add_argument(
        "--slow-seconds",
        type=float,
        metavar="SECONDS",
        help="how long the slow article takes to answer (default 3.0)",
    )
    parser.add_argument(
        "--write-sources",
        type=Path,
        metavar="FILE",
        help="write a kuaizhao sources file (TOML) for the running outlets to FILE",
    )
    parser.set_defaults(func=run)


def parse_ports(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(","))
    except ValueError:
        raise UsageError(
            f"--ports must be comma-separated port numbers such as {DEFAULT_PORTS}, got {text!r}"
        ) from None


def _announce(demo: DemoWeb, sources: Path | None) -> None:
    print(f"kuaizhao demo web, edition {demo.edition} (Ctrl-C to stop):")
    for outlet in demo.outlets:
        print(f"  {outlet.name:<20} {outlet.homepage}  ({outlet.language}, {outlet.charset})")
    if sources is not None:
        print(f"sources file written: {sources}")
    print(f"edition switch: POST {demo.outlets[0].base_url}/_demo/edition?n=2", flush=True)


def run(args: argparse.Namespace) -> int:
    from kuaizhao.demo import DemoOptions, run_demo_site  # aiohttp: only when serving

    given = {"crawl_delay": args.crawl_delay, "slow_seconds": args.slow_seconds}
    options = DemoOptions(host=args.host, ports=parse_ports(args.ports), edition=args.edition,
                          **{k: v for k, v in given.items() if v is not None})
    out: Path | None = args.write_sources
    run_demo_site(options, out, on_ready=lambda demo: _announce(demo, out))
    return 0
