"""The options object `extract_article` takes, so its signature never grows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Pages larger than this are cut before parsing: real article pages are well under
# 2 MiB, and parsing cost grows with size, so an oversized body must not stall a worker.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """How to read one page.

    `default_timezone` applies to times the page gives without an offset; when it is
    None, a Chinese page's bare time means Asia/Shanghai and any other page's means
    UTC. `now` anchors relative times ("3小时前", "昨天 08:15"); without it they are
    left unresolved. `category_rules` are `(regex, category)` pairs from the source
    configuration, tried against the URL before anything the page says.
    `source_name` is the outlet the page was fetched from, so a 来源 naming another
    outlet is recognised as a repost.
    """

    default_timezone: str | None = None
    now: datetime | None = None
    category_rules: tuple[tuple[str, str], ...] = ()
    source_name: str | None = None
    content_type: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    fast: bool = False  # skip trafilatura's fallback extractors: ~2x faster, lower recall
    max_keywords: int = 8
