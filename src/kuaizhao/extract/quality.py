"""How extraction quality is measured, shared by the quality-gate test and the bench.

Body: the Zyte article-extraction-benchmark metric. Text is cut into `\\w+` tokens
(Chinese: jieba words keeping tokens with a word character), tokens into 4-gram
shingles; per page, precision and recall come from the shingle multisets (a page with
no output has precision 1 and recall 0); both are averaged over pages and F1 is taken
from the two means. This reproduces the published AEB scores to three decimals. Both
texts are put in Unicode NFC first: `\\w+` splits a decomposed "für" (u + U+0308) in
two, so a label copied from a page written so would otherwise not match the same words
composed (one Fundus page: 0.55 → 1.0 for text that is equal letter for letter).
"""

from __future__ import annotations

import logging
import re
import statistics
import unicodedata
import warnings
from collections import Counter
from functools import cache
from typing import Any

_TOKEN = re.compile(r"\w+")


@cache
def _jieba() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # jieba leaves its files open
        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba


def tokens(text: str, chinese: bool) -> list[str]:
    text = unicodedata.normalize("NFC", text or "")
    if chinese:
        return [t for t in _jieba().lcut(text) if _TOKEN.search(t)]
    return _TOKEN.findall(text)


def shingle_pr(true: str, pred: str, chinese: bool = False) -> tuple[float, float]:
    """(precision, recall) of one page's predicted body against the true body."""

    def shingles(toks: list[str]) -> Counter[str]:
        return Counter(" ".join(toks[i:i + 4]) for i in range(max(1, len(toks) - 3))
                       if toks[i:i + 4])

    a, b = shingles(tokens(true, chinese)), shingles(tokens(pred, chinese))
    tp = sum((a & b).values())
    fp = sum((b - a).values())
    fn = sum((a - b).values())
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return precision, recall


def f1_of_means(prs: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(mean precision, mean recall, F1 of the two means) over pages."""
    if not prs:
        return 0.0, 0.0, 0.0
    p = statistics.mean(x for x, _ in prs)
    r = statistics.mean(y for _, y in prs)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def same_text(a: str | None, b: str | None) -> bool:
    """Equal after dropping everything but word characters, case-insensitively."""
    return normalise(a) == normalise(b)


def normalise(text: str | None) -> str:
    return re.sub(r"\W+", "", text or "").lower()
