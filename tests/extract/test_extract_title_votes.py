"""Headline choice by agreement among JSON-LD, meta titles, <h1> and <title>."""

from __future__ import annotations

import json

import pytest

from kuaizhao import extract_article


def _page(title: str = "", h1: str = "", og: str = "", ld: str = "", site: str = "",
          body: str = "") -> bytes:
    head = f"<title>{title}</title>" if title else ""
    if og:
        head += f'<meta property="og:title" content="{og}">'
    if site:
        head += f'<meta property="og:site_name" content="{site}">'
    if ld:
        head += ('<script type="application/ld+json">'
                 + json.dumps({"@type": "NewsArticle", "headline": ld}) + "</script>")
    text = body or "<p>" + "Der Text des Artikels ist lang genug für einen Körper. " * 8 + "</p>"
    return (f"<html><head>{head}</head><body><h1>{h1}</h1>{text}</body></html>").encode()


def test_json_ld_headline_outweighs_a_single_other_source() -> None:
    page = _page(title="Teaser title | Site", h1="Teaser title", og="Teaser title",
                 ld="Kenia: Nairobi von unten")
    # h1 + og + <title> (0.5 each) = 1.5 < JSON-LD 2.0
    assert extract_article(page).title == "Kenia: Nairobi von unten"


def test_three_weak_sources_do_not_outvote_json_ld() -> None:
    page = _page(title="Visible headline here", h1="Visible headline here",
                 og="Visible headline here", ld="Something else entirely")
    # 1.5 < 2.0: JSON-LD still wins against three weak sources
    assert extract_article(page).title == "Something else entirely"


def test_site_name_suffix_is_cut_from_every_candidate() -> None:
    page = _page(title="Wero besteht Praxistest | Börsen-Zeitung",
                 og="Wero besteht Praxistest | Börsen-Zeitung", site="Börsen-Zeitung",
                 h1="Wero besteht Praxistest")
    assert extract_article(page).title == "Wero besteht Praxistest"


def test_suffix_repeated_in_json_ld_is_cut_when_the_h1_lacks_it() -> None:
    page = _page(title="LTE-Patent: Samsung soll zerstören - Golem.de",
                 ld="LTE-Patent: Samsung soll zerstören - Golem.de",
                 h1="LTE-Patent: Samsung soll zerstören")
    assert extract_article(page).title == "LTE-Patent: Samsung soll zerstören"


def test_hyphen_inside_words_is_not_a_separator() -> None:
    title = "Feuer in Berlin-Lichterfelde: Warnung vor giftigen Brandgasen"
    assert extract_article(_page(title=title, h1=title)).title == title


def test_chinese_navigation_chain_in_title_keeps_the_headline() -> None:
    page = _page(title="5月LPR按兵不动：1年期为3.45% - 经济 - 宏观频道首页 - 财经网",
                 og="5月LPR按兵不动：1年期为3.45% - 经济 - 宏观频道首页 - 财经网",
                 body="<p>" + "中国人民银行授权全国银行间同业拆借中心公布报价利率。" * 6 + "</p>")
    assert extract_article(page).title == "5月LPR按兵不动：1年期为3.45%"


def test_unspaced_hyphen_suffix_yields_to_the_h1() -> None:
    page = _page(title="交通运输部：着力打造京津冀综合立体交通网络-股票频道-和讯网",
                 h1="交通运输部：着力打造京津冀综合立体交通网络",
                 body="<p>" + "交通运输部表示，将着力打造京津冀区域综合立体交通网络。" * 6 + "</p>")
    assert extract_article(page).title == "交通运输部：着力打造京津冀综合立体交通网络"


def test_truncated_json_ld_headline_takes_the_full_one() -> None:
    full = "Hunter diagnosed with bubonic plague after eating a rabbit, making him the third"
    page = _page(title=full, og=full, h1=full, ld=full[:40] + "...")
    assert extract_article(page).title == full


def test_json_ld_entities_are_unescaped() -> None:
    page = _page(ld="Interimstrainer: &quot;Nicht mehr viel zu verlieren&quot;")
    assert extract_article(page).title == 'Interimstrainer: "Nicht mehr viel zu verlieren"'


def test_korean_jamo_bar_separates_the_site_name() -> None:
    headline = "장동혁, 한동훈 제명했지만… 부담 커졌다"
    page = _page(title=f"{headline}-정치ㅣ한국일보", og=f"{headline}-정치ㅣ한국일보",
                 h1=headline, site="한국일보")
    assert extract_article(page).title == headline


@pytest.mark.parametrize(("headline", "site"), [
    # No <h1>, no declarations: "标题-站名" with an unspaced hyphen, the headline in a <div>.
    ("阿里发布最强AI芯片：性能“吊打”同行，一块顶十块GPU", "-EDN 电子技术设计"),
    # A space between Chinese words separates the site name too.
    ("【不忘初心 牢记使命】我院举办2019年药学技能大赛", " 湖南省中医药研究院附属医院"),
])
def test_title_part_the_page_shows_as_a_line_is_the_headline(headline: str, site: str) -> None:
    page = (f"<html><head><title>{headline}{site}</title></head><body>"
            f"<div class='title'>{headline}</div><p>{'芯片的正文内容足够长。' * 20}</p>"
            "</body></html>").encode()
    assert extract_article(page).title == headline
    page = page.replace(f"<div class='title'>{headline}</div>".encode(), b"")
    assert extract_article(page).title == f"{headline}{site}"


def test_title_that_is_only_a_site_name_is_no_candidate() -> None:
    page = _page(title="-铜雀历史网", h1="疫情一刀切政策怎么投诉举报")
    assert extract_article(page).title == "疫情一刀切政策怎么投诉举报"


def test_heading_above_the_dateline_beats_a_section_name_in_title() -> None:
    headline = "2019年中国人文地理学术年会在重庆成功举行"
    page = ("<html><head><title>新闻动态--中国地理学会官网</title></head><body>"
            "<h3>首页 - 新闻动态</h3>"
            f"<h5>{headline}</h5><div>发布时间：2019-05-18 来源：中国地理学会</div>"
            f"<p>{'年会在西南大学举行，来自全国的学者参加了会议并作报告。' * 12}</p>"
            "</body></html>").encode()
    article = extract_article(page)
    assert article.title == headline
    assert any(e.rule == "heading above dateline" for e in article.evidence)

