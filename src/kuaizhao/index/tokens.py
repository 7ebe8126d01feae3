"""Turning text and queries into what an FTS index with a stock tokenizer can match.

Chinese has no spaces between words, so SQLite's `unicode61` tokenizer would see a whole
run of Han characters as one token and find nothing inside it. `index_text()` rewrites
every run of CJK characters (Han, kana, hangul) as its overlapping character bigrams
plus the run's last character on its own:

    "科技创新。" -> " 科技 技创 创新 新 。"

A query word of n ≥ 2 CJK characters becomes the phrase of its n-1 bigrams, which
matches exactly where the word occurs as a substring; a single character becomes the
prefix query `"科"*`, which matches a bigram starting with it or a run's last character.
So every 1–4 character word is found wherever it occurs (recall 1.0, like indexing one
character per token), but a two-character query reads one short posting list instead
of intersecting the position lists of two very common characters: measured ~7x faster
at 50,000 articles (docs/search.md). Latin text passes through unchanged, so `porter`
stemming still applies to English.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from operator import add

from kuaizhao.index.query import Query

# Han (with extensions and compatibility ideographs), the ideographic zero, kana and
# hangul. Kept in one place: the index and the query side must agree exactly.
_CJK_CLASS = (
    "\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
)
CJK_RUN = re.compile(f"[{_CJK_CLASS}]+")
CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
_CJK_SPLIT = re.compile(f"([{_CJK_CLASS}]+)")


def is_cjk(text: str) -> bool:
    """True when `text` holds at least one CJK character."""
    return CJK_CHAR.search(text) is not None


def bigrams(run: str) -> list[str]:
    """Overlapping two-character pieces of `run` (empty for a single character)."""
    return list(map(add, run, run[1:]))


def index_text(text: str) -> str:
    """`text` as the FTS index should see it: CJK runs become bigrams plus last char."""
    parts = _CJK_SPLIT.split(text)  # [other, run, other, run, ..., other]
    for i in range(1, len(parts), 2):
        run = parts[i]
        # "科技创新" → " 科技 技创 创新 新 ", by filling every third slot of a list: this
        # runs on every indexed article, and slice assignment beats making n small strings.
        out = [" "] * (3 * len(run) - 1)
        out[1::3] = run
        out[2:-1:3] = run[1:]
        parts[i] = "".join(out) + " "
    return "".join(parts)


def _has_token(text: str) -> bool:
    # unicode61 makes tokens of letters and digits; anything else only separates them.
    return any(ch.isalnum() for ch in text)


def _string(text: str) -> str:
    """An FTS5 string literal: whatever is inside is only ever tokenized, never parsed."""
    return '"' + text.replace('"', '""') + '"'


def term_segments(term: str) -> list[tuple[bool, str]]:
    """`term` cut into alternating (is CJK, text) runs, starting and ending with a
    (possibly empty) non-CJK run: both engines build their phrases from these."""
    segments: list[tuple[bool, str]] = []
    pos = 0
    for m in CJK_RUN.finditer(term):
        segments.append((False, term[pos : m.start()]))
        segments.append((True, m.group()))
        pos = m.end()
    segments.append((False, term[pos:]))
    return segments


def _pieces(term: str) -> Iterator[str]:
    """The phrase parts of one term, mirroring exactly what `index_text` emitted.

    A CJK run with more of the term after it ended in the text too (what follows is
    not CJK), so there the index holds its last character as a token of its own, and
    the query must include it. A single character with nothing after it may begin a
    longer run in the text, hence the prefix query.
    """
    segments = [(cjk, text) for cjk, text in term_segments(term) if cjk or _has_token(text)]
    for i, (cjk, text) in enumerate(segments):
        last = i == len(segments) - 1
        if not cjk:
            yield _string(text)
        elif len(text) == 1:
            yield _string(text) + ("*" if last else "")
        else:
            yield _string(" ".join(bigrams(text) if last else [*bigrams(text), text[-1]]))


def term_match(term: str) -> str | None:
    """One query term as an FTS5 phrase, or None when it holds nothing to match."""
    pieces = list(_pieces(term))
    return " + ".join(pieces) if pieces else None


def boolean_expression(query: Query, term: Callable[[str], str | None],
                       excluded_term: Callable[[str], str | None], *, or_: str, and_: str,
                       and_not: str) -> str | None:
    """`query`'s groups (OR within, AND between) minus its exclusions, in one engine's
    syntax; each term is compiled by `term` (`excluded_term` for exclusions). None when
    the query has no words to look for."""
    groups: list[str] = []
    for alternatives in query.groups:
        phrases = [p for p in map(term, alternatives) if p is not None]
        if phrases:
            groups.append("(" + or_.join(phrases) + ")" if len(phrases) > 1 else phrases[0])
    if not groups:
        return None
    expr = and_.join(groups)
    excluded = [p for p in map(excluded_term, query.exclude) if p is not None]
    if excluded:
        expr = f"({expr}){and_not}({or_.join(excluded)})"
    return expr


def fts_match(query: Query) -> str | None:
    """The FTS5 MATCH expression for `query`, or None when it has no words to look for.

    Every term is a quoted string literal (see `_string`), so no user input can reach
    the FTS5 query parser as syntax: operators, columns and `*` typed by the user are
    just text.
    """
    return boolean_expression(query, term_match, term_match, or_=" OR ", and_=" AND ",
                              and_not=" NOT ")
