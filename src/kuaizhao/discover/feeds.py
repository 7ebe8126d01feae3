"""RSS 0.9x/1.0/2.0 and Atom feeds, read with feedparser.

feedparser is safe here only when called the way `parse_feed` calls it: given
bytes it would try them as a *file name* and given a str starting with http:// it
would fetch it, so the body is always wrapped in a BytesIO. It never expands
external entities and drops entity declarations that refer to other entities, so
neither XXE nor a billion laughs gets through; a quadratic blow-up (one long
entity used many times) is stopped by expat's amplification limit, and the fallback
parser leaves entity references unexpanded (tests pin all three). defusedxml is not
needed on this path for that reason. Bodies are capped after decompression.
"""

from __future__ import annotations

import calendar
import io
import re
import time
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from typing import Any

import feedparser

from kuaizhao.charset import declared_charsets, detect_charset
from kuaizhao.discover.dates import parse_date
from kuaizhao.discover.result import DiscoveryResult
from kuaizhao.discover.safe_xml import inflate
from kuaizhao.errors import UsageError
from kuaizhao.models import Candidate, LinkKind
from kuaizhao.urls import normalize_url
from kuaizhao.whitespace import collapse_whitespace

_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>", re.S)
_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
# A feed is a list of recent items; 10 MiB is a hundred times a large one.
MAX_FEED_BYTES = 10 * 1024 * 1024
# feedparser takes ~0.5 s per 1,000 items and more than linear time beyond (20,000: 15 s
# on the event loop), so a feed is cut after this many, ten times a large real one.
MAX_FEED_ITEMS = 1000
_ITEM_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.I)


def _first_items(data: bytes, limit: int = MAX_FEED_ITEMS) -> tuple[bytes, str | None]:
    """`data` cut after the end tag of its `limit`-th item or entry, if it has more:
    feedparser keeps what precedes the cut as it does for a truncated download."""
    for count, end in enumerate(_ITEM_END.finditer(data), start=1):
        if count == limit:
            if _ITEM_END.search(data, end.end()) is None:
                return data, None
            return data[:end.end()], (f"feed lists more than {limit} items; only the first "
                                      f"{limit} were read")
    return data, None


def _valid_char(match: re.Match[bytes]) -> bytes:
    """A numeric character reference to no character (`&#xFFFFFFFF;`, a surrogate)
    becomes U+FFFD: feedparser's fallback parser raises on them instead of reporting."""
    hex_digits, digits = match.groups()
    text = hex_digits or digits
    if len(text.lstrip(b"0")) > 7:
        return b"&#xFFFD;"
    code = int(text, 16 if hex_digits else 10)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return b"&#xFFFD;"
    return match.group(0)


def _as_utf8(body: bytes) -> tuple[bytes, str | None]:
    """Re-encode the feed as UTF-8 using kuaizhao's charset detection, which gets
    GBK-sent-as-gb2312 and undeclared GB18030 right where feedparser guesses cp1252."""
    codec = detect_charset(body, None)
    declared = declared_charsets(body, None)
    problem = None
    if declared and declared[0] != codec and codec not in ("utf-8-sig", "utf-16"):
        problem = (f"feed declares encoding {declared[0]} but its bytes do not decode as "
                   f"that; read it as {codec}")
    text = body.decode(codec, errors="replace").lstrip("\ufeff")
    data = text.encode("utf-8")
    data = _XML_DECL.sub(b'<?xml version="1.0" encoding="utf-8"?>', data, count=1)
    return _CHAR_REF.sub(_valid_char, data), problem


def _entry_date(entry: Mapping[str, Any], key: str, local_tz: tzinfo) -> datetime | None:
    """Prefer our own parse of the raw string (it keeps the zone and applies
    `local_tz` to zone-less times); fall back to feedparser's UTC struct_time."""
    # dict.get, not entry.get: FeedParserDict maps published<->updated behind a
    # DeprecationWarning, and the two must stay distinct here.
    parsed = parse_date(dict.get(entry, key), local_tz)  # type: ignore[call-overload]
    if parsed is not None:
        return parsed
    struct = dict.get(entry, f"{key}_parsed")  # type: ignore[call-overload]
    if isinstance(struct, time.struct_time):
        return datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    return None


def _entry_link(entry: Mapping[str, Any]) -> str | None:
    link = entry.get("link")
    if link:
        return str(link)
    for candidate in entry.get("links", ()):
        if candidate.get("rel", "alternate") == "alternate" and candidate.get("href"):
            return str(candidate["href"])
    guid = entry.get("id")
    if guid and entry.get("guidislink", True) and str(guid).startswith(("http://", "https://")):
        return str(guid)
    return None


def _next_page(feed: Mapping[str, Any], base_url: str) -> tuple[Candidate, ...]:
    """An RFC 5005 paged feed's `rel="next"` link, if the feed has one."""
    for link in feed.get("links", ()):
        if link.get("rel") == "next" and link.get("href"):
            try:
                return (Candidate(url=normalize_url(link["href"], base_url), kind=LinkKind.FEED),)
            except UsageError:
                return ()
    return ()


def parse_feed(body: bytes, base_url: str, *, local_tz: tzinfo = UTC) -> DiscoveryResult:
    """Items of an RSS or Atom feed as candidates (absolute URL, title, published).

    A malformed feed gives the items that parsed plus a problem saying what was
    wrong; times without a zone are taken to be in `local_tz`.
    """
    problems: list[str] = []
    # Bounded after decompression: a .xml.gz feed inflates here, chunk by chunk.
    data, problem = _as_utf8(b"".join(inflate(body, problems, MAX_FEED_BYTES)))
    if problem:
        problems.append(problem)
    data, cut = _first_items(data)
    if cut:
        problems.append(cut)
    parsed = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-location": base_url,
                          "content-type": "application/xml; charset=utf-8"},
        resolve_relative_uris=False, sanitize_html=False,
    )
    if parsed.get("bozo") and not cut:  # a cut document is malformed by our own doing
        exc = parsed.get("bozo_exception")
        problems.append(f"malformed feed ({type(exc).__name__}: {exc}); kept the items that "
                        "parsed before the damage")
    if not parsed.get("version") and not parsed.entries:
        problems.append("no RSS or Atom feed found in the document; check the feed URL")

    seen: set[str] = set()
    items: list[Candidate] = []
    skipped: list[str] = []
    for entry in parsed.entries:
        link = _entry_link(entry)
        try:
            url = normalize_url(link, base_url) if link else None
        except UsageError:
            url = None
        if url is None:
            skipped.append(str(entry.get("title") or link or "(untitled)"))
            continue
        if url in seen:
            continue
        seen.add(url)
        title = collapse_whitespace(entry.get("title") or "") or None
        updated = _entry_date(entry, "updated", local_tz)
        # Atom entries and RSS items with only dc:date carry no separate publication
        # time; their one date is the best guess there is.
        published = _entry_date(entry, "published", local_tz) or updated
        items.append(Candidate(url=url, kind=LinkKind.ARTICLE, title=title,
                               published_at=published, updated_at=updated))
    if skipped:
        problems.append(f"{len(skipped)} item(s) have no usable http(s) link and were skipped, "
                        f"e.g. {skipped[0][:200]!r}")
    return DiscoveryResult(candidates=tuple(items), children=_next_page(parsed.feed, base_url),
                           problems=tuple(problems))
