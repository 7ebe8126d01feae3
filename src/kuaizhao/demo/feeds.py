"""The outlets' machine-readable indexes: RSS 2.0, Atom, sitemaps, news sitemaps, robots.txt.

Pure functions from entries to bytes. Sitemaps are always UTF-8 (the sitemap protocol
requires it); feeds use the outlet's charset and say so in the XML declaration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from html import escape


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str
    title: str
    published: datetime
    updated: datetime
    category: str
    summary: str | None = None


def _latest(entries: Sequence[FeedEntry], fallback: datetime) -> datetime:
    return max((e.updated for e in entries), default=fallback)


def rss(
    *,
    title: str,
    link: str,
    language: str,
    entries: Sequence[FeedEntry],
    charset: str,
    fallback: datetime,
) -> bytes:
    items = []
    for e in entries:
        summary = f"<description>{escape(e.summary)}</description>" if e.summary else ""
        items.append(
            "<item>"
            f"<title>{escape(e.title)}</title>"
            f"<link>{escape(e.url)}</link>"
            f'<guid isPermaLink="true">{escape(e.url)}</guid>'
            f"<pubDate>{format_datetime(e.published)}</pubDate>"
            f"<category>{escape(e.category)}</category>"
            f"{summary}"
            "</item>"
        )
    text = (
        f'<?xml version="1.0" encoding="{charset}"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link>"
        f"<description>{escape(title)}</description><language>{language}</language>"
        f"<lastBuildDate>{format_datetime(_latest(entries, fallback))}</lastBuildDate>\n"
        + "\n".join(items)
        + "\n</channel></rss>\n"
    )
    return text.encode(charset, "xmlcharrefreplace")


def truncated(document: bytes) -> bytes:
    """The first two thirds of a document: a feed cut off mid-transfer by a broken
    cache, which parsers must reject without taking the good feeds down with it."""
    return document[: len(document) * 2 // 3]


def atom(
    *, title: str, link: str, self_url: str, entries: Sequence[FeedEntry], fallback: datetime
) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title><id>{escape(link)}</id>",
        f'<link rel="alternate" href="{escape(link)}"/>',
        f'<link rel="self" href="{escape(self_url)}"/>',
        f"<updated>{_latest(entries, fallback).isoformat()}</updated>",
        f"<author><name>{escape(title)}</name></author>",
    ]
    for e in entries:
        summary = f"<summary>{escape(e.summary)}</summary>" if e.summary else ""
        parts.append(
            f"<entry><title>{escape(e.title)}</title><id>{escape(e.url)}</id>"
            f'<link rel="alternate" href="{escape(e.url)}"/>'
            f"<published>{e.published.isoformat()}</published>"
            f"<updated>{e.updated.isoformat()}</updated>"
            f'<category term="{escape(e.category)}"/>{summary}</entry>'
        )
    parts.append("</feed>\n")
    return "\n".join(parts).encode("utf-8")


def sitemap_index(children: Sequence[tuple[str, datetime]]) -> bytes:
    items = "\n".join(
        f"<sitemap><loc>{escape(url)}</loc><lastmod>{mod.isoformat()}</lastmod></sitemap>"
        for url, mod in children
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{items}\n</sitemapindex>\n"
    ).encode()


def urlset(entries: Sequence[FeedEntry]) -> bytes:
    items = "\n".join(
        f"<url><loc>{escape(e.url)}</loc><lastmod>{e.updated.isoformat()}</lastmod></url>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{items}\n</urlset>\n"
    ).encode()


def news_sitemap(publication: str, language: str, entries: Sequence[FeedEntry]) -> bytes:
    """A Google News sitemap: `news:publication_date` carries the article's time."""
    items = "\n".join(
        f"<url><loc>{escape(e.url)}</loc><news:news><news:publication>"
        f"<news:name>{escape(publication)}</news:name>"
        f"<news:language>{language}</news:language></news:publication>"
        f"<news:publication_date>{e.published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(e.title)}</news:title></news:news></url>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{items}\n</urlset>\n"
    ).encode()


def robots_txt(disallow: Sequence[str], crawl_delay: float, sitemaps: Sequence[str]) -> bytes:
    lines = ["User-agent: *", f"Crawl-delay: {crawl_delay:g}"]
    lines += [f"Disallow: {path}" for path in disallow]
    lines.append("")
    lines += [f"Sitemap: {url}" for url in sitemaps]
    return ("\n".join(lines) + "\n").encode("ascii")
