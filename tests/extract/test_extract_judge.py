"""The body judge: its chrome signals, when it asks for other candidates, how it
chooses, and the failure shapes of issue 19 on hand-written pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaizhao import extract_article
from kuaizhao.extract.agreement import similarity, support, token_bag
from kuaizhao.extract.judge import (
    Candidate,
    choose,
    chrome_reasons,
    needs_candidates,
    signals,
    trim_edges,
)

PAGES = Path(__file__).parents[1] / "data" / "extract" / "judge"

FEED_MENU = ["5天前", "不感兴趣", "减少此类内容", "举报", "标题夸张、内容质量差等", "内容重复",
             "拉黑作者", "确定拉黑该用户？", "取消", "确定", "分享到微信", "收藏"]
ZH_PROSE = [
    "清晨五点半，河口古镇的青石板路上已经有了人声。停业半年的早市这个月重新开张，"
    "卖豆腐的、卖菜的、修鞋的摊位沿着老街一字排开，一直延伸到渡口。",
    "摊主李秀英在这里卖了二十年豆腐。她说，早市停业的这段时间，她只能骑三轮车走村串户，"
    "一天跑下来卖不了几板，“现在好了，老主顾又都回来了”。",
    "镇政府介绍，这次改造没有拆一间老房子，只是把排水沟重新挖通，把路面的青石板一块块撬起来垫平。",
]
EN_PROSE = [
    "The council voted on Tuesday to reopen the old market hall, closed since the flood "
    "of 2019, after a two-year repair paid for by the regional fund.",
    "Traders who moved to the car park in the meantime will be offered their old stalls "
    "first, the mayor said, and rents will stay at the 2019 level for a year.",
]
POEM = ["好雨知时节，当春乃发生。", "随风潜入夜，润物细无声。", "野径云俱黑，江船火独明。",
        "晓看红湿处，花重锦官城。"]
CODE = ["import os", "from collections import defaultdict", "def rename_all(folder):",
        "used = defaultdict(int)", "for name in sorted(os.listdir(folder)):", "continue"]


# ---------------------------------------------------------------- signals


def test_feed_control_menu_is_chrome_by_its_ui_verbs() -> None:
    reasons = chrome_reasons(signals(FEED_MENU))
    assert any("UI verbs" in r for r in reasons)


def test_english_toolbar_is_chrome_by_its_ui_verbs() -> None:
    bar = ["Home", "Sign in", "Subscribe", "Share this article", "Comments (12)", "Print",
           "Email", "Follow us"]
    assert any("UI verbs" in r for r in chrome_reasons(signals(bar)))


def test_label_value_header_is_chrome_by_its_missing_sentences() -> None:
    header = ["朝代：唐代", "作者：杜甫", "体裁：五言律诗", "原文：", "春天", "写雨", "喜景"]
    assert any("no sentences" in r for r in chrome_reasons(signals(header)))


def test_related_list_is_chrome_by_its_link_text() -> None:
    related = ["Python 批量修改文件名的五种方法，一文看懂", "Pillow 读取 EXIF 信息详解，附示例代码",
               "os.rename 报错 FileExistsError 的解决办法，亲测有效"]
    links = frozenset("".join(t.split()) for t in related)
    s = signals(related, links)
    assert s.link_share > 0.9
    assert any("link text" in r for r in chrome_reasons(s))
    assert not chrome_reasons(signals(related))  # the same lines unlinked are prose


@pytest.mark.parametrize("body", [ZH_PROSE, EN_PROSE, POEM, ZH_PROSE[:1] + CODE + ZH_PROSE[1:]],
                         ids=["zh prose", "en prose", "poem", "prose with code"])
def test_prose_poems_and_code_are_not_chrome(body: list[str]) -> None:
    assert chrome_reasons(signals(body)) == ()


def test_a_ui_verb_inside_a_sentence_does_not_count() -> None:
    line = ["市民可通过12345热线举报违规占道经营的摊位，经核实后，城管部门将在三个工作日内处理。"]
    assert signals(line).ui_share == 0.0


def test_sentence_marks_are_counted_per_script() -> None:
    assert signals(ZH_PROSE).cjk
    assert signals(ZH_PROSE).stops_rate > 0.05
    assert not signals(EN_PROSE).cjk
    assert signals(EN_PROSE).stops_rate > 0.05
    urdu = ["پاکستان نے آئرلینڈ کو سات وکٹوں سے شکست دی۔ سیریز ایک ایک سے برابر ہو گئی۔"]
    assert signals(urdu).stops_rate > 0.05


# ---------------------------------------------------------------- when to doubt


def test_a_sound_body_needs_no_other_candidates() -> None:
    assert needs_candidates(ZH_PROSE, signals(ZH_PROSE), prose_chars=200, declared=None) is None


def test_chrome_an_empty_body_and_low_coverage_raise_doubt() -> None:
    assert "UI verbs" in (needs_candidates(FEED_MENU, signals(FEED_MENU), 0, None) or "")
    assert needs_candidates([], signals([]), 0, None) == "body empty or tiny"
    doubt = needs_candidates(ZH_PROSE, signals(ZH_PROSE), prose_chars=2000, declared=None)
    assert doubt is not None
    assert "of the page's prose" in doubt


def test_a_body_far_from_the_declared_article_body_raises_doubt() -> None:
    declared = "\n".join(EN_PROSE)
    assert needs_candidates(EN_PROSE, signals(EN_PROSE), 0, declared) is None
    doubt = needs_candidates(ZH_PROSE, signals(ZH_PROSE), 0, declared)
    assert doubt is not None
    assert "JSON-LD articleBody" in doubt


# ---------------------------------------------------------------- choosing


def test_menu_loses_to_the_article_the_others_agree_on() -> None:
    verdict = choose([Candidate("precision", tuple(FEED_MENU)),
                      Candidate("recall", tuple(ZH_PROSE)),
                      Candidate("readability", tuple(ZH_PROSE[:2])),
                      Candidate("density", tuple(ZH_PROSE[1:]))])
    assert verdict.index == 1
    assert "UI verbs" in verdict.reason
    assert "recall chosen" in verdict.reason


def test_first_body_stays_when_no_other_is_clearly_better() -> None:
    # recall reads on into a comment, density keeps part: the tuned body is as supported
    verdict = choose([Candidate("precision", tuple(ZH_PROSE)),
                      Candidate("recall", (*ZH_PROSE, "网友8312：写得真好，下次还去。")),
                      Candidate("density", tuple(ZH_PROSE[:2]))])
    assert verdict.index == 0
    assert verdict.reason.startswith("precision kept")


def test_the_best_supported_candidate_wins_over_a_lone_first_body() -> None:
    other = tuple(EN_PROSE)
    verdict = choose([Candidate("precision", tuple(ZH_PROSE[:1])),
                      Candidate("recall", other), Candidate("readability", other),
                      Candidate("density", other[:1])])
    assert verdict.index in (1, 2)
    assert "over precision" in verdict.reason


def test_the_declared_article_body_outweighs_agreeing_extractors() -> None:
    cookie = ("This Cookie Notice explains how we and our partners use cookies and "
              "similar tracking technologies when you use our websites and apps.",) * 3
    verdict = choose([Candidate("precision", tuple(EN_PROSE)), Candidate("recall", cookie),
                      Candidate("readability", cookie),
                      Candidate("JSON-LD articleBody", tuple(EN_PROSE), declared=True)])
    assert verdict.index == 0
    assert "JSON-LD" in verdict.reason


def test_when_every_candidate_is_chrome_the_first_stays() -> None:
    verdict = choose([Candidate("precision", tuple(FEED_MENU)),
                      Candidate("recall", tuple(FEED_MENU[2:]))])
    assert verdict.index == 0
    assert "no candidate is prose" in verdict.reason


def test_an_empty_first_body_takes_the_only_prose_candidate() -> None:
    verdict = choose([Candidate("precision", ()), Candidate("readability", tuple(ZH_PROSE))])
    assert verdict.index == 1
    assert "only prose candidate" in verdict.reason


def test_chrome_lines_at_the_edges_that_no_other_candidate_has_are_trimmed() -> None:
    body = ["分享到微信", *ZH_PROSE, "匿名评论 所有评论仅代表网友意见", "相关阅读：古镇早市"]
    links = frozenset({"相关阅读：古镇早市"})
    assert trim_edges(body, [ZH_PROSE], links) == tuple(ZH_PROSE)
    # a line another method also has is kept, and so is everything inside the body
    assert trim_edges(body, [["分享到微信"]], links)[0] == "分享到微信"
    inside = [ZH_PROSE[0], "评论", ZH_PROSE[1]]
    assert trim_edges(inside, [], frozenset()) == tuple(inside)


# ---------------------------------------------------------------- agreement


def test_agreement_reads_chinese_as_character_bigrams() -> None:
    assert token_bag("早市开张")["早市"] == 1
    assert token_bag("早市开张")["市开"] == 1
    assert similarity("早市重新开张", "早市重新开张了") > 0.8
    assert similarity("早市重新开张", "拉黑作者举报") == 0.0
    assert similarity("", "") == 0.0
    assert support([token_bag("a b c"), token_bag("a b c"), token_bag("x y z")]) == [
        0.5, 0.5, 0.0]


# ---------------------------------------------------------------- pages


def _text_rule(name: str) -> tuple[str, str]:
    article = extract_article((PAGES / name).read_bytes(), "https://news.example.cn/a/1.html")
    return article.text, next(e.rule for e in article.evidence if e.field == "text")


def test_article_dropped_by_its_class_is_found_over_the_feed_control_menu() -> None:
    # The article's container is called "share-content", so trafilatura's precision mode
    # deletes it and returns the denser feed-control and comment UI below it.
    text, rule = _text_rule("feed_menu.html")
    assert "摊主李秀英在这里卖了二十年豆腐" in text
    assert "让早市还是原来那个早市" in text
    assert "拉黑作者" not in text
    assert "不感兴趣" not in text
    assert "judge (UI verbs" in rule
    assert "chosen" in rule


def test_blog_post_keeps_its_code_and_drops_the_login_and_tip_ui() -> None:
    text, rule = _text_rule("blog_code.html")
    assert "def rename_all(folder):" in text
    assert "from PIL import Image" in text
    assert "以上就是全部代码" in text
    assert "一键三连" not in text
    assert "立即登录" not in text
    assert "阅读 3.4k" not in text
    assert "chosen" not in rule  # the first body was right: nothing to overrule


def test_poetry_page_body_is_not_its_label_value_header() -> None:
    text, _ = _text_rule("poem_header.html")
    assert not text.startswith("朝代")
    assert "朝代：唐代" not in text
    assert "体裁：五言律诗" not in text
    assert "好雨似乎会挑选时辰" in text


@given(st.text(max_size=200), st.text(max_size=200))
def test_overlap_is_symmetric_bounded_and_one_for_the_same_text(a: str, b: str) -> None:
    ab, ba = similarity(a, b), similarity(b, a)
    assert ab == pytest.approx(ba)
    assert 0.0 <= ab <= 1.0
    if token_bag(a):
        assert similarity(a, a) == pytest.approx(1.0)


@given(st.lists(st.text(max_size=60), max_size=12))
def test_signals_and_trim_take_any_lines(lines: list[str]) -> None:
    s = signals(lines)
    assert 0.0 <= s.short_share <= 1.0
    assert 0.0 <= s.ui_share <= 1.0
    trimmed = trim_edges(lines, [], frozenset())
    assert all(line in lines for line in trimmed)
