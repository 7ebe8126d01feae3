"""`kuaizhao migrate`: copy an embedded archive's database into PostgreSQL."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from kuaizhao.cli.context import interactive, settings_from
from kuaizhao.pipeline.migrate_plan import DEFAULT_BATCH, MigrateOptions, Progress

if TYPE_CHECKING:
    from tqdm import tqdm

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "migrate", help="copy this archive's database into PostgreSQL",
        description="Copy every table of the archive's SQLite database into a PostgreSQL "
        "database, keeping ids, and rebuild the search index there; then compare the row "
        "counts of every table. Stop crawl and serve first. Interrupted, it continues where "
        "it stopped when run again; it refuses a database that holds another archive. WARC "
        "files are not copied: they stay where they are. Afterwards set database_url to the "
        "same URL (docs/postgresql.md).",
        epilog="Example: kuaizhao --home ./archive migrate --to postgresql://kz@db.lan/kuaizhao",
    )
    p.add_argument("--to", required=True, metavar="URL",
                   help="the PostgreSQL database to copy into (postgresql://…)")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH, metavar="N",
                   help=f"rows per transaction (default {DEFAULT_BATCH})")
    p.add_argument("--dry-run", action="store_true",
                   help="check the target and show what would be copied, copy nothing")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from kuaizhao.pipeline.migrate import archive_database, migrate  # both database drivers

    settings = settings_from(args)
    source = archive_database(settings)
    target = without_password(args.to)
    print(f"migrating {source} to {target}", file=sys.stderr)
    bars: dict[str, tqdm[None]] = {}

    def progress(step: Progress) -> None:
        if interactive():
            bar = bars.get(step.table)
            if bar is None:
                bar = bars[step.table] = tqdm(total=step.total, unit=" rows", desc=step.table)
            bar.update(step.done - bar.n)
        elif step.done == step.total:
            log.info("%s: %d rows", step.table, step.done)

    try:
        report = migrate(source, args.to, MigrateOptions(batch=args.batch, dry_run=args.dry_run),
                         progress)
    finally:
        for bar in bars.values():
            bar.close()
    print("\n".join(report.lines()))
    if report.dry_run:
        print("dry run: nothing was copied")
        return 0
    if report.mismatches:
        names = ", ".join(t.name for t in report.mismatches)
        print(f"kuaizhao migrate: error: row counts differ for {names}; was the archive "
              "written to during the migration? Stop crawl and serve, then run migrate "
              "again", file=sys.stderr)
        return 1
    print(f"\nEvery table matches. WARC files were not copied: they stay in "
          f"{settings.warc_path} (or their object store), and the PostgreSQL archive finds "
          "them there by name.\nNext: set database_url to the target (in "
          f"{settings.home_path / 'kuaizhao.toml'} or KUAIZHAO_DATABASE_URL), check it "
          "with `kuaizhao config`, then start crawl and serve again.")
    return 0


def without_password(url: str) -> str:
    """The URL to show: a password in it is replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")
    user = netloc[0].partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[2]}"))
