"""The sources file: which outlets to watch and how.

A TOML file with one `[[source]]` table per outlet (see docs/sources.md). Loading
validates every source and reports every problem at once, each with the line it is
on, so `kuaizhao sources check FILE` can be used like a compiler.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kuaizhao.errors import SourcesError
from kuaizhao.labels import code_reason
from kuaizhao.models import LinkKind
from kuaizhao.urls import DEFAULT_PORTS, canonical_host, is_private_address

# Readers see categories in the site's navigation (docs/sources.md, "Categories").
_CODE_PROBLEM = ("category {value!r} is a code, not a label a reader understands ({why}); "
                 'name the section the way the site shows it, e.g. category = "国内"')


@dataclass(frozen=True, slots=True)
class Listing:
    url: str
    link_pattern: str
    max_pages: int = 3


@dataclass(frozen=True, slots=True)
class CategoryRule:
    pattern: str
    category: str


@dataclass(frozen=True, slots=True)
class SourceConfig:
    name: str
    homepage: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[Listing, ...] = ()
    category: str | None = None
    category_rules: tuple[CategoryRule, ...] = ()
    language: str | None = None
    timezone: str | None = None
    interval: int = 900
    min_interval: int = 60  # adaptive polling never polls a discovery URL more often...
    max_interval: int = 21600  # ...or less often than these (seconds)
    # Archive pages that say noarchive/noindex anyway (logged on every use); docs/takedown.md.
    ignore_noarchive: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @property
    def roots(self) -> tuple[tuple[LinkKind, str], ...]:
        """The discovery documents the crawl starts from, each with its kind: the one
        place that knows which fields hold them (a new kind is one more line here)."""
        return (*((LinkKind.FEED, u) for u in self.feeds),
                *((LinkKind.SITEMAP, u) for u in self.sitemaps),
                *((LinkKind.LISTING, listing.url) for listing in self.listings))

    @property
    def urls(self) -> tuple[str, ...]:
        """Every URL the operator wrote for this source."""
        return tuple(u for u in (self.homepage, *(url for _, url in self.roots)) if u)

    @property
    def zone(self) -> str:
        """The source's time zone; Chinese sources default to Asia/Shanghai."""
        if self.timezone:
            return self.timezone
        host = urlsplit(self.homepage or "").hostname or ""
        if host.endswith(".cn") or (self.language or "").startswith("zh"):
            return "Asia/Shanghai"
        return "UTC"


_KEYS = {
    "name",
    "homepage",
    "feeds",
    "sitemaps",
    "listings",
    "category",
    "category_rules",
    "language",
    "timezone",
    "interval",
    "min_interval",
    "max_interval",
    "ignore_noarchive",
}
_LINE_OF_ERROR = re.compile(r"line (\d+)")


