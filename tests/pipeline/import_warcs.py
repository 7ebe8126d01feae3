"""WARC files to import, built from the demo's real news pages (a derived fixture).

A uniquely named helper module (not conftest) so imports cannot clash with other test
folders. The pages are the bundled demo pages (real articles with their licences in
`src/kuaizhao/demo/pages/`), wrapped in WARC response records by kuaizhao's own writer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

from kuaizhao.archive import RevisitOf, WarcOptions, WarcWriter
from kuaizhao.models import ArchivedExchange, HttpExchange

BASE_TIME = datetime(2024, 2, 7, 13, 2, 0, tzinfo=UTC)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def demo_pages() -> list[tuple[str, bytes]]:
    """(name, bytes) of every bundled demo article page, Chinese first."""
    root = resources.files("kuaizhao.demo") / "pages"
    found = []
    for lang in ("zh", "en"):
        for entry in sorted((root / lang).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".html"):
                found.append((f"{lang}/{entry.name[:12]}", entry.read_bytes()))
    return found


def exchange(url: str, body: bytes, when: datetime,
             content_type: str = "text/html; charset=utf-8", status: int = 200) -> HttpExchange:
    return HttpExchange(
        method="GET", url=url, request_headers=(("User-Agent", "test-crawler/1.0"),),
        status=status, reason="OK" if status == 200 else "Not Found", http_version="1.1",
        response_headers=(("Content-Type", content_type), ("Content-Length", str(len(body)))),
        raw_body=body, body=body, fetched_at=when, ip_address="203.0.113.9")


@dataclass(frozen=True, slots=True)
class BuiltWarc:
    path: Path
    articles: list[tuple[str, bytes]]  # (url, payload) of the HTML pages
    image_url: str
    revisit_url: str
    originals: dict[str, ArchivedExchange]


def build_news_warc(directory: Path, prefix: str = "crawl") -> BuiltWarc:
    """One .warc.gz: every demo page, a PNG, a 404 page, and a revisit of the first page."""
    directory.mkdir(parents=True, exist_ok=True)
    articles: list[tuple[str, bytes]] = []
    originals: dict[str, ArchivedExchange] = {}
    options = WarcOptions(directory=directory, prefix=prefix, fsync=False)
    with WarcWriter(options) as writer:
        for i, (name, body) in enumerate(demo_pages()):
            url = f"https://news.example.cn/{name}.html"
            when = BASE_TIME + timedelta(minutes=i)
            originals[url] = writer.write_exchange(exchange(url, body, when))
            articles.append((url, body))
        image_url = "https://news.example.cn/img/pixel.png"
        writer.write_exchange(exchange(image_url, PNG, BASE_TIME, "image/png"))
        writer.write_exchange(exchange("https://news.example.cn/gone.html",
                                       b"<html><body>not here</body></html>", BASE_TIME,
                                       status=404))
        first_url, first_body = articles[0]
        first = originals[first_url]
        revisit = RevisitOf(first.record_id, first_url, first.fetched_at, first.payload_digest)
        writer.write_exchange(exchange(first_url, first_body, BASE_TIME + timedelta(days=1)),
                              revisit_of=revisit)
        name = writer.current_file
    assert name is not None
    return BuiltWarc(directory / name, articles, image_url, first_url, originals)
