"""Matching at index time: the inverted index agrees with the search index."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from subscribe_archive import add_article

from kuaizhao.errors import QueryError
from kuaizhao.store import Store
from kuaizhao.store.account_rows import MatchRule, SubscriptionKind
from kuaizhao.subscribe.matching import MatchDoc, Matcher, check_target, tokens

SEARCH = SubscriptionKind.SEARCH

DOCS = [
    ("无锡:打造产业科技创新高地", "2月5日，无锡市召开科技创新工作座谈会。", "国内", "人民资讯"),
    ("Running the new chip fab", "Engineers were running tests on 5G modems in Wuxi.",
     "科技", "Example Times"),
    ("华为发布新手机", "小米与华为的竞争加剧，广告铺天盖地。", "科技", "科技日报"),
    ("创新药审批提速", "国家药监局表示将加快创新药审批。", "国内", "人民资讯"),
    ("科学家发现新物种", "科学考察队在云南发现新物种。", "国际", "科技日报"),
]
QUERIES = [
    "科技创新", "创新", "科", "无锡 座谈会", "华为 OR 小米", "华为 -广告", "\"running tests\"",
    "run", "modem", "5G", "category:国内", "创新 category:国内", "source:科技日报",
    "source:科技日报 新物种", "科学 OR 科技", "NEAR(", "药", "高地 -无锡", "Wuxi",
    "科技创新 since:2000-01-01", "科技创新 until:2000-01-01",
]


def _doc(title: str, text: str, category: str, source: str) -> MatchDoc:
    return MatchDoc(title=title, text=text, category=category, source=source,
                    when=datetime(2024, 2, 7, tzinfo=UTC))


def test_matcher_agrees_with_search(store: Store) -> None:
    ids = {add_article(store, f"https://x.example/{i}", *d[:2], category=d[2], source=d[3],
                       published=datetime(2024, 2, 7, tzinfo=UTC)): i
           for i, d in enumerate(DOCS)}
    matcher = Matcher(MatchRule(n, SEARCH, q) for n, q in enumerate(QUERIES))
    found: dict[int, set[int]] = {n: set() for n in range(len(QUERIES))}
    for i, d in enumerate(DOCS):
        for n in matcher.match(_doc(*d)):
            found[n].add(i)
    for n, q in enumerate(QUERIES):
        searched = {ids[h.snapshot_id] for h in store.search(q, limit=100).hits}
        assert found[n] == searched, q


def test_single_character_is_a_prefix_and_phrases_stay_inside_a_field() -> None:
    matcher = Matcher([MatchRule(1, SEARCH, "科"), MatchRule(2, SEARCH, "高地 科学")])
    assert matcher.match(MatchDoc(title="科技", text="")) == [1]
    # 高地 in the title, 科学 in the body: both present, so AND matches
    assert matcher.match(MatchDoc(title="高地", text="科学")) == [1, 2]
    # a phrase across the title/body boundary is not a phrase
    assert Matcher([MatchRule(3, SEARCH, "\"高地科学\"")]).match(
        MatchDoc(title="高地", text="科学")) == []


def test_category_and_source_subscriptions() -> None:
    matcher = Matcher([MatchRule(1, SubscriptionKind.CATEGORY, "国内"),
                       MatchRule(2, SubscriptionKind.SOURCE, "人民资讯"),
                       MatchRule(3, SubscriptionKind.CATEGORY, "国际")])
    doc = MatchDoc(title="t", text="b", category="国内", source="人民资讯")
    assert matcher.match(doc) == [1, 2]
    assert matcher.match(MatchDoc(title="t", text="b")) == []


def test_broken_rules_are_skipped_not_fatal() -> None:
    matcher = Matcher([MatchRule(1, SEARCH, "-广告"), MatchRule(2, SEARCH, "广告")])
    assert matcher.size == 1
    assert matcher.problems[0][0] == 1
    assert matcher.match(MatchDoc(title="广告", text="")) == [2]


def test_check_target_explains_what_to_change() -> None:
    with pytest.raises(QueryError, match="add a word"):
        check_target(SEARCH, "since:2024-01-01")
    with pytest.raises(QueryError, match="needs a category"):
        check_target(SubscriptionKind.CATEGORY, "  ")
    assert check_target(SEARCH, " 科技创新 ") == "科技创新"


def test_tokens_mirror_the_index() -> None:
    assert tokens("科技创新 Running") == ["科技", "技创", "创新", "新", "run"]
