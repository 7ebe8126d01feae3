"""Per-source category mapping: the first `(regex, category)` rule matching a URL."""

from __future__ import annotations

from collections.abc import Sequence

from kuaizhao.discover.listings import compile_pattern


def category_for(url: str, rules: Sequence[tuple[str, str]], default: str | None) -> str | None:
    """The category of the first rule whose regex is found in `url`, else `default`.

    Order matters so a source can map `/gn/` to 国内 before a catch-all `/news/`.
    """
    for pattern, category in rules:
        if compile_pattern(pattern).search(url):
            return category
    return default
