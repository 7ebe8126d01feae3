"""decide_version: edits are versions; times, counters and advertisements are not."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.dedupe import decide_version
from kuaizhao.models import Article, Image

BODY = ("5月LPR按兵不动：1年期为3.45%，5年期以上为3.95%。",
        "中国人民银行授权全国银行间同业拆借中心公布，2024年5月20日贷款市场报价利率为：",
        "发布时间：2024-05-20 09:47:48",
        "阅读 12,345 · 评论(35)")
OLD = Article(title="5月LPR按兵不动", text="\n\n".join(BODY), captions=("央行大楼。记者 摄",),
              published_at=datetime(2024, 5, 20, 1, 47, tzinfo=UTC), author=("王明",))


def _body(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs)


def test_identical_article_is_not_a_version() -> None:
    decision = decide_version(OLD, OLD)
    assert not decision.is_version
    assert decision.reason == "same article"


def test_timestamps_counters_ads_and_furniture_are_not_versions() -> None:
    noisy = replace(
        OLD,
        text=_body(BODY[0], BODY[1], "发布时间：2024-05-20 10:02:11", "阅读 1.2万 · 评论(80)",
                   "广告：XX理财，年化收益5%，点击了解"),
        published_at=datetime(2024, 5, 20, 2, 0, tzinfo=UTC),
        updated_at=datetime(2024, 5, 21, tzinfo=UTC),
        images=(Image("https://cdn.example/a.jpg?v=2"),), keywords=("LPR",), editor="李四",
    )
    decision = decide_version(OLD, noisy)
    assert not decision.is_version, decision
    wide = replace(OLD, text=OLD.text.replace("：", ":").replace("，", ", "))
    assert not decide_version(OLD, wide).is_version


def test_one_changed_digit_is_a_stealth_edit() -> None:
    edited = replace(OLD, text=OLD.text.replace("3.45%", "3.55%"))
    decision = decide_version(OLD, edited)
    assert decision.is_version
    assert decision.changed == ("body",)


def test_title_caption_author_and_origin_changes_are_versions() -> None:
    assert decide_version(OLD, replace(OLD, title="5月LPR下调")).changed == ("title",)
    assert decide_version(OLD, replace(OLD, captions=("央行大楼。",))).changed == ("captions",)
    assert decide_version(OLD, replace(OLD, author=("张三",))).changed == ("author",)
    moved = replace(OLD, reposted_from="新华社")
    assert decide_version(OLD, moved).changed == ("reposted_from",)


def test_a_long_paragraph_starting_with_an_ad_word_is_content() -> None:
    long_ad_word = "广告：" + "监管部门通报了多起违法广告案件，涉及金额巨大。" * 12
    before = replace(OLD, text=_body(*BODY, long_ad_word))
    after = replace(OLD, text=_body(*BODY, long_ad_word.replace("巨大", "较大")))
    assert decide_version(before, after).is_version


@given(st.text(min_size=1, max_size=200))
def test_decide_version_never_fails_and_is_symmetric(text: str) -> None:
    other = replace(OLD, text=text)
    assert decide_version(OLD, other).is_version == decide_version(other, OLD).is_version
