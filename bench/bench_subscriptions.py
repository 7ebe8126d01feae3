"""Matching new articles against saved searches: kuaizhao's inverted index vs a scan.

Corpus: articles recombined from the real Chinese sentences of /work/shared/data
(`bench/corpus.py`). Saved searches are drawn from the same sentences, so they hit at
realistic rates: 60 % one word (a 2–4 character Han substring), 15 % two words (AND),
10 % an OR pair, 5 % a word minus another, 5 % a word with a category filter, 5 % a
category or source subscription. For each article, `Matcher.match` (index lookup plus
verification of the candidates) is timed; the baseline verifies every subscription.

Run: `python bench/bench_subscriptions.py [--searches 10000] [--articles 2000]`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import CATEGORIES, SOURCES, articles, real_pages, sentence_pool

from kuaizhao.store.account_rows import MatchRule, SubscriptionKind
from kuaizhao.subscribe.matching import (
    MatchDoc,
    Matcher,
    _verify,
    compile_rule,
    prepare,
)

SEARCH = SubscriptionKind.SEARCH


def _word(rng: random.Random, pool: list[str]) -> str:
    while True:
        sentence = rng.choice(pool)
        size = rng.choice((2, 2, 3, 4))
        start = rng.randrange(0, max(1, len(sentence) - size))
        word = sentence[start:start + size]
        if len(word) == size and all("\u4e00" <= ch <= "\u9fff" for ch in word):
            return word


def saved_searches(n: int, pool: list[str], seed: int = 7) -> list[MatchRule]:
    rng = random.Random(seed)
    rules = []
    for i in range(n):
        roll = rng.random()
        if roll < 0.60:
            rule = MatchRule(i, SEARCH, _word(rng, pool))
        elif roll < 0.75:
            rule = MatchRule(i, SEARCH, f"{_word(rng, pool)} {_word(rng, pool)}")
        elif roll < 0.85:
            rule = MatchRule(i, SEARCH, f"{_word(rng, pool)} OR {_word(rng, pool)}")
        elif roll < 0.90:
            rule = MatchRule(i, SEARCH, f"{_word(rng, pool)} -{_word(rng, pool)}")
        elif roll < 0.95:
            rule = MatchRule(i, SEARCH, f"{_word(rng, pool)} category:{rng.choice(CATEGORIES)}")
        elif roll < 0.975:
            rule = MatchRule(i, SubscriptionKind.CATEGORY, rng.choice(CATEGORIES))
        else:
            rule = MatchRule(i, SubscriptionKind.SOURCE, rng.choice(SOURCES))
        rules.append(rule)
    return rules


def _ms(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--scan-articles", type=int, default=100,
                        help="articles for the full-scan baseline (it is slow)")
    args = parser.parse_args()
    pool = sentence_pool(real_pages())
    rules = saved_searches(args.searches, pool)
    docs = [MatchDoc(title=a.title, text=a.text, category=a.category, source=a.source)
            for a in articles(args.articles, pool)]
    started = time.perf_counter()
    matcher = Matcher(rules)
    compile_s = time.perf_counter() - started

    times, hits = [], []
    for doc in docs:
        t0 = time.perf_counter()
        found = matcher.match(doc)
        times.append(time.perf_counter() - t0)
        hits.append(len(found))

    compiled = [compile_rule(r) for r in rules]
    scan_times = []
    for doc in docs[:args.scan_articles]:
        t0 = time.perf_counter()
        prepared = prepare(doc)
        scanned = sorted(c.id for c in compiled if _verify(c, prepared))
        scan_times.append(time.perf_counter() - t0)
        assert scanned == matcher.match(doc), "index and scan disagree"

    chars = statistics.mean(len(d.text) for d in docs)
    print(f"{len(rules):,} saved searches ({matcher.size:,} compiled in {compile_s:.2f} s), "
          f"{len(docs):,} articles of {chars:,.0f} characters on average, "
          f"{statistics.mean(hits):.1f} matches per article")
    print("| method | median ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|")
    for name, values in (("inverted index + verify (kuaizhao)", times),
                         (f"verify every search (scan, {len(scan_times)} articles)",
                          scan_times)):
        print(f"| {name} | {_ms(values, 0.5):.2f} | {_ms(values, 0.95):.2f} | "
              f"{_ms(values, 0.99):.2f} | {max(values) * 1000:.2f} |")


if __name__ == "__main__":
    main()
