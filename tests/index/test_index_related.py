from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from kuaizhao.index import keywords
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


def test_threads_asking_at_once_build_one_dictionary() -> None:
    keywords._new_segmenter.cache_clear()
    keywords._read_idf.cache_clear()
    start = threading.Barrier(6)

    def terms(n: int) -> list[str]:
        start.wait()
        return key_terms(f"无锡第{n}次科技创新座谈会", "市场监管总局发布新规，明确平台责任。" * 20)

    with ThreadPoolExecutor(6) as pool:
        found = list(pool.map(terms, range(6)))
    assert all(f == found[0] for f in found), found
    assert "新规" in found[0]
    assert keywords._new_segmenter.cache_info().misses == 1
    assert keywords._read_idf.cache_info().misses == 1


def test_key_terms_are_kept_for_the_next_view() -> None:
    text = "市场监管总局发布新规，明确平台责任和消费者权益保护的具体措施。" * 10
    first = key_terms("市场监管总局发布新规", text)
    hits = keywords._key_terms.cache_info().hits
    again = key_terms("市场监管总局发布新规", text)
    assert again == first
    assert again is not first  # a copy: a caller changing it cannot change the cache
    assert keywords._key_terms.cache_info().hits == hits + 1
