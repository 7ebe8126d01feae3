"""Key terms of an article: what "related news" looks for in other articles.

An article's own keywords (its `<meta name="keywords">`, kept in `Article.keywords`)
come first; the rest are the top TF-IDF terms of its title and body: term counts from
jieba's word segmentation, weighted by the IDF table jieba ships (built from a large
general Chinese corpus), so no corpus statistics have to be kept in the database.
The table is read here rather than through `jieba.analyse`, whose import leaves the
file open.
"""

from __future__ import annotations

import logging
import re
import statistics
import threading
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from kuaizhao.index.tokens import is_cjk

_MIN_LATIN = 4  # shorter English words are mostly function words
_NUMERIC = re.compile(r"^[\d.,:%\-/]+$")
_SPLIT_KEYWORDS = re.compile(r"[,，;；、|]+")


# Frequent words that say nothing about a topic (jieba's IDF rates some of them high).
_STOP = frozenset({
    "this", "that", "with", "from", "have", "been", "were", "will", "would", "could",
    "should", "their", "there", "which", "about", "into", "more", "than", "also", "said",
    "我们", "你们", "他们", "她们", "它们", "这个", "那个",
    "这些", "那些", "一个", "没有", "什么", "自己", "已经",
    "因为", "所以", "但是", "而且", "如果", "可以", "以及",
    "进行", "通过", "表示", "其中", "同时", "目前", "相关",
})


# `functools.cache` lets threads that miss at the same moment each build the value:
# under concurrent page views that was one ~100 MB jieba dictionary per thread.
_BUILDING = threading.Lock()


def _segmenter() -> Any:
    with _BUILDING:
        return _new_segmenter()


def _idf() -> tuple[dict[str, float], float]:
    with _BUILDING:
        return _read_idf()


@cache
def _new_segmenter() -> Any:
    # Imported late: building jieba's dictionary takes about a second.
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()  # now, under the lock, not on the first cut
    return tokenizer


@cache
def _read_idf() -> tuple[dict[str, float], float]:
    table: dict[str, float] = {}
    source = resources.files("jieba") / "analyse" / "idf.txt"
    with source.open("r", encoding="utf-8") as lines:
        for line in lines:
            word, _, value = line.strip().partition(" ")
            if value:
                table[word] = float(value)
    return table, statistics.median(table.values())


def tfidf_terms(text: str, limit: int) -> list[str]:
    """The `limit` words of `text` with the highest tf·idf, strongest first."""
    counts = Counter(
        w.strip() for w in _segmenter().cut(text) if _usable(w) and w.lower() not in _STOP
    )
    idf, median = _idf()
    scored = sorted(counts.items(), key=lambda kv: (-kv[1] * idf.get(kv[0], median), kv[0]))
    return [word for word, _ in scored[:limit]]


def _usable(term: str) -> bool:
    term = term.strip()
    if not term or _NUMERIC.match(term) or not any(ch.isalnum() for ch in term):
        return False
    return len(term) >= 2 if is_cjk(term) else len(term) >= _MIN_LATIN


def split_keywords(keywords: Sequence[str]) -> list[str]:
    """Meta keywords, often one comma-joined string, as separate clean terms."""
    out: list[str] = []
    for item in keywords:
        out.extend(p.strip() for p in _SPLIT_KEYWORDS.split(item) if _usable(p))
    return list(dict.fromkeys(out))


def key_terms(title: str, text: str, keywords: Sequence[str] = (), limit: int = 8) -> list[str]:
    """Up to `limit` terms that say what the article is about, strongest first.

    The title is counted three times so the terms of the headline outrank terms that
    merely recur in a long body.
    """
    return list(_key_terms(title, text, tuple(keywords), limit))


# Segmenting an article takes ~10-30 ms, and every view of a snapshot page asks for
# its related articles again; an article's text never changes, so the terms are kept
# for the most recently viewed ones (the cache holds their texts: ~10 KB each).
@lru_cache(maxsize=256)
def _key_terms(title: str, text: str, keywords: tuple[str, ...], limit: int
               ) -> tuple[str, ...]:
    terms = split_keywords(keywords)[:limit]
    if len(terms) < limit:
        sample = " ".join([title] * 3) + "\n" + text[:5000]
        for word in tfidf_terms(sample, limit * 2):
            if len(terms) >= limit:
                break
            if _usable(word) and word not in terms:
                terms.append(word)
    return tuple(terms)
