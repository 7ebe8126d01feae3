"""Sitemaps: sitemap indexes, urlsets, Google News sitemaps, gzip and plain text.

Elements are matched by local name, ignoring namespaces, because many news sites
publish sitemaps with a missing or misspelt namespace and the URLs are still good.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, tzinfo

from lxml import etree

from kuaizhao.discover.dates import parse_date
from kuaizhao.discover.result import DiscoveryResult
from kuaizhao.discover.safe_xml import (
    GZIP_MAGIC,
    gunzip_capped,
    inflate,
    stream_untrusted_xml,
    text_of,
)
from kuaizhao.errors import UsageError
from kuaizhao.models import Candidate, LinkKind
from kuaizhao.urls import normalize_url

# sitemaps.org: at most 50,000 URLs per sitemap and 50,000 sitemaps per index.
MAX_SITEMAP_URLS = 50_000


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):  # comments, entity references
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _children(el: etree._Element, name: str) -> Iterator[etree._Element]:
    return (c for c in el if _local(c) == name)


def _text(el: etree._Element, name: str) -> str | None:
    """Text of the first child called `name`; None when it holds an unexpanded entity
    reference, since its text without the reference would be a different value."""
    for c in _children(el, name):
        if any(d.tag is etree.Entity for d in c.iter()):
            return None
        value = (text_of(c) or "").strip()
        return value or None
    return None


def _news_fields(url_el: etree._Element) -> tuple[str | None, str | None]:
    """(title, publication_date) from a <news:news> block, if any."""
    for news in _children(url_el, "news"):
        return _text(news, "title"), _text(news, "publication_date")
    return None, None


class _Collector:
    """Accumulates candidates in document order, dropping duplicates and counting
    locations that are not usable URLs (reported once, not once per URL)."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.seen: set[str] = set()
        self.items: list[Candidate] = []
        self.bad_count = 0
        self.bad: list[str] = []  # only the first is shown; the count is what matters

    def _skip(self, loc: str) -> None:
        self.bad_count += 1
        if not self.bad:
            self.bad.append(loc[:200])

    def add(self, loc: str | None, **fields: object) -> None:
        if not loc:
            self._skip("(empty, or an unexpanded entity)")
            return
        try:
            url = normalize_url(loc, self.base_url)
        except UsageError:
            self._skip(loc)
            return
        if url not in self.seen:
            self.seen.add(url)
            self.items.append(Candidate(url=url, **fields))  # type: ignore[arg-type]

    @property
    def full(self) -> bool:
        return len(self.items) >= MAX_SITEMAP_URLS

    def result(self, problems: list[str], *, children: bool) -> DiscoveryResult:
        if self.full:
            problems.append(f"the sitemap lists {MAX_SITEMAP_URLS} URLs or more (the "
                            "protocol's limit); only the first ones were taken")
        if self.bad:
            problems.append(f"{self.bad_count} location(s) are not http(s) URLs and were "
                            f"skipped, e.g. {self.bad[0][:200]!r}")
        items = tuple(self.items)
        if children:
            return DiscoveryResult(children=items, problems=tuple(problems))
        return DiscoveryResult(candidates=items, problems=tuple(problems))


def _lines(body: bytes, problems: list[str]) -> Iterator[str]:
    """Lines of a (possibly gzipped) text sitemap, read as the body inflates."""
    rest = b""
    for chunk in inflate(body, problems):
        *lines, rest = (rest + chunk).split(b"\n")
        yield from (line.decode("utf-8", "replace") for line in lines)
    yield rest.decode("utf-8", "replace")


def _parse_text_sitemap(body: bytes) -> DiscoveryResult:
    problems: list[str] = []
    found = _Collector(None)  # a text sitemap lists absolute URLs only
    for line in _lines(body, problems):
        if line.strip():
            found.add(line.strip().lstrip("\ufeff"))
            if found.full:
                break
    return found.result(problems, children=False)


def parse_sitemap(body: bytes, base_url: str, *, local_tz: tzinfo = UTC) -> DiscoveryResult:
    """Read a sitemap or sitemap index (optionally gzip-compressed).

    Index entries become `children` of kind SITEMAP; urlset entries become
    candidates with `news:title` / `news:publication_date` as title and
    publication time and `lastmod` as `updated_at`. Dates without a zone are in
    `local_tz`. At most MAX_SITEMAP_URLS entries are taken, and the document is read
    as it inflates, so neither its length nor its compression ratio sets the memory.
    """
    head, _ = gunzip_capped(body, limit=4096) if body.startswith(GZIP_MAGIC) else (body, None)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _parse_text_sitemap(body)

    problems: list[str] = []
    found = _Collector(base_url)
    kind = ""
    elements = stream_untrusted_xml(body, problems)
    for root in elements:
        kind = _local(root)
        if kind not in ("sitemapindex", "urlset"):
            problems.append(f"root element is <{kind or root.tag}>, not <urlset> or "
                            "<sitemapindex>; is this URL really a sitemap?")
            elements.close()
            break
        for entry in elements:
            if kind == "sitemapindex" and _local(entry) == "sitemap":
                found.add(_text(entry, "loc"), kind=LinkKind.SITEMAP,
                          updated_at=parse_date(_text(entry, "lastmod"), local_tz))
            elif kind == "urlset" and _local(entry) == "url":
                title, published = _news_fields(entry)
                found.add(_text(entry, "loc"), kind=LinkKind.ARTICLE, title=title,
                          published_at=parse_date(published, local_tz),
                          updated_at=parse_date(_text(entry, "lastmod"), local_tz))
            if found.full:
                elements.close()
                break
    return found.result(problems, children=kind == "sitemapindex")
