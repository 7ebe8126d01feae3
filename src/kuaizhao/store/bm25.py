"""FTS5's BM25, the ranking both search engines share.

From sqlite.org/fts5.html ("The bm25() function") and `fts5Bm25Function` in
fts5_aux.c. For each phrase i of the query,

    IDF(i) = ln((N - n(i) + 0.5) / (n(i) + 0.5)), or 1e-6 when that is not positive
    score  = sum over i of IDF(i) * f(i) * (k1 + 1) / (f(i) + k1 * (1 - b + b * D / avgdl))

with N the indexed articles, avgdl their mean length in tokens, n(i) the articles
holding phrase i, D the article's tokens in all fields and f(i) its occurrences of the
phrase weighted by field (`FIELD_WEIGHTS`). FTS5 returns the score negated (smaller is
better); these functions return it as it is.
"""

from __future__ import annotations

import math

K1 = 1.2
B = 0.75
# title, body, keywords: SQLite's `bm25(search_fts, 10.0, 1.0, 2.0)`.
FIELD_WEIGHTS = (10.0, 1.0, 2.0)
# The IDF of a phrase held by half of the articles or more.
IDF_FLOOR = 1e-6


def idf(docs: int, holding: int) -> float:
    """FTS5's IDF of a phrase held by `holding` of `docs` articles."""
    value = math.log((docs - holding + 0.5) / (holding + 0.5))
    return value if value > 0.0 else IDF_FLOOR


def phrase_score(idf_value: float, frequency: float, length: float, avgdl: float) -> float:
    """One phrase's term of the sum, in fts5_aux.c's order of operations."""
    return idf_value * ((frequency * (K1 + 1.0)) / (frequency + K1 * (1 - B + B * length / avgdl)))
