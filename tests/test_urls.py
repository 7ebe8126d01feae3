from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.errors import UsageError
from kuaizhao.urls import host_address, host_key, is_private_address, lookup_key, normalize_url


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        ("HTTP://Example.COM:80/a/./b/../c#frag", None, "http://example.com/a/c"),
        ("https://example.com:443", None, "https://example.com/"),
        ("https://example.com:8443/x", None, "https://example.com:8443/x"),
        ("http://a.example/%7euser/%2f%zz", None, "http://a.example/~user/%2F%25zz"),
        ("http://a.example/?b=2&a=1&b=1", None, "http://a.example/?b=2&a=1&b=1"),
        ("http://a.example/新闻 1?q=中国", None,
         "http://a.example/%E6%96%B0%E9%97%BB%201?q=%E4%B8%AD%E5%9B%BD"),
        ("https://例子.中国/", None, "https://xn--fsqu00a.xn--fiqs8s/"),
        ("http://[::1]:8080", None, "http://[::1]:8080/"),
        ("../x.html", "http://a.example/gn/2024/index.html", "http://a.example/gn/x.html"),
        ("//cdn.example/i.js", "https://a.example/", "https://cdn.example/i.js"),
        ("  http://a.example/a\n/b ", None, "http://a.example/a/b"),
        ("http://a.example/%2E%2E/x", None, "http://a.example/x"),
    ],
)
def test_normalize_examples(url: str, base: str | None, expected: str) -> None:
    assert normalize_url(url, base) == expected


@pytest.mark.parametrize("url", ["mailto:a@b.c", "javascript:void(0)", "/relative/only",
                                 "http://", "ftp://a.example/", "http://a.example:99999/"])
def test_normalize_rejects_with_clear_message(url: str) -> None:
    with pytest.raises(UsageError, match=r"http"):
        normalize_url(url)


def test_host_key_spells_out_port() -> None:
    assert host_key("HTTPS://News.Example.cn/a?b") == "https://news.example.cn:443"
    assert host_key("http://a.example:8080/x") == "http://a.example:8080"
    assert host_key("http://[::1]/") == "http://[::1]:80"


@pytest.mark.parametrize(
    ("host", "private"),
    [("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.1", True), ("172.16.0.1", True),
     ("169.254.169.254", True), ("100.64.0.1", True), ("[::1]", True),
     ("0.0.0.0", True),  # noqa: S104 - an address to classify; nothing binds to it
     ("fe80::1%eth0", True), ("fd00::1", True), ("::ffff:127.0.0.1", True),
     ("2002:7f00:1::", True), ("224.0.0.1", True), ("localhost", True), ("a.localhost.", True),
     ("8.8.8.8", False), ("2606:4700:4700::1111", False), ("example.com", False),
     # numeric spellings resolvers accept, NAT64 and IPv4-compatible forms, reserved
     # and documentation ranges, names that resolve to the address written in them
     ("2852039166", True), ("0xA9FEA9FE", True), ("127.1", True), ("0177.0.0.1", True),
     ("0251.0376.0251.0376", True), ("0x7f.1", True), ("[64:ff9b::a9fe:a9fe]", True),
     ("::ffff:a9fe:a9fe", True), ("::a9fe:a9fe", True), ("64:ff9b:1::1", True),
     ("198.18.0.1", True), ("192.0.2.1", True), ("240.0.0.1", True), ("2001:db8::1", True),
     ("10.0.0.1.nip.io", True), ("app.127.0.0.1.sslip.io", True), ("lvh.me", True),
     ("134744072", False), ("0x08080808", False), ("[64:ff9b::808:808]", False),
     ("1e3", False), ("08.1.1.1", False), ("nip.io.example.com", False)],
)
def test_is_private_address(host: str, private: bool) -> None:
    assert is_private_address(host) is private


_segment = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                          blacklist_characters="#?/\\"), max_size=12)
_url = st.builds(
    lambda scheme, host, port, segs, query, frag: (
        f"{scheme}://{host}{port}/{'/'.join(segs)}{'?' + query if query else ''}"
        f"{'#' + frag if frag else ''}"),
    st.sampled_from(["http", "HTTPS", "Http"]),
    st.sampled_from(["example.com", "News.Example.CN", "例子.中国", "127.0.0.1", "[::1]"]),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(st.one_of(_segment, st.sampled_from([".", "..", "%2e", "%2F", "%7E", "%"])),
             max_size=6),
    st.text(max_size=20).filter(lambda q: "#" not in q),
    st.text(max_size=5),
)


@given(_url)
def test_normalize_is_idempotent(url: str) -> None:
    try:
        once = normalize_url(url)
    except UsageError:
        return
    assert normalize_url(once) == once
    parts = urlsplit(once)
    assert parts.fragment == ""
    assert once.isascii()
    assert parts.scheme in ("http", "https")


@given(_url, st.sampled_from(["a/b", "../c?x=1", "/abs", "?q", "//other.example/p"]))
def test_resolving_then_normalising_is_stable(base: str, rel: str) -> None:
    try:
        joined = normalize_url(rel, base)
    except UsageError:
        return
    assert normalize_url(joined) == joined


@given(st.text(alphabet="0123456789xXaAfF.", min_size=1, max_size=16))
def test_every_numeric_host_a_resolver_accepts_is_recognised(host: str) -> None:
    """inet_aton(3) is what getaddrinfo uses for numeric hosts: whatever address it
    reads from a host, the private-address check must read the same."""
    try:
        expected = ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return
    assert host_address(host) == expected


@pytest.mark.parametrize("variant", [
    "https://news.example.cn/a/1.html?id=7&page=2",
    "http://news.example.cn/a/1.html?id=7&page=2",
    "https://www.news.example.cn/a/1.html?id=7&page=2",
    "https://NEWS.example.cn:443/a/1.html?page=2&id=7",
    "https://news.example.cn/a/1.html?id=7&page=2&utm_source=wechat&utm_medium=share",
    "https://news.example.cn/a/1.html?spm=C73544894212.P59511941341&id=7&from=timeline&page=2",
    "https://news.example.cn/a/1.html/?id=7&page=2#comments",
    "http://news.example.cn/a/./1.html?id=7&fbclid=IwAR0&page=2&isappinstalled=0",
])
def test_lookup_key_joins_the_spellings_of_one_page(variant: str) -> None:
    assert lookup_key(variant) == lookup_key("https://news.example.cn/a/1.html?id=7&page=2")


@pytest.mark.parametrize("other", [
    "https://news.example.cn/a/1.html?id=8&page=2",  # a different page
    "https://news.example.cn/a/1.html?id=7",
    "https://sports.news.example.cn/a/1.html?id=7&page=2",  # another subdomain
    "https://news.example.cn:8080/a/1.html?id=7&page=2",
    "https://news.example.cn/a/2.html?id=7&page=2",
])
def test_lookup_key_keeps_what_names_another_page(other: str) -> None:
    assert lookup_key(other) != lookup_key("https://news.example.cn/a/1.html?id=7&page=2")
