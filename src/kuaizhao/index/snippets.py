"""Keyword-in-context snippets, cut in Python from the original text.

The index holds text with spaces inserted between CJK bigrams, so FTS5's own
`snippet()` would show them; here the window is cut from the stored text instead, so
Chinese comes out exactly as written. The output is HTML: the text is escaped and each
match is wrapped in `<mark>`. Marks are placed as sentinel characters first, then
the text is escaped, then the sentinels become tags, so nothing from the article can
ever open or close a tag.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from kuaizhao.index.stemming import SUFFIXES, light_stem
from kuaizhao.index.tokens import CJK_RUN

_OPEN, _CLOSE = "\x01", "\x02"
_SENTINELS = re.compile("[\x01\x02]")
_SPACE = re.compile(r"\s+")
_LATIN_WORD = re.compile(r"[^\W_]+")
_ELLIPSIS = "…"
_MAX_MATCHES = 400  # enough to pick good windows in any article


@dataclass(frozen=True, slots=True)
class _Match:
    start: int
    end: int
    unit: int


def _stem(word: str) -> str:
    """Stem for marking: also drops `-ly`, since a mark may be generous."""
    return light_stem(word, (*SUFFIXES, "ly"))


def _units(terms: Sequence[str]) -> list[re.Pattern[str]]:
    """One pattern per thing to mark: each CJK run literally, each latin word by stem."""
    seen: dict[str, re.Pattern[str]] = {}
    for term in terms:
        pos = 0
        for m in CJK_RUN.finditer(term):
            _latin_units(term[pos : m.start()], seen)
            seen.setdefault(m.group(), re.compile(re.escape(m.group())))
            pos = m.end()
        _latin_units(term[pos:], seen)
    return list(seen.values())


def _latin_units(text: str, seen: dict[str, re.Pattern[str]]) -> None:
    for word in _LATIN_WORD.findall(text):
        if CJK_RUN.search(word):
            continue
        stem = _stem(word.casefold())
        seen.setdefault(stem, re.compile(rf"(?<![^\W_]){re.escape(stem)}[^\W_]*", re.I))


def _find(text: str, units: list[re.Pattern[str]]) -> list[_Match]:
    found: list[_Match] = []
    for i, pattern in enumerate(units):
        for found_at in pattern.finditer(text):
            found.append(_Match(found_at.start(), found_at.end(), i))
            if len(found) >= _MAX_MATCHES * 2:
                break
    found.sort(key=lambda m: (m.start, -m.end))
    kept: list[_Match] = []
    for hit in found:  # drop overlaps, keeping the earlier/longer match
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept[:_MAX_MATCHES]


def _best_window(
    text_len: int, matches: list[_Match], width: int, wanted: set[int]
) -> tuple[int, int]:
    best = (-1, -1, 0)
    best_span = (0, min(width, text_len))
    for i, first in enumerate(matches):
        if first.unit not in wanted:
            continue
        start = max(0, first.start - min(width // 4, first.start))
        end = min(text_len, start + width)
        inside = [m for m in matches[i:] if m.end <= end]
        units = {m.unit for m in inside if m.unit in wanted}
        score = (len(units), len(inside), -i)
        if score > best:
            best, best_span = score, (start, max(end, first.end))
    return best_span


def _render(text: str, start: int, end: int, matches: list[_Match]) -> str:
    parts: list[str] = []
    pos = start
    for m in matches:
        if m.start >= pos and m.end <= end:
            parts += [text[pos : m.start], _OPEN, text[m.start : m.end], _CLOSE]
            pos = m.end
    parts.append(text[pos:end])
    raw = "".join(parts)
    escaped = html.escape(raw, quote=True)
    return escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def make_snippet(text: str, terms: Sequence[str], width: int = 80) -> str:
    """Up to `width` characters of `text` around the best hits of `terms`, as HTML.

    One window when it covers every term found; otherwise two half-width windows.
    "…" marks where the text was cut; whitespace runs become one space.
    """
    text = _SPACE.sub(" ", _SENTINELS.sub("", text)).strip()
    width = max(width, 10)
    matches = _find(text, _units(terms))
    if not matches:
        end = min(len(text), width)
        return html.escape(text[:end]) + (_ELLIPSIS if end < len(text) else "")
    present = {m.unit for m in matches}
    first = _best_window(len(text), matches, width, present)
    windows = [first]
    covered = {m.unit for m in matches if first[0] <= m.start and m.end <= first[1]}
    if covered != present:
        half = width // 2
        first = _best_window(len(text), matches, half, present)
        covered = {m.unit for m in matches if first[0] <= m.start and m.end <= first[1]}
        second = _best_window(len(text), matches, half, present - covered)
        windows = sorted([first, second])
        if windows[1][0] <= windows[0][1]:  # overlapping: one window is enough
            windows = [(windows[0][0], max(windows[0][1], windows[1][1]))]
    out: list[str] = []
    for start, end in windows:
        if start > 0 and not (out and out[-1] == _ELLIPSIS):
            out.append(_ELLIPSIS)
        out.append(_render(text, start, end, matches))
        if end < len(text):
            out.append(_ELLIPSIS)
    return "".join(out).strip()
