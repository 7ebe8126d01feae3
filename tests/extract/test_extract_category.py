"""Category: source rules on the URL, breadcrumbs, labels, JSON-LD, meta."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaizhao import extract_article
from kuaizhao.errors import ExtractError
from kuaizhao.extract import ExtractOptions

BODY = "".join(f"<p>正文第{i}段，记者了解到，相关工作正在有序推进，各项措施落实到位。</p>"
               for i in range(6))


def _page(head: str = "", before: str = "") -> bytes:
    return (f"<html><head><title>某地召开工作会议_某网</title>{head}</head><body>{before}"
            f"<h1>某地召开工作会议</h1><div class='content'>{BODY}</div></body></html>").encode()


def test_breadcrumb() -> None:
    page = _page(before="<div class='crumb'><a href='/'>首页</a> &gt; <a href='/cj/'>财经</a>"
                 " &gt; 正文</div>")
    assert extract_article(page).category == "财经"


def test_breadcrumb_with_location_prefix_and_guillemets() -> None:
    page = _page(before="<div>您的位置：<a href='/'>首页</a> » <a href='/ty/'>体育</a> » "
                 "<a href='/ty/zq/'>足球</a></div>")
    assert extract_article(page).category == "足球"


def test_json_ld_article_section() -> None:
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", '
            '"headline": "某地召开工作会议", "articleSection": "Politics"}</script>')
    assert extract_article(_page(head=head)).category == "Politics"


def test_meta_section() -> None:
    head = '<meta property="article:section" content="Sport">'
    assert extract_article(_page(head=head)).category == "Sport"


def test_source_rules_beat_the_page() -> None:
    page = _page(before="<div><a href='/'>首页</a> &gt; <a href='/cj/'>财经</a></div>")
    options = ExtractOptions(category_rules=((r"/guonei/", "国内"), (r"/cj/", "财经")))
    article = extract_article(page, "https://example.cn/guonei/1.html", options)
    assert article.category == "国内"
    assert any(e.field == "category" and "rules" in e.rule for e in article.evidence)


def test_bad_rule_is_a_clear_error() -> None:
    options = ExtractOptions(category_rules=(("(", "x"),))
    with pytest.raises(ExtractError, match="regular expression"):
        extract_article(_page(), "https://example.cn/a", options)


def test_no_category() -> None:
    assert extract_article(_page()).category is None


def test_a_code_in_the_section_meta_is_no_category() -> None:
    article = extract_article(_page(head='<meta property="article:section" content="01002002050">'))
    assert article.category is None


def test_a_code_is_passed_over_for_the_next_label_and_named_in_the_evidence() -> None:
    head = ('<meta property="article:section" content="1004">'
            '<meta name="section" content="国内">')
    article = extract_article(_page(head=head))
    assert article.category == "国内"
    [evidence] = [e for e in article.evidence if e.field == "category"]
    assert "'1004'" in evidence.rule


def test_a_breadcrumb_ending_in_a_code_gives_the_section_before_it() -> None:
    page = _page(before="<div><a href='/'>首页</a> &gt; <a href='/gn/'>国内</a> &gt; "
                 "<a href='/gn/14739/'>14739</a></div>")
    assert extract_article(page).category == "国内"


def test_real_page_whose_breadcrumb_ends_in_an_issue_number() -> None:
    # gov.cn: 首页 > 国务院公报 > 2007年第23号 — the issue number is no section.
    page = (Path(__file__).parents[1] / "data" / "extract" / "gne" / "other__1.html")
    assert extract_article(page.read_bytes()).category == "国务院公报"
