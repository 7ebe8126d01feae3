"""choose_original by evidence; joining stories by near-duplicate matches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kuaizhao.dedupe import StoryCandidate, StoryMatch, choose_original, decide_story_near
from kuaizhao.dedupe.neardup import Similarity
from kuaizhao.dedupe.stories import outlet_matches

CST = timezone(timedelta(hours=8))
T0 = datetime(2024, 2, 7, 21, 2, tzinfo=CST)


def member(sid: int, outlet: str, **kw: object) -> StoryCandidate:
    fields: dict[str, object] = {"url": f"https://{sid}.example/a.html", "outlet": outlet,
                                 "published_at": T0, "captured_at": T0}
    fields.update(kw)
    return StoryCandidate(snapshot_id=sid, **fields)  # type: ignore[arg-type]


def test_named_source_beats_earlier_publication() -> None:
    original = member(1, "人民资讯", reposted_from="人民网-江苏频道", published_at=T0)
    copy = member(2, "江南快报", reposted_from="人民资讯", published_at=T0 - timedelta(hours=3))
    choice = choose_original([copy, original])
    assert (choice.snapshot_id, choice.reason) == (1, "named_by_repost")


def test_link_to_a_member_url_is_followed_along_a_chain() -> None:
    a = member(1, "A报")
    b = member(2, "B网", reposted_from_url="http://1.example/a.html/")
    c = member(3, "C快讯", reposted_from="B网")
    choice = choose_original([c, b, a])
    assert choice.snapshot_id == 1
    assert choice.reason == "linked_by_repost"


def test_wire_service_then_earliest_publication() -> None:
    wire = member(1, "新华网", published_at=T0 + timedelta(hours=1))
    early = member(2, "晚报", published_at=T0)
    assert choose_original([early, wire]) .reason == "wire_service"
    late = member(3, "日报", published_at=T0 + timedelta(minutes=5))
    choice = choose_original([late, early])
    assert (choice.snapshot_id, choice.reason) == (2, "earliest_published")
    utc = member(4, "Ledger", published_at=datetime(2024, 2, 7, 12, 0, tzinfo=UTC))
    assert choose_original([early, utc]).snapshot_id == 4  # 20:00 CST, before 21:02 CST


def test_single_member_and_empty_input() -> None:
    assert choose_original([member(7, "A")]).reason == "only_member"
    with pytest.raises(ValueError, match="at least one"):
        choose_original([])


def test_outlet_matching_respects_word_boundaries() -> None:
    assert outlet_matches("人民网-江苏频道", "人民网")
    assert not outlet_matches("人民网", "人民网站")
    assert outlet_matches("Reuters", "reuters")
    assert not outlet_matches("", "A")


def test_decide_story_near_prefers_url_then_text_then_best_match() -> None:
    weak = StoryMatch(10, 100, Similarity(0.4, 0.8))
    strong = StoryMatch(11, 101, Similarity(0.9, 1.0))
    assert decide_story_near(5, 6, [strong]).story_id == 5
    assert decide_story_near(None, 6, [strong]).story_id == 6
    assert decide_story_near(None, None, [weak, strong]).story_id == 101
    assert decide_story_near(None, None, []).story_id is None
