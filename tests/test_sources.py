from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from kuaizhao.errors import SourcesError
from kuaizhao.models import LinkKind
from kuaizhao.sources import load_sources, own_private_hosts, parse_sources

GOOD = """
[[source]]
name = "人民资讯"
homepage = "http://127.0.0.1:8101/"
language = "zh"
category = "国内"
interval = 600
feeds = ["http://127.0.0.1:8101/rss.xml"]
sitemaps = ["http://127.0.0.1:8101/sitemap.xml"]
[[source.listings]]
url = "http://127.0.0.1:8101/guonei/"
link_pattern = "/\\\\d{4}/.+\\\\.html$"
max_pages = 2
[[source.category_rules]]
pattern = "/keji/"
category = "科技"

[[source]]
name = "Example News"
homepage = "https://example.com/"
feeds = ["https://example.com/atom.xml"]
"""


def test_good_file_parses() -> None:
    a, b = parse_sources(GOOD)
    assert a.name == "人民资讯"
    assert a.interval == 600
    assert a.zone == "Asia/Shanghai"
    assert a.listings[0].max_pages == 2
    assert a.category_rules[0].category == "科技"
    assert b.zone == "UTC"
    assert b.feeds == ("https://example.com/atom.xml",)


def test_problems_are_reported_with_their_lines() -> None:
    text = GOOD.replace("interval = 600", 'interval = "often"').replace(
        'feeds = ["https://example.com/atom.xml"]', 'feeds = ["ftp://example.com/x"]\ncolour = 1'
    )
    with pytest.raises(SourcesError) as err:
        parse_sources(text, "s.toml")
    lines = text.splitlines()
    by_message = {msg: line for line, msg in err.value.problems}
    for msg, line in by_message.items():
        if msg.startswith("interval"):
            assert "interval" in lines[line - 1]
        if "ftp" in msg:
            assert "feeds" in lines[line - 1]
        if msg.startswith("unknown key 'colour'"):
            assert "colour" in lines[line - 1]
    assert len(err.value.problems) >= 3
    assert str(err.value).startswith("s.toml:")


def test_duplicate_names_and_bad_regex_and_syntax() -> None:
    dup = GOOD + '\n[[source]]\nname = "人民资讯"\nfeeds = ["http://a.example/f"]\n'
    with pytest.raises(SourcesError, match="duplicate source name"):
        parse_sources(dup)
    with pytest.raises(SourcesError, match="regular expression"):
        parse_sources(GOOD.replace('pattern = "/keji/"', 'pattern = "(["'))
    with pytest.raises(SourcesError) as err:
        parse_sources("[[source]]\nname = \n")
    assert err.value.problems[0][0] == 2


def test_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="demo-site --write-sources"):
        load_sources(tmp_path / "nope.toml")


def test_source_needs_somewhere_to_discover_from() -> None:
    with pytest.raises(SourcesError, match="no feeds, sitemaps or listings"):
        parse_sources('[[source]]\nname = "x"\n')


def test_a_category_that_is_a_code_is_a_problem_on_its_line() -> None:
    text = GOOD.replace('category = "国内"', 'category = "01002002050"').replace(
        'category = "科技"', 'category = "c_1004"')
    with pytest.raises(SourcesError) as err:
        parse_sources(text)
    lines = text.splitlines()
    found = {msg: lines[line - 1] for line, msg in err.value.problems}
    assert len(found) == 2
    for msg, line in found.items():
        assert "is a code, not a label" in msg
        assert 'e.g. category = "国内"' in msg
        assert "category" in line


def test_own_private_hosts_are_the_addresses_sources_name() -> None:
    sources = parse_sources(
        '[[source]]\nname = "内网"\nhomepage = "http://10.1.2.3:8080/"\n'
        'feeds = ["http://127.1:9000/rss", "https://news.example.cn/rss"]\n'
        'sitemaps = ["http://LocalHost/sitemap.xml"]\n'
        '[[source.listings]]\nurl = "http://[::ffff:192.168.0.9]/list/"\n'
        'link_pattern = "/a/"\n'
        '[[source]]\nname = "公网"\nfeeds = ["https://intranet.example.cn/rss"]\n')
    # address literals in any spelling, and localhost; never a name DNS might change
    assert own_private_hosts(sources) == {
        ("10.1.2.3", 8080), ("127.0.0.1", 9000), ("localhost", 80),
        (str(ipaddress.ip_address("::ffff:192.168.0.9")), 80)}


def test_roots_are_every_discovery_document_with_its_kind() -> None:
    [source] = parse_sources(
        '[[source]]\nname = "快报"\nhomepage = "https://a.example.cn/"\n'
        'feeds = ["https://a.example.cn/rss"]\nsitemaps = ["https://a.example.cn/s.xml"]\n'
        '[[source.listings]]\nurl = "https://a.example.cn/gn/"\nlink_pattern = "/a/"\n')
    assert source.roots == ((LinkKind.FEED, "https://a.example.cn/rss"),
                            (LinkKind.SITEMAP, "https://a.example.cn/s.xml"),
                            (LinkKind.LISTING, "https://a.example.cn/gn/"))
    assert source.urls == ("https://a.example.cn/", *(url for _, url in source.roots))