class _Locator:
    """Finds the line a key of the n-th `[[source]]` table is on, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.starts = [
            i + 1 for i, line in enumerate(self.lines) if line.strip().startswith("[[source]]")
        ]

    def line(self, index: int, key: str | None = None) -> int:
        if index >= len(self.starts):
            return 1
        start = self.starts[index]
        end = self.starts[index + 1] if index + 1 < len(self.starts) else len(self.lines) + 1
        if key is not None:
            pattern = re.compile(rf"^\s*(\[\[source\.)?{re.escape(key)}\b")
            for number in range(start, end):
                if pattern.match(self.lines[number - 1]):
                    return number
        return start


def _http_url(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string URL"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{value!r} is not an http(s) URL"
    return None


def _regex(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string (a regular expression)"
    try:
        re.compile(value)
    except re.error as exc:
        return f"{value!r} is not a valid regular expression: {exc}"
    return None


def _url_list(raw: dict[str, Any], key: str, problem: Any) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        problem(key, 'must be a list of URLs, e.g. ["https://example.com/rss.xml"]')
        return ()
    good = []
    for item in value:
        why = _http_url(item)
        if why:
            problem(key, why)
        else:
            good.append(item)
    return tuple(good)


def _tables(raw: dict[str, Any], key: str, problem: Any) -> list[dict[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problem(key, f"must be [[source.{key}]] tables")
        return []
    return value


def _parse_source(raw: dict[str, Any], problem: Any) -> SourceConfig | None:
    for key in sorted(set(raw) - _KEYS):
        problem(key, f"unknown key '{key}'; known keys are: {', '.join(sorted(_KEYS))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        problem("name", 'every source needs a non-empty name = "..."')
        return None
    homepage = raw.get("homepage")
    if homepage is not None and (why := _http_url(homepage)):
        problem("homepage", why)
    feeds = _url_list(raw, "feeds", problem)
    sitemaps = _url_list(raw, "sitemaps", problem)
    listings = []
    for table in _tables(raw, "listings", problem):
        url, pattern, pages = table.get("url"), table.get("link_pattern"), table.get("max_pages", 3)
        if why := _http_url(url):
            problem("listings", f"listing url: {why}")
        elif why := _regex(pattern):
            problem("listings", f"listing link_pattern: {why}")
        elif not isinstance(pages, int) or isinstance(pages, bool) or pages < 1:
            problem("listings", "listing max_pages must be a whole number of at least 1")
        else:
            listings.append(Listing(url=str(url), link_pattern=str(pattern), max_pages=pages))
    rules = []
    for table in _tables(raw, "category_rules", problem):
        pattern, category = table.get("pattern"), table.get("category")
        if why := _regex(pattern):
            problem("category_rules", f"category rule pattern: {why}")
        elif not isinstance(category, str) or not category:
            problem("category_rules", 'category rule needs category = "..."')
        elif why := code_reason(category):
            problem("category_rules", _CODE_PROBLEM.format(value=category, why=why))
        else:
            rules.append(CategoryRule(pattern=str(pattern), category=category))
    if not (feeds or sitemaps or listings):
        problem("name", f"source {name!r} has no feeds, sitemaps or listings to discover from")
    zone = raw.get("timezone")
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            problem("timezone", f"{zone!r} is not an IANA time zone such as Asia/Shanghai")
            zone = None
    interval = raw.get("interval", 900)
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < 10:
        problem("interval", "interval must be a whole number of seconds, at least 10")
        interval = 900
    min_interval, max_interval = _poll_bounds(raw, interval, problem)
    for key in ("category", "language"):
        if key in raw and not isinstance(raw[key], str):
            problem(key, f"{key} must be a string")
    if isinstance(raw.get("category"), str) and (why := code_reason(raw["category"])):
        problem("category", _CODE_PROBLEM.format(value=raw["category"], why=why))
    if not isinstance(raw.get("ignore_noarchive", False), bool):
        problem("ignore_noarchive", "ignore_noarchive must be true or false")
    return SourceConfig(
        name=name.strip(),
        homepage=homepage,
        feeds=feeds,
        sitemaps=sitemaps,
        listings=tuple(listings),
        category=raw.get("category"),
        category_rules=tuple(rules),
        language=raw.get("language"),
        timezone=zone,
        interval=interval,
        min_interval=min_interval,
        max_interval=max_interval,
        ignore_noarchive=raw.get("ignore_noarchive") is True,
    )


def _poll_bounds(raw: dict[str, Any], interval: int, problem: Any) -> tuple[int, int]:
    """The adaptive polling bounds. Left out, they widen to include `interval`, so a
    file that only sets `interval` stays valid; given both, they must be consistent."""
    bounds = {}
    for key, default in (("min_interval", min(60, interval)),
                         ("max_interval", max(21600, interval))):
        value = raw.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 10:
            problem(key, f"{key} must be a whole number of seconds, at least 10")
            value = default
        bounds[key] = value
    low, high = bounds["min_interval"], bounds["max_interval"]
    if low > high:
        problem("max_interval", f"max_interval ({high}) is below min_interval ({low})")
        return min(60, interval), max(21600, interval)
    if not low <= interval <= high:
        problem("interval", f"interval ({interval}) must lie between min_interval ({low}) "
                f"and max_interval ({high})")
    return low, high


def parse_sources(text: str, path: str = "<sources>") -> list[SourceConfig]:
    """Parse and validate a sources file's text; raise `SourcesError` listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _LINE_OF_ERROR.search(str(exc))
        raise SourcesError(
            path, [(int(m.group(1)) if m else 1, f"not valid TOML: {exc}")]
        ) from None
    locate = _Locator(text)
    problems: list[tuple[int, str]] = []
    for key in sorted(set(data) - {"source"}):
        problems.append((1, f"unknown top-level key '{key}'; sources are [[source]] tables"))
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list) or not raw_sources:
        problems.append((1, "no [[source]] tables; see docs/sources.md for the format"))
        raise SourcesError(path, problems)
    sources: list[SourceConfig] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_sources):

        def problem(key: str | None, message: str, index: int = index) -> None:
            problems.append((locate.line(index, key), message))

        source = _parse_source(raw, problem)
        if source is None:
            continue
        if source.name in seen:
            problem(
                "name",
                f"duplicate source name {source.name!r} "
                f"(first defined on line {seen[source.name]})",
            )
            continue
        seen[source.name] = locate.line(index, "name")
        sources.append(source)
    if problems:
        raise SourcesError(path, sorted(problems))
    return sources


def load_sources(path: Path) -> list[SourceConfig]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourcesError(
            str(path),
            [
                (
                    0,
                    "file does not exist; write one (docs/sources.md) "
                    "or run `kuaizhao demo-site --write-sources`",
                )
            ],
        ) from None
    except UnicodeDecodeError as exc:
        raise SourcesError(str(path), [(1, f"not UTF-8 text: {exc}")]) from None
    return parse_sources(text, str(path))


def own_private_hosts(sources: list[SourceConfig]) -> frozenset[tuple[str, int]]:
    """The `(host, port)` pairs of the sources' own URLs that are private without DNS
    (an address literal or `localhost`): the crawler may reach exactly these even
    when `crawl_allow_private` is off, because the operator named them. A name that
    only resolves to a private address does not count — its DNS could change."""
    hosts: set[tuple[str, int]] = set()
    for source in sources:
        for url in source.urls:
            parts = urlsplit(url)
            try:
                port = parts.port or DEFAULT_PORTS.get(parts.scheme, 80)
            except ValueError:
                continue
            if parts.hostname and is_private_address(parts.hostname):
                hosts.add((canonical_host(parts.hostname), port))
    return frozenset(hosts)
