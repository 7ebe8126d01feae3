from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kuaizhao.index.keywords import key_terms, split_keywords
from kuaizhao.index.related import RelatedCandidate, RelatedTarget, rank_related

T0 = datetime(2024, 2, 7, tzinfo=UTC)


def cand(i: int, text: str, *, story: int | None = None, days: int = 0,
         url: str | None = None) -> RelatedCandidate:
    return RelatedCandidate(i, url or f"https://x.cn/{i}", story, T0 + timedelta(days=days),
                            f"标题{i}", text)


TARGET = RelatedTarget(1, "https://x.cn/1", 10, T0, ("科技创新", "无锡", "新质生产力"))


def test_most_shared_terms_first_then_nearest_in_time() -> None:
    ranked = rank_related(TARGET, [
        cand(2, "无锡 科技创新", days=30),
        cand(3, "无锡 科技创新 新质生产力", days=60),
        cand(4, "无锡 科技创新", days=-1),
        cand(5, "无关的内容"),
    ])
    assert [r.candidate.snapshot_id for r in ranked] == [3, 4, 2]
    assert ranked[0].shared == ("科技创新", "无锡", "新质生产力")


def test_self_other_versions_and_own_story_are_excluded() -> None:
    ranked = rank_related(TARGET, [
        cand(1, "无锡"), cand(6, "无锡", url="https://x.cn/1"), cand(7, "无锡", story=10),
        cand(8, "无锡", story=11),
    ])
    assert [r.candidate.snapshot_id for r in ranked] == [8]


def test_members_of_another_story_collapse() -> None:
    ranked = rank_related(TARGET, [
        cand(2, "无锡 科技创新", story=20), cand(3, "无锡", story=20), cand(4, "无锡"),
    ], limit=5)
    assert [r.candidate.snapshot_id for r in ranked] == [2, 4]
    assert ranked[0].also_reported_by == ("https://x.cn/3",)


def test_key_terms_prefer_meta_keywords_then_tfidf() -> None:
    split = split_keywords(["无锡,科技创新；a", " 新质生产力 "])
    assert split == ["无锡", "科技创新", "新质生产力"]
    terms = key_terms("无锡打造产业科技创新高地",
                      "无锡市召开科技创新工作座谈会。赵建军强调科技创新。", ["无锡"], limit=5)
    assert terms[0] == "无锡"
    assert "科技创新" in terms or "创新" in terms
    assert len(terms) <= 5
