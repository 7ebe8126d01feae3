"""Import throughput and peak memory of `kuaizhao import`.

    .venv/bin/python bench/bench_import.py [--pages 10000] [--big-gb 2.0] [--workdir /tmp/kz-bench]

1. Builds a WARC of `--pages` news pages from the dev pages (the real article pages in
   /work/shared/data/{magic_html_article,scrapinghub_aeb,fundus_fixtures}/html and the
   bundled demo pages), each copy made unique by one added paragraph, and times, on the
   same file: plain warcio iteration reading every payload (the floor), warcio plus
   trafilatura extraction of every page (the main cost), and `kuaizhao import` into an
   empty archive (extract, dedupe, index, store).
2. Builds a WARC of at least `--big-gb` GB (news pages between 1 MB binary records, as
   a crawl with images and PDFs has) and imports it in a child process, reporting the
   child's peak resident memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

DATA = Path("/work/shared/data")
T0 = datetime(2024, 2, 7, tzinfo=UTC)


def dev_pages() -> list[bytes]:
    pages = [p.read_bytes() for name in ("magic_html_article", "scrapinghub_aeb",
                                         "fundus_fixtures")
             for p in sorted((DATA / name / "html").glob("*.html"))]
    demo = resources.files("kuaizhao.demo") / "pages"
    for lang in ("zh", "en"):
        pages += [e.read_bytes() for e in sorted((demo / lang).iterdir(), key=lambda e: e.name)
                  if e.name.endswith(".html")]
    return pages


def _unique(page: bytes, n: int) -> bytes:
    marker = f"<p>Archive copy {n} / 存档副本 {n}</p>".encode()
    at = page.rfind(b"</body>")
    return page[:at] + marker + page[at:] if at >= 0 else page + marker


def build_news_warc(directory: Path, count: int, filler_bytes: int = 0) -> Path:
    """A .warc.gz of `count` unique news pages (and 1 MB filler records, if asked)."""
    from kuaizhao.archive import WarcOptions, WarcWriter
    from kuaizhao.models import HttpExchange

    pages = dev_pages()
    options = WarcOptions(directory=directory, prefix="bench", fsync=False,
                          max_file_bytes=1 << 40)

    def exchange(url: str, body: bytes, kind: str, when: datetime) -> HttpExchange:
        return HttpExchange(method="GET", url=url, request_headers=(), status=200, reason="OK",
                            http_version="1.1", response_headers=(("Content-Type", kind),),
                            raw_body=body, body=body, fetched_at=when)

    written = 0
    with WarcWriter(options) as writer:
        for n in range(count):
            when = T0 + timedelta(seconds=n)
            body = _unique(pages[n % len(pages)], n)
            writer.write_exchange(exchange(f"https://news{n % 50}.example.cn/a/{n}.html", body,
                                           "text/html", when))
            if written < filler_bytes:
                blob = os.urandom(1 << 20)  # incompressible, like JPEG or PDF bytes
                writer.write_exchange(exchange(f"https://img.example.cn/{n}.jpg", blob,
                                               "image/jpeg", when))
                written += len(blob)
        name = writer.current_file
    assert name is not None
    return directory / name


def floor_warcio(path: Path) -> tuple[int, float]:
    from warcio.archiveiterator import ArchiveIterator

    start = time.perf_counter()
    records = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                record.content_stream().read()
                records += 1
    return records, time.perf_counter() - start


def trafilatura_only(path: Path) -> tuple[int, float]:
    import trafilatura
    from warcio.archiveiterator import ArchiveIterator

    start = time.perf_counter()
    records = 0
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                html = record.content_stream().read()
                trafilatura.extract(html, url=record.rec_headers.get_header("WARC-Target-URI"))
                records += 1
    return records, time.perf_counter() - start


def kuaizhao_import(path: Path, home: Path) -> tuple[int, float, str]:
    from kuaizhao.config import load_settings
    from kuaizhao.pipeline.importer import ImportOptions, import_files
    from kuaizhao.store import open_store

    settings = load_settings(home=str(home), environ={}, overrides={"warc_fsync": False})
    store = open_store(settings)
    start = time.perf_counter()
    [report] = import_files(store, settings, [], [path], ImportOptions())
    elapsed = time.perf_counter() - start
    store.close()
    return report.records, elapsed, report.summary()


def child_import(path: Path, home: Path) -> None:
    from kuaizhao.pipeline.importer import release_large_blocks

    release_large_blocks()  # as `kuaizhao import` does
    records, elapsed, summary = kuaizhao_import(path, home)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{records} {elapsed:.1f} {peak_mb:.0f}")
    print(summary, file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--big-gb", type=float, default=2.0)
    parser.add_argument("--workdir", type=Path,
                        default=Path(tempfile.gettempdir()) / "kz-bench-import")
    parser.add_argument("--child", nargs=2, metavar=("WARC", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(Path(args.child[0]), Path(args.child[1]))
        return
    import shutil

    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    news = build_news_warc(args.workdir / "news", args.pages)
    megabytes = news.stat().st_size / 1e6
    rows = []
    for label, run in (("warcio iteration (floor)", lambda: floor_warcio(news)),
                       ("warcio + trafilatura.extract", lambda: trafilatura_only(news)),
                       ("kuaizhao import", lambda: kuaizhao_import(news, args.workdir / "h1")[:2])):
        records, seconds = run()
        rows.append((label, records, seconds))
    print(f"\n{args.pages} news pages, {megabytes:.0f} MB (.warc.gz), {os.cpu_count()} CPUs\n")
    print("| run | records | seconds | records/s | MB/s |\n|---|---:|---:|---:|---:|")
    for label, records, seconds in rows:
        print(f"| {label} | {records} | {seconds:.1f} | {records / seconds:,.0f} | "
              f"{megabytes / seconds:.1f} |")
    if args.big_gb > 0:
        pages = 2000
        big = build_news_warc(args.workdir / "big", pages, int(args.big_gb * 1e9))
        size_gb = big.stat().st_size / 1e9
        done = subprocess.run([sys.executable, __file__, "--child", str(big),
                               str(args.workdir / "h2")], capture_output=True, text=True,
                              check=True)
        records, seconds, peak = done.stdout.split()
        print(f"\nbig file: {size_gb:.2f} GB, {records} records imported in {seconds} s, "
              f"peak RSS of the importing process {peak} MB")
        print(done.stderr.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
