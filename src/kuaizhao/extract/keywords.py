"""A few key terms per article, for linking related news.

Chinese: jieba's TF-IDF over the headline (counted three times, since it names the
story) and the start of the body. Other languages: the most frequent non-function
words, headline words counted three times. The body is capped because segmentation
is the slowest step of extraction (~0.15 M chars/s) and a story's key terms appear
early.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections import Counter
from functools import cache
from typing import Any

_TEXT_CAP = 2000
_WORD = re.compile(r"[^\W\d_][\w'’-]{2,}")
_EN_STOP_WORDS = """about above after again against also although among another because been
before being below between both but can could did does doing down during each even every from
further had has have having here hers herself him himself his how however into its itself just
last like made make many may might more most much must new news not now off once only other our
ours out over own per said same says she should since some still such than that the their theirs
them then there these they this those through told too under until upon very was way well were
what when where which while who whom why will with would year years you your yours one two three
first people time according"""
_EN_STOP = frozenset(_EN_STOP_WORDS.split())
_ZH_HAN = re.compile(r"[\u4e00-\u9fff]")


@cache
def _jieba_analyse() -> Any:
    # Imported late: the dictionaries take ~1 s to load. jieba opens its IDF file without
    # closing it; the ResourceWarning that leaks is jieba's, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        import jieba
        import jieba.analyse

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba.analyse


def extract_keywords(title: str, text: str, language: str | None, limit: int) -> tuple[str, ...]:
    if limit <= 0 or not (title or text):
        return ()
    sample = "\n".join([title, title, title, text[:_TEXT_CAP]])
    if language in {"zh", "ja"} or (language is None and len(_ZH_HAN.findall(sample)) > 20):
        tags = _jieba_analyse().extract_tags(sample, topK=limit * 2)
        words = [t for t in tags if not t.isdigit() and len(t) >= 2]
        return tuple(words[:limit])
    counts = Counter(
        w.lower() for w in _WORD.findall(sample) if w.lower() not in _EN_STOP
    )
    return tuple(w for w, n in counts.most_common(limit) if n >= 2)
