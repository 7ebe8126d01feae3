"""Discovery: pure parsers turning index documents (feeds, sitemaps, listing pages)
into candidate URLs. No I/O; `fetch` brings the bytes, `pipeline` decides what next."""

from __future__ import annotations

from kuaizhao.discover.categories import category_for
from kuaizhao.discover.feeds import parse_feed
from kuaizhao.discover.listings import parse_listing
from kuaizhao.discover.result import DiscoveryResult
from kuaizhao.discover.sitemaps import parse_sitemap

__all__ = ["DiscoveryResult", "category_for", "parse_feed", "parse_listing", "parse_sitemap"]
