from __future__ import annotations

import time
from pathlib import Path

import pytest

from kuaizhao.discover import category_for, parse_listing
from kuaizhao.discover.listings import MAX_LISTING_LINKS
from kuaizhao.errors import ConfigError
from kuaizhao.models import LinkKind

DATA = Path(__file__).parent.parent / "data" / "discover"
ARTICLE = r"^https?://gbk\.example\.cn/gn/\d{4}/\d\d/\d\d/\d+\.shtml$"


def test_gbk_listing_links_titles_and_next_page() -> None:
    body = (DATA / "listing_gbk.html").read_bytes()
    result = parse_listing(body, "http://gbk.example.cn/gn/index.shtml", ARTICLE)
    assert [(c.url, c.title) for c in result.candidates] == [
        ("http://gbk.example.cn/gn/2024/02/07/1.shtml", "无锡召开科技创新座谈会"),
        ("http://gbk.example.cn/gn/2024/02/07/2.shtml", "江苏省经济工作会议部署明年重点任务"),
    ]
    assert [(c.url, c.kind) for c in result.children] == [
        ("http://gbk.example.cn/gn/index_2.shtml", LinkKind.LISTING)]
    assert result.ok


def test_next_page_can_be_switched_off() -> None:
    body = (DATA / "listing_gbk.html").read_bytes()
    assert parse_listing(body, "http://gbk.example.cn/gn/", ARTICLE, next_page=False).children == ()


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<link rel="next" href="/p/2">', "http://a.example/p/2"),
        ('<a rel="next nofollow" href="?page=2">more</a>', "http://a.example/list?page=2"),
        ('<a href="/p/2">Next ›</a>', "http://a.example/p/2"),
        ('<a href="/p/2">»</a>', "http://a.example/p/2"),
        ('<a href="/p/2">下页</a>', "http://a.example/p/2"),
        ('<li class="next"><a href="/p/2">→</a></li>', "http://a.example/p/2"),
        ('<a href="/list">1</a> <a href="/list?page=2">2</a> <a href="/p/3">3</a>',
         "http://a.example/list?page=2"),
        ('<a href="javascript:next()">下一页</a>', None),
        ('<a href="/list">下一页</a>', None),  # points at itself: the last page
    ],
)
def test_next_page_forms(html: str, expected: str | None) -> None:
    result = parse_listing(f"<html><body>{html}</body></html>".encode(),
                           "http://a.example/list", r"/article/")
    assert [c.url for c in result.children] == ([expected] if expected else [])


def test_numbered_pagination_follows_current_page_in_url() -> None:
    html = b'<a href="/list?page=2">2</a><a href="/list?page=4">4</a><a href="/a/1">x</a>'
    result = parse_listing(html, "http://a.example/list?page=3", r"/a/")
    assert [c.url for c in result.children] == ["http://a.example/list?page=4"]


def test_base_href_is_honoured() -> None:
    html = b'<html><head><base href="http://cdn.example/news/"></head><a href="a/1.html">t</a>'
    result = parse_listing(html, "http://a.example/", r"/news/a/")
    assert [c.url for c in result.candidates] == ["http://cdn.example/news/a/1.html"]


def test_no_matching_links_is_a_problem() -> None:
    result = parse_listing(b"<a href='/x'>x</a>", "http://a.example/", r"/article/")
    assert result.candidates == ()
    assert "no link on the page matches" in result.problems[0]


def test_bad_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="not a valid regular expression"):
        parse_listing(b"<a href='/x'>x</a>", "http://a.example/", r"(unclosed")


def test_category_for_first_matching_rule() -> None:
    rules = [(r"/gn/", "国内"), (r"/gj/", "国际"), (r"/news/", "综合")]
    assert category_for("http://a.example/news/gn/1.html", rules, None) == "国内"
    assert category_for("http://a.example/news/1.html", rules, None) == "综合"
    assert category_for("http://a.example/sport/1.html", rules, "其他") == "其他"
    assert category_for("http://a.example/sport/1.html", [], None) is None
    with pytest.raises(ConfigError):
        category_for("http://a.example/", [("[", "x")], None)


def test_only_the_first_links_of_a_huge_page_are_looked_at() -> None:
    links = b"".join(b'<a href="/news/%d.html">headline %d</a>' % (n, n)
                     for n in range(MAX_LISTING_LINKS + 20_000))
    start = time.perf_counter()
    result = parse_listing(b"<html><body>" + links + b"</body></html>",
                           "http://a.example/news/", r"/news/\d+")
    assert time.perf_counter() - start < 10
    assert len(result.candidates) == MAX_LISTING_LINKS
    assert result.problems == (f"the page has {MAX_LISTING_LINKS + 20_000} links; only the "
                               f"first {MAX_LISTING_LINKS} were looked at",)


def test_a_hard_wrapped_link_text_reads_as_shown() -> None:
    body = ("<html><body><ul><li><a href='/gn/2024/02/07/1.html'>国务院明确知\n  悉"
            "</a></li></ul></body></html>").encode()
    result = parse_listing(body, "https://news.example.cn/gn/", r"/gn/\d{4}/")
    assert [c.title for c in result.candidates] == ["国务院明确知悉"]
