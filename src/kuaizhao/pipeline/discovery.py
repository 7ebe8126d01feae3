"""Reading one discovery document (feed, sitemap, listing page) during a crawl.

Whatever the document holds, the crawl gets either what it lists or a failure to
record against that URL: a parser that raises on hostile input ends one poll, never
the crawl and every other source with it. The reader also keeps the crawl's position
in each chain of documents — a listing's page number, a sitemap index's depth — so a
site cannot lead it down an endless chain.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kuaizhao.discover import DiscoveryResult, parse_feed, parse_listing, parse_sitemap
from kuaizhao.discover.websub import HubLinks, hub_links
from kuaizhao.models import LinkKind
from kuaizhao.sources import SourceConfig

log = logging.getLogger(__name__)

# A sitemap index may list sitemap indexes this deep (the protocol allows none; some
# news sites nest one index per year, then per day); below that is a trap.
MAX_SITEMAP_DEPTH = 3
_NOUN = {LinkKind.FEED: "feed", LinkKind.SITEMAP: "sitemap", LinkKind.LISTING: "listing page"}


@dataclass(frozen=True, slots=True)
class Discovered:
    """What one document gave: its result, the WebSub hubs it names (feeds, when
    asked) and, when nothing could be read from it, why (`failure`): the parser
    raised, or it reported problems and found no URL at all (an HTML page where the
    feed was, a sitemap refused for its entities). A document with no problems and no
    URLs is an empty feed, not a failure."""

    result: DiscoveryResult
    hubs: HubLinks | None = None
    failure: str | None = None


class DiscoveryReader:
    """Parses discovery documents for one crawl, remembering where in a chain each
    listing page and sitemap sits (in memory: a restart starts the chains again)."""

    def __init__(self, roots: set[str]) -> None:
        self._roots = roots
        self._listing_pages: dict[str, tuple[str, int]] = {}  # page url -> (listing root, n)
        self._sitemap_depth: dict[str, int] = {}  # sitemap url -> depth below its root

    def read(self, kind: LinkKind, page_url: str, body: bytes, url: str,
             source: SourceConfig | None, *, want_hubs: bool = False) -> Discovered:
        """Parse `body`, fetched for `page_url` and ending at `url` (after redirects)."""
        try:
            result = self._parse(kind, page_url, body, url, source)
            hubs = hub_links(body, url) if want_hubs and kind is LinkKind.FEED else None
        except Exception as exc:  # hostile input: any parser error ends this document only
            noun = _NOUN.get(kind, kind.value)
            log.warning("%s %s could not be parsed", noun, url, exc_info=True)
            detail = f"{type(exc).__name__}: {exc}"[:300]
            return Discovered(DiscoveryResult(), failure=(
                f"{noun} {url} could not be parsed ({detail}); its links are skipped and it "
                f"is polled again with back-off. If it stays broken, tell the site or remove "
                f"it from the sources file"))
        if result.problems and not result.candidates and not result.children:
            return Discovered(result, hubs, failure=(
                f"{_NOUN.get(kind, kind.value)} {url} lists nothing readable: "
                + "; ".join(result.problems)[:600]))
        return Discovered(result, hubs)

    def _parse(self, kind: LinkKind, page_url: str, body: bytes, url: str,
               source: SourceConfig | None) -> DiscoveryResult:
        zone = ZoneInfo(source.zone) if source else ZoneInfo("UTC")
        if kind is LinkKind.FEED:
            return parse_feed(body, url, local_tz=zone)
        if kind is LinkKind.SITEMAP:
            return self._sitemap(page_url, parse_sitemap(body, url, local_tz=zone))
        root, page = self._listing_pages.get(page_url, (page_url, 1))
        listing = next((lst for lst in (source.listings if source else ())
                        if lst.url == root), None)
        if listing is None:
            return DiscoveryResult()
        result = parse_listing(body, url, listing.link_pattern,
                               next_page=page < listing.max_pages)
        for child in result.children:
            self._listing_pages[child.url] = (root, page + 1)
        return result

    def _sitemap(self, page_url: str, result: DiscoveryResult) -> DiscoveryResult:
        # A sitemap met again after a restart is taken to sit one level down.
        depth = self._sitemap_depth.get(page_url, 0 if page_url in self._roots else 1)
        if not result.children:
            return result
        if depth + 1 > MAX_SITEMAP_DEPTH:
            return DiscoveryResult(candidates=result.candidates, problems=(
                *result.problems, f"sitemap indexes nest deeper than {MAX_SITEMAP_DEPTH} "
                f"levels; the {len(result.children)} sitemap(s) this one lists were not "
                "followed"))
        for child in result.children:
            self._sitemap_depth.setdefault(child.url, depth + 1)
        return result
