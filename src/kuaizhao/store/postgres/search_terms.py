"""Text and queries as PostgreSQL's `kuaizhao_search` configuration must see them.

The same tokens as FTS5 on SQLite, so both backends find the same articles:
`index.tokens.index_text` turns CJK runs into bigrams, and here the rest of what
FTS5's `unicode61 remove_diacritics 2` tokenizer does happens in Python — lower case,
Latin diacritics folded, every character that is not a letter or digit a space — so
PostgreSQL's parser (whose idea of a letter depends on the database locale) only ever
splits at spaces. English stemming stays on the server (Snowball, migration 0002).

A query becomes the text of a `to_tsquery()` call, sent as a parameter: every operand
is one of those tokens in quotes, and tokens hold only letters and digits, so nothing
a user types can become tsquery syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache, partial

from kuaizhao.index.query import Query
from kuaizhao.index.tokens import (
    CJK_RUN,
    bigrams,
    boolean_expression,
    index_text,
    term_segments,
)

CONFIG = "kuaizhao_search"
_SEPARATORS = re.compile(r"[\W_]+")
# Latin letters with diacritics: Latin-1 Supplement to Latin Extended-B, Extended Additional.
_ACCENTED = re.compile("[\u00c0-\u024f\u1e00-\u1eff]")


@lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch)
    if base[0].isascii() and all(unicodedata.combining(c) for c in base[1:]):
        return base[0]
    return ch


def normalize(text: str) -> str:
    """`text` as space-separated tokens: lower case, diacritics folded, words only."""
    text = text.lower()
    if _ACCENTED.search(text):
        text = _ACCENTED.sub(lambda m: _fold(m.group()), text)
    return _SEPARATORS.sub(" ", text).strip()


def document_text(text: str) -> str:
    """What `to_tsvector('kuaizhao_search', …)` is given for one field of an article."""
    return normalize(index_text(text))


# What a tsvector keeps: positions 1..16,383, and 255 positions per word. The per-word
# margin covers English words the server's stemmer merges (run, runs, running).
MAX_POSITION = 16_383
_WORD_POSITIONS = 200


def clipped(*fields: str) -> bool:
    """True when the `document_text` of these fields may lose positions in a tsvector."""
    tokens = [t for f in fields for t in f.split()]
    if len(tokens) + len(fields) >= MAX_POSITION:
        return True
    return len(tokens) > _WORD_POSITIONS and Counter(tokens).most_common(1)[0][1] > _WORD_POSITIONS


def _quote(token: str) -> str:
    # Tokens are letters and digits only; doubling quotes and backslashes still keeps a
    # future change of `normalize` from turning one into syntax.
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _pieces(term: str) -> list[list[str]]:
    """The token groups of one term, mirroring `index.tokens._pieces` for FTS5.

    A CJK run followed by more of the term ended in the text too, so there the index
    holds its last character as a token of its own; a single character at the end of
    the term may begin a longer run in the text (the caller makes it a prefix).
    """
    segments = [(cjk, text) for cjk, text in term_segments(term) if cjk or normalize(text)]
    out: list[list[str]] = []
    for i, (cjk, text) in enumerate(segments):
        last = i == len(segments) - 1
        if not cjk or len(text) == 1:
            out.append(normalize(text).split())
        else:
            out.append(normalize(" ".join(bigrams(text) if last else [*bigrams(text), text[-1]]))
                       .split())
    return out


def term_tsquery(term: str, *, loose: bool = False) -> str | None:
    """One query term as a tsquery phrase, or None when it holds nothing to match.

    `loose` asks for all of its tokens anywhere instead of in a row (see `tsquery_text`).
    """
    operands = [_quote(t) for piece in _pieces(term) for t in piece]
    if not operands:
        return None
    if _ends_with_lone(term):
        operands[-1] += ":*"  # FTS5's `"科"*`
    joint = " & " if loose else " <-> "
    return operands[0] if len(operands) == 1 else "(" + joint.join(operands) + ")"


def _ends_with_lone(term: str) -> bool:
    """True when the last segment of `term` holding a token is a single CJK character."""
    runs = list(CJK_RUN.finditer(term))
    if not runs or len(runs[-1].group()) != 1:
        return False
    return not normalize(term[runs[-1].end() :])


def tsquery_text(query: Query, *, loose: bool = False) -> str | None:
    """The `to_tsquery()` text for `query`, or None when it has no words to look for.

    `loose` is for articles too long for tsvector positions (16,383 at most, 255 per
    word): the words of each phrase anywhere, excluded phrases still as phrases, so
    such an article is never missed (it may match a phrase it holds only in pieces).
    """
    return boolean_expression(query, partial(term_tsquery, loose=loose), term_tsquery,
                              or_=" | ", and_=" & ", and_not=" & !")


def terms_tsquery(terms: list[str], *, loose: bool = False) -> str | None:
    """Any of `terms` (related news): the OR of their phrases."""
    phrases = [p for p in (term_tsquery(t, loose=loose) for t in terms) if p is not None]
    return " | ".join(phrases) if phrases else None


def _phrase(term: str) -> tuple[str, str | None] | None:
    strict = term_tsquery(term)
    if strict is None:
        return None
    loose = term_tsquery(term, loose=True)
    return strict, None if loose == strict else loose


def query_phrases(query: Query) -> list[tuple[str, str | None]]:
    """The phrases BM25 scores, in FTS5's order: each term of each group, excluded ones
    left out (FTS5 counts them too, but a matching article never holds them)."""
    found = (_phrase(t) for alternatives in query.groups for t in alternatives)
    return [p for p in found if p is not None]


def terms_phrases(terms: list[str]) -> list[tuple[str, str | None]]:
    """The phrases of `terms_tsquery(terms)`, in order."""
    return [p for p in map(_phrase, terms) if p is not None]
