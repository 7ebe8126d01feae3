"""BM25 on PostgreSQL, computed the way SQLite's FTS5 `bm25()` computes it.

Both backends must rank alike, so this is `store.bm25`'s formula in SQL. N and avgdl
are sums over table `search_totals` (kept by triggers), D is `search_docs.length`.

f(i) comes from `ts_rank_cd` without normalisation: for a lone word or a phrase every
occurrence is one cover, worth the weight of its field, so with weights A 1.0, B 0.2,
D 0.1 the result is f(i) / 10 (weights above 1 are refused). It reads positions, so an
article too long for them (`clipped`, past 16,383 positions) may count fewer.

n(i) of a single token is a GIN count. A phrase of several tokens needs each match's
positions, so its articles are first counted by their tokens alone (GIN only); up to
`PHRASE_COUNT_LIMIT` of them are then checked for the phrase, and above that the
token count stands in for it: an IDF from counts that large barely moves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kuaizhao.store.bm25 import K1, B, idf
from kuaizhao.store.postgres.search_terms import CONFIG

# Field weights over 10 (ts_rank_cd accepts 0..1), in tsvector order D, C, B, A.
_WEIGHTS = "'{0.1, 0.1, 0.2, 1.0}'"
PHRASE_COUNT_LIMIT = 1_000

# A phrase as to_tsquery() text: in a row (strict), and its tokens anywhere (loose, for
# articles whose positions are clipped; None when the phrase is one token).
Phrase = tuple[str, str | None]
One = Callable[[str, Sequence[Any]], Any]


def match_sql(column: str = "d") -> str:
    """Where `{column}` holds phrase `?` (strict, loose, loose): clipped rows by words."""
    return (f"({column}.tokens @@ to_tsquery('{CONFIG}', ?) OR {column}.clipped = 1"
            f" AND {column}.tokens @@ to_tsquery('{CONFIG}', coalesce(?, ?)))")


def score_sql(phrases: int) -> str:
    """BM25 of row `d` for that many phrases; its parameters come from `score_args`."""
    # Same operations in the same order as fts5_aux.c, so equal rows tie exactly; the
    # inner select (OFFSET 0: not flattened) reads each phrase's frequency once.
    terms = " + ".join(
        f"?::float8 * ((f{i} * ?::float8) / (f{i} + ?::float8"
        f" * (?::float8 + ?::float8 * d.length / ?::float8)))" for i in range(phrases))
    freqs = ", ".join(
        f"round(10 * ts_rank_cd({_WEIGHTS}, d.tokens, to_tsquery('{CONFIG}', ?), 0)::float8)"
        f" AS f{i}" for i in range(phrases))
    if not phrases:
        return "0::float8"
    return f"(SELECT 0::float8 + {terms} FROM (SELECT {freqs} OFFSET 0) f)"


def score_args(phrases: Sequence[Phrase], idfs: Sequence[float], avgdl: float) -> list[object]:
    """The parameters of `score_sql(len(phrases))`, in its order."""
    terms = [v for i in idfs for v in (i, K1 + 1.0, K1, 1 - B, B, avgdl)]
    return [*terms, *(p[0] for p in phrases)]


class Bm25Stats:
    """N, avgdl and each phrase's IDF for one query, read from the database."""

    def __init__(self, one: One, phrases: Sequence[Phrase]) -> None:
        docs, tokens = one("SELECT coalesce(sum(docs), 0), coalesce(sum(tokens), 0)"
                           " FROM search_totals", ())
        self.docs = int(docs)
        self.avgdl = float(tokens) / float(docs) if docs else 1.0
        counted: dict[Phrase, int] = {}
        for phrase in phrases:
            if phrase not in counted:
                counted[phrase] = _holding(one, phrase)
        self.idfs = [idf(self.docs, counted[p]) for p in phrases]


def _holding(one: One, phrase: Phrase) -> int:
    strict, loose = phrase
    words = int(one(f"SELECT count(*) FROM search_docs d WHERE d.tokens @@"
                    f" to_tsquery('{CONFIG}', ?)", (loose or strict,))[0])
    if loose is None or words > PHRASE_COUNT_LIMIT:
        return words
    return int(one(f"SELECT count(*) FROM search_docs d WHERE {match_sql()}",
                   (strict, loose, strict))[0])
