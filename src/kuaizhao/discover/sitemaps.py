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
from kuaizhao.discover.safe_xml import GZIP_MAGIC, gunzip_capped, parse_untrusted_xml
from kuaizhao.errors import UsageError
from kuaizhao.models import Candidate, LinkKind
from kuaizhao.urls import normalize_url


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
        value = "".join(c.itertext()).strip()
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
        self.bad: list[str] = []

    def add(self, loc: str | None, **fields: object) -> None:
        if not loc:
            self.bad.append("(empty, or an unexpanded entity)")
            return
        try:
            url = normalize_url(loc, self.base_url)
        except UsageError:
            self.bad.append(loc)
            return
        if url not in self.seen:
            self.seen.add(url)
            self.items.append(Candidate(url=url, **fields))  # type: ignore[arg-type]

    def problem(self) -> str | None:
        if not self.bad:
            return None
        return (f"{len(self.bad)} location(s) are not http(s) URLs and were skipped, "
                f"e.g. {self.bad[0][:200]!r}")


def _parse_text_sitemap(text: str) -> DiscoveryResult:
    found = _Collector(None)  # a text sitemap lists absolute URLs only
    for line in text.splitlines():
        if line.strip():
            found.add(line.strip())
    problem = found.problem()
    return DiscoveryResult(candidates=tuple(found.items), problems=(problem,) if problem else ())


def parse_sitemap(body: bytes, base_url: str, *, local_tz: tzinfo = UTC) -> DiscoveryResult:
    """Read a sitemap or sitemap index (optionally gzip-compressed).

    Index entries become `children` of kind SITEMAP; urlset entries become
    candidates with `news:title` / `news:publication_date` as title and
    publication time and `lastmod` as `updated_at`. Dates without a zone are in
    `local_tz`.
    """
    head = body
    if body.startswith(GZIP_MAGIC):
        head, _ = gunzip_capped(body, limit=4096)
    if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        text = body if not body.startswith(GZIP_MAGIC) else gunzip_capped(body)[0]
        return _parse_text_sitemap(text.decode("utf-8", "replace"))

    parsed = parse_untrusted_xml(body)
    problems = list(parsed.problems)
    root = parsed.root
    if root is None:
        return DiscoveryResult(problems=tuple(problems))
    kind = _local(root)
    found = _Collector(base_url)
    if kind == "sitemapindex":
        for entry in _children(root, "sitemap"):
            found.add(_text(entry, "loc"), kind=LinkKind.SITEMAP,
                      updated_at=parse_date(_text(entry, "lastmod"), local_tz))
    elif kind == "urlset":
        for entry in _children(root, "url"):
            title, published = _news_fields(entry)
            found.add(_text(entry, "loc"), kind=LinkKind.ARTICLE, title=title,
                      published_at=parse_date(published, local_tz),
                      updated_at=parse_date(_text(entry, "lastmod"), local_tz))
    else:
        problems.append(f"root element is <{kind or root.tag}>, not <urlset> or "
                        "<sitemapindex>; is this URL really a sitemap?")
    problem = found.problem()
    if problem:
        problems.append(problem)
    if kind == "sitemapindex":
        return DiscoveryResult(children=tuple(found.items), problems=tuple(problems))
    return DiscoveryResult(candidates=tuple(found.items), problems=tuple(problems))
