"""The seed article (docs: PRODUCT.md) must come out exactly, in several page layouts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kuaizhao import extract_article
from kuaizhao.models import Article

SEED = Path(__file__).parents[1] / "data" / "extract" / "seed_article.html"
URL = "https://news.example.cn/guonei/2024-02-07/1000.html"
TITLE = "无锡:放大“三个效应” 打造产业科技创新高地"
CAPTION = "座谈会现场。无锡日报供图"
CST = timezone(timedelta(hours=8))


def _check_seed(article: Article) -> None:
    assert article.title == TITLE
    assert article.category == "国内"
    assert article.published_at == datetime(2024, 2, 7, 21, 2, tzinfo=CST)
    assert article.source == "人民资讯"
    assert article.reposted_from == "人民网-江苏频道"
    assert CAPTION in article.captions
    assert CAPTION not in article.text
    assert "供图" not in article.text
    assert article.not_article_reason is None


@pytest.fixture(scope="module")
def seed_html() -> str:
    return SEED.read_text(encoding="utf-8")


def test_seed_page_extracts_exactly(seed_html: str) -> None:
    article = extract_article(seed_html.encode("utf-8"), URL)
    _check_seed(article)
    assert article.reposted_from_url == "http://js.people.com.cn/"
    assert article.editor == "王晓"
    assert article.language == "zh"
    assert article.text.startswith("2月5日,无锡市在中航工业雷华电子技术研究所")
    assert article.text.endswith("舒心生活营造良好环境。")
    assert "\n\n为新质生产力积蓄新动能\n\n" in article.text
    for boilerplate in ("相关新闻", "版权所有", "责任编辑", "本文转自", "发布时间", "分享到"):
        assert boilerplate not in article.text
    assert article.images[0].caption == CAPTION
    assert article.images[0].src == "https://news.example.cn/images/2024/02/07/zuotanhui.jpg"
    assert "无锡" in article.keywords
    fields = {e.field for e in article.evidence}
    assert {"title", "published_at", "source", "reposted_from", "category", "text"} <= fields


def test_seed_with_full_width_colons(seed_html: str) -> None:
    html = seed_html.replace("发布时间:", "发布时间：").replace("来源:", "来源：")
    html = html.replace("本文转自:", "本文转自：")
    _check_seed(extract_article(html.encode("utf-8"), URL))


def test_seed_with_source_in_a_span(seed_html: str) -> None:
    html = seed_html.replace(
        "发布时间:2024-02-07 21:02:00 来源:人民资讯",
        '<span class="time">2024-02-07 21:02:00</span><span class="source">来源：人民资讯</span>',
    )
    _check_seed(extract_article(html.encode("utf-8"), URL))


def test_seed_with_repost_line_in_first_body_paragraph(seed_html: str) -> None:
    html = seed_html.replace(
        '<div class="zhuanzai">本文转自:<a href="http://js.people.com.cn/">人民网-江苏频道</a></div>',
        "",
    ).replace('<div class="content" id="article-content">',
              '<div class="content" id="article-content">\n<p>本文转自：人民网-江苏频道</p>')
    article = extract_article(html.encode("utf-8"), URL)
    _check_seed(article)
    assert "本文转自" not in article.text


def test_seed_in_gbk_without_declared_charset(seed_html: str) -> None:
    html = seed_html.replace('<meta charset="utf-8">', "")
    _check_seed(extract_article(html.encode("gbk", errors="xmlcharrefreplace"), URL))
