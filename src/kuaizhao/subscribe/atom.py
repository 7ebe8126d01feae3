"""Atom feeds (RFC 4287) of snapshots: built as XML with lxml, never by string pasting.

Ids are stable across a `reindex` (which renumbers snapshots): an entry's id is a
name-based UUID of the article URL and the payload digest of its capture, both read
from the WARC files; a feed's id is a UUID of the site and the feed's own path.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
_A = f"{{{ATOM_NS}}}"


@dataclass(frozen=True, slots=True)
class FeedEntry:
    url: str  # the article's original URL
    payload_digest: str
    title: str
    link: str  # the snapshot page on this site
    summary: str  # plain text
    updated: datetime
    published: datetime | None = None
    source: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Feed:
    key: str  # what the feed is of, e.g. "category/国内"; part of its id
    title: str
    self_link: str
    alternate_link: str
    site: str  # the site's base URL, part of every id
    entries: tuple[FeedEntry, ...]
    subtitle: str | None = None


def entry_id(url: str, payload_digest: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{url}#{payload_digest}").urn


def feed_id(site: str, key: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{site.rstrip('/')}/feeds/{key}").urn


def _time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, _A + tag)
    element.text = _clean(text)
    return element


def _link(parent: etree._Element, href: str, rel: str, kind: str | None = None) -> None:
    attrs = {"href": href, "rel": rel}
    if kind:
        attrs["type"] = kind
    etree.SubElement(parent, _A + "link", attrs)


def _clean(text: str) -> str:
    """XML 1.0 cannot carry most control characters; crawled text may hold them."""
    return "".join(ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 0x20
                   and not 0xD800 <= ord(ch) <= 0xDFFF and ch not in "\ufffe\uffff"))


def render_feed(feed: Feed, now: datetime) -> bytes:
    """The feed as UTF-8 Atom XML; `updated` is the newest entry's, else `now`."""
    root = etree.Element(_A + "feed", nsmap={None: ATOM_NS})
    _text(root, "id", feed_id(feed.site, feed.key))
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    newest = max((e.updated for e in feed.entries), default=now)
    _text(root, "updated", _time(newest))
    _link(root, feed.self_link, "self", "application/atom+xml")
    _link(root, feed.alternate_link, "alternate", "text/html")
    author = etree.SubElement(root, _A + "author")
    _text(author, "name", feed.title)
    _text(root, "generator", "kuaizhao")
    for e in feed.entries:
        _entry(root, e)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _entry(root: etree._Element, e: FeedEntry) -> None:
    entry = etree.SubElement(root, _A + "entry")
    _text(entry, "id", entry_id(e.url, e.payload_digest))
    _text(entry, "title", e.title or e.url)
    _text(entry, "updated", _time(e.updated))
    if e.published:
        _text(entry, "published", _time(e.published))
    _link(entry, e.link, "alternate", "text/html")
    _link(entry, e.url, "related", "text/html")
    if e.source:
        author = etree.SubElement(entry, _A + "author")
        _text(author, "name", e.source)
    if e.category:
        etree.SubElement(entry, _A + "category", {"term": _clean(e.category)})
    _text(entry, "summary", e.summary).set("type", "text")


def summary_of(text: str, limit: int = 300) -> str:
    """The article's opening, cut at a paragraph or at `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"
