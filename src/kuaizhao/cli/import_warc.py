"""`kuaizhao import`: bring WARC and ARC files other tools wrote into the archive."""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from kuaizhao.cli.context import archive, interactive
from kuaizhao.errors import UsageError
from kuaizhao.labels import code_reason
from kuaizhao.sources import SourceConfig, load_sources

if TYPE_CHECKING:
    from tqdm import tqdm

    from kuaizhao.pipeline.importer import FileReport

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import", help="import WARC/ARC files (Common Crawl, Heritrix, wget, browsers)",
        description="Read WARC or ARC files written by other tools and add their captures: "
        "HTML pages are extracted, deduplicated and indexed; other records (images, scripts, "
        "errors) are kept and counted but not extracted; revisit records point to their "
        "originals. Files stay where they are (linked from <home>/warc/linked/) unless "
        "--copy copies them to <home>/warc/imported/. Records not imported are reported with "
        "their offset and kind (damaged, bad-digest, not-http, too-large, incomplete). "
        "Importing the same file again adds nothing, unless options that decide what is read "
        "(--accept-bad-digests, max_record_bytes) differ: then what was skipped is added. "
        "A file that is no WARC or ARC at all (or is empty) ends the command with exit 2.",
        epilog="Example: kuaizhao --home ./archive import CC-NEWS-20240207.warc.gz "
        "--source 'Common Crawl News'",
    )
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="a .warc, .warc.gz, .arc or .arc.gz file")
    p.add_argument("--source", metavar="NAME",
                   help="outlet name for every capture (default: matched by host against "
                   "the sources file)")
    p.add_argument("--category", metavar="C",
                   help="category for articles that neither a rule, the page nor the source "
                   "names (docs/sources.md); a label such as 国内, never a code")
    p.add_argument("--copy", action="store_true",
                   help="copy the files into <home>/warc/imported/ instead of linking to them")
    p.add_argument("--accept-bad-digests", action="store_true",
                   help="import records whose declared digests do not match (some old "
                   "crawlers, e.g. ClueWeb09, computed them differently) instead of skipping")
    p.add_argument("--list", action="store_true",
                   help="list the files imported so far, with what each held")
    p.add_argument("--json", action="store_true", help="print the reports as JSON")
    p.add_argument("--sources", metavar="FILE", help="sources file (default: the setting)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args)
    # Imported here: the importer pulls in the extractor (trafilatura, lxml).
    from kuaizhao.pipeline.importer import ImportOptions, import_files, release_large_blocks

    if not args.files:
        raise UsageError("name at least one WARC or ARC file to import, "
                         "or use --list to see what was imported")
    if args.category is not None and (why := code_reason(args.category)):
        raise UsageError(f"--category {args.category!r} is a code, not a label a reader "
                         f"understands ({why}); give the section's name, e.g. --category 国内")
    release_large_blocks()
    options = ImportOptions(source=args.source, category=args.category, copy=args.copy,
                            verify_digests=not args.accept_bad_digests)
    with archive(args, sources=args.sources) as (settings, store):
        sources: list[SourceConfig] = (
            load_sources(settings.sources_path) if settings.sources_path.exists() else [])
        bar = _ProgressBar() if interactive() else None
        try:
            reports = import_files(store, settings, sources, [Path(f) for f in args.files],
                                   options, bar)
        finally:
            if bar is not None:
                bar.close()
    for report in reports:
        for skipped in report.skipped:
            log.warning("skipped record (%s): %s at offset %d: %s", skipped.kind, report.path,
                        skipped.offset, skipped.reason)
        for warning in report.warnings:
            log.warning("%s at offset %d: %s", report.path, warning.offset, warning.reason)
    if args.json:
        print(json.dumps([json.loads(r.to_json()) for r in reports], ensure_ascii=False,
                         indent=2))
    else:
        for report in reports:
            print(report.summary())
    return 0


def _list(args: argparse.Namespace) -> int:
    with archive(args) as (_, store):
        files = store.imported_files()
    rows = [json.loads(f.report_json) | {"imported_at": f.imported_at.isoformat()}
            for f in files]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("no files imported yet")
    for row in rows:
        other = ", ".join(f"{kind} {n}" for kind, n in row["other_types"].items()) or "none"
        kinds = Counter(s.get("kind", "damaged") for s in row["skipped"])
        skipped = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())) or "none"
        print(f"{row['path']}  ({row['placement']} as warc/{row['warc_file']}, "
              f"imported {row['imported_at']})\n  {row['records']} records, "
              f"{row['snapshots']} articles, skipped: {skipped}; "
              f"kept without extraction: {other}")
    return 0


class _ProgressBar:
    """Bytes read (tqdm shows MB/s) with records and records/s as the postfix."""

    def __init__(self) -> None:
        self._tqdm: tqdm[None] | None = None
        self._path = ""
        self._done = 0
        self._started = time.monotonic()

    def __call__(self, report: FileReport) -> None:
        if report.path != self._path:
            self.close()
            self._path, self._done, self._started = report.path, 0, time.monotonic()
            from tqdm import tqdm

            self._tqdm = tqdm(total=report.size, unit="B", unit_scale=True,
                              desc=Path(report.path).name[:40], leave=True)
        assert self._tqdm is not None
        self._tqdm.update(report.bytes_done - self._done)
        self._done = report.bytes_done
        elapsed = max(time.monotonic() - self._started, 1e-6)
        self._tqdm.set_postfix(records=report.records, rec_s=f"{report.records / elapsed:.0f}",
                               articles=report.snapshots, refresh=False)

    def close(self) -> None:
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
