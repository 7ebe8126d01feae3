"""The kuaizhao sources file (TOML) that points a crawl at the running demo outlets."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kuaizhao.demo.catalog import OutletSpec

DEFAULT_INTERVAL = 900  # seconds between polls of one source
MAX_LISTING_PAGES = 3


@dataclass(frozen=True, slots=True)
class OutletInfo:
    """One running outlet, as tests and the CLI see it."""

    key: str
    name: str
    base_url: str  # "http://127.0.0.1:PORT", no trailing slash
    language: str
    timezone: str
    charset: str
    default_category: str
    categories: tuple[tuple[str, str], ...]  # (category name, listing URL)
    link_pattern: str
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]

    @property
    def homepage(self) -> str:
        return self.base_url + "/"

    @property
    def robots_url(self) -> str:
        return self.base_url + "/robots.txt"

    @classmethod
    def of(cls, spec: OutletSpec, base_url: str) -> OutletInfo:
        return cls(
            key=spec.key,
            name=spec.name,
            base_url=base_url,
            language=spec.language,
            timezone=spec.timezone,
            charset=spec.charset,
            default_category=spec.default_category,
            categories=tuple((name, base_url + path) for path, name in spec.categories),
            link_pattern=spec.link_pattern,
            feeds=tuple(base_url + path for path in spec.feeds),
            sitemaps=tuple(base_url + path for path in spec.sitemaps),
        )


def _s(value: str) -> str:
    """A TOML basic string; JSON's escapes (\\\\, \\", \\uXXXX) are valid TOML escapes."""
    return json.dumps(value, ensure_ascii=False)


def _list(values: Sequence[str]) -> str:
    return "[" + ", ".join(_s(v) for v in values) + "]"


def sources_toml(outlets: Sequence[OutletInfo]) -> str:
    blocks = [
        "# kuaizhao sources for the bundled demo news web (kuaizhao demo-site).\n"
        "# Generated: the ports are those the demo listens on right now.\n"
    ]
    for o in outlets:
        lines = [
            "[[source]]",
            f"name = {_s(o.name)}",
            f"homepage = {_s(o.homepage)}",
            f"language = {_s(o.language)}",
            f"timezone = {_s(o.timezone)}",
            f"category = {_s(o.default_category)}",
            f"interval = {DEFAULT_INTERVAL}",
            f"feeds = {_list(o.feeds)}",
            f"sitemaps = {_list(o.sitemaps)}",
        ]
        for _name, url in o.categories:
            lines += [
                "",
                "[[source.listings]]",
                f"url = {_s(url)}",
                f"link_pattern = {_s(o.link_pattern)}",
                f"max_pages = {MAX_LISTING_PAGES}",
            ]
        for name, url in o.categories:
            path = url.removeprefix(o.base_url)
            lines += [
                "",
                "[[source.category_rules]]",
                f"pattern = {_s(re.escape(path))}",
                f"category = {_s(name)}",
            ]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
