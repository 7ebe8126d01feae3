"""How much two extracted bodies say the same thing, whatever the language.

Chinese has no spaces, so a text becomes a bag of tokens that needs no word segmenter:
each run of Han/kana/hangul characters gives its character bigrams (a lone character
gives itself), everything else its lower-cased `\\w+` words. Two bodies agree as much as
their bags overlap (Dice: twice the shared tokens over both sizes), so the same article
cut a little differently scores near 1 and a menu against the article near 0.
The judge (`judge.py`) uses it to find the candidate the others agree with, and
`bench/eval_extract.py` to list pages where kuaizhao is far from two agreeing peers.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import combinations

_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
_WORD = re.compile(r"\w+")


def token_bag(text: str) -> Counter[str]:
    """Character bigrams of CJK runs plus lower-cased words of everything else."""
    text = unicodedata.normalize("NFC", text or "").lower()
    bag: Counter[str] = Counter()
    for run in _CJK_RUN.findall(text):
        bag.update(run[i:i + 2] for i in range(max(1, len(run) - 1)))
    bag.update(_WORD.findall(_CJK_RUN.sub(" ", text)))
    return bag


def overlap(a: Counter[str], b: Counter[str]) -> float:
    """Dice overlap of two token bags, 0 (nothing shared) to 1 (the same bag).

    Two empty bags share nothing: an empty body agrees with no one.
    """
    total = sum(a.values()) + sum(b.values())
    if not total:
        return 0.0
    return 2 * sum((a & b).values()) / total


def similarity(a: str, b: str) -> float:
    """`overlap` of the two texts' token bags."""
    return overlap(token_bag(a), token_bag(b))


def support(bags: list[Counter[str]]) -> list[float]:
    """For each bag, its mean overlap with every other bag (0 when it is alone)."""
    if len(bags) < 2:
        return [0.0] * len(bags)
    totals = [0.0] * len(bags)
    for i, j in combinations(range(len(bags)), 2):
        shared = overlap(bags[i], bags[j])
        totals[i] += shared
        totals[j] += shared
    return [t / (len(bags) - 1) for t in totals]
