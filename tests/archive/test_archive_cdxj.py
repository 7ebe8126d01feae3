"""CDXJ lines and SURT keys, compared with the `surt` package pywb canonicalises with."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import surt
from hypothesis import given, settings
from hypothesis import strategies as st

from kuaizhao.archive.cdxj import CdxjRecord, cdxj_line, cdxj_lines, surt_key

URLS = [
    "http://www.Example.com:80/Path?b=2&a=1#frag",
    "https://example.com",
    "https://www2.news.cn:443/a/b.html",
    "http://news.sina.com.cn/c/2024-02-07/doc-ikc.shtml?x=%E4%B8%AD",
    "https://新闻.中国/文章?q=中",
    "http://127.0.0.1:8080/a",
    "http://[::1]:8080/x",
    "http://example.com/a//b/./c?",
    "http://example.com/a/../b/",
    "http://EXAMPLE.com/A%2fb?jsessionid=123&b=2",
    "http://example.com/%7Euser",
    "http://example.com/a b",
    "http://example.com/a%20b+c?q=a+b&x=%20",
    "http://0615235.com/02mjqjo%7Bibotij2.btq?odmbtt=106&tdmbtt=121",
    "https://www.thepaper.cn/newsDetail_forward_26283061",
    "https://news.example.cn/zh/0987b0ff61a8.html",
]


def test_keys_match_the_surt_package() -> None:
    for url in URLS:
        assert surt_key(url) == surt.surt(url), url


_label = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
_segment = st.text("abcXYZ019-._~!$'()*+,;=:@%E4B8AD", max_size=10)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(scheme=st.sampled_from(["http", "https"]), www=st.booleans(),
       labels=st.lists(_label, min_size=1, max_size=3), tld=st.sampled_from(["cn", "com", "org"]),
       path=st.lists(_segment, max_size=4),
       query=st.lists(st.tuples(_label, _label), max_size=3))
def test_generated_urls_match_the_surt_package(scheme: str, www: bool, labels: list[str],
                                               tld: str, path: list[str],
                                               query: list[tuple[str, str]]) -> None:
    host = ("www." if www else "") + ".".join([*labels, tld])
    url = f"{scheme}://{host}/" + "/".join(path)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query)
    assert surt_key(url) == surt.surt(url)


def test_lines_are_sorted_and_carry_what_replay_tools_need() -> None:
    when = datetime(2024, 2, 7, 13, 2, 9, tzinfo=UTC)
    records = [
        CdxjRecord("https://b.example.com/x", when, "a.warc.gz", 10, 20, 200, "text/html",
                   "sha1:AAAA"),
        CdxjRecord("https://a.example.com/y", when, "a.warc.gz", 30, 40, 200, "text/html",
                   "sha1:BBBB", "revisit"),
    ]
    lines = cdxj_lines(records)
    assert [line.split(" ")[0] for line in lines] == ["com,example,a)/y", "com,example,b)/x"]
    _key, stamp, data = cdxj_line(records[1]).split(" ", 2)
    assert stamp == "20240207130209"
    fields = json.loads(data)
    assert fields == {"url": "https://a.example.com/y", "mime": "warc/revisit",
                      "status": "200", "digest": "sha1:BBBB", "length": "40",
                      "offset": "30", "filename": "a.warc.gz"}
