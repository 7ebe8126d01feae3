"""robots.txt groups matched as RFC 9309 and Google's reference parser match them,
and a policy made from any bytes at all without raising."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuaizhao.fetch.options import FetchOptions
from kuaizhao.fetch.robots import RobotsPolicy, groups_for, policy_from_result
from kuaizhao.models import FetchOutcome, FetchResult, HttpExchange

TOKEN = FetchOptions().robots_agent  # "kuaizhao", from the default User-Agent
URL = "http://a.example/private/page"


def _policy(body: bytes) -> RobotsPolicy:
    exchange = HttpExchange("GET", "http://a.example/robots.txt", (), 200, "OK", "1.1", (),
                            body, body, datetime(2024, 2, 7, tzinfo=UTC))
    return policy_from_result(FetchResult("http://a.example/robots.txt", FetchOutcome.OK,
                                          (exchange,)), TOKEN, 0.0, 60.0, 60.0)


@pytest.mark.parametrize("line", ["kuaizhao/1.0", "Kuaizhao", "KUAIZHAO/0.1 (+https://x)",
                                  "kuaizhao", "kuaizhao*", "kuaizhao # our crawler"])
def test_a_group_for_our_product_token_applies_whatever_its_case_and_version(
        line: str) -> None:
    policy = _policy(f"User-agent: *\nAllow: /\n\nUser-agent: {line}\nDisallow: /private/\n"
                     "Crawl-delay: 3\n".encode())
    assert not policy.allows(URL, TOKEN)
    assert policy.allows("http://a.example/news/1", TOKEN)
    assert policy.crawl_delay == 3.0


@pytest.mark.parametrize("line", ["kuai", "kuaizhaobot", "kuaizhao-news", "otherbot kuaizhao",
                                  "Mozilla/5.0 (compatible; kuaizhao)"])
def test_a_group_for_another_product_token_does_not(line: str) -> None:
    # Google's parser compares the whole token: neither a prefix nor a longer name is us,
    # so the default group applies.
    policy = _policy(f"User-agent: {line}\nDisallow: /\n\nUser-agent: *\n"
                     "Disallow: /private/\n".encode())
    assert not policy.allows(URL, TOKEN)
    assert policy.allows("http://a.example/news/1", TOKEN)


def test_a_byte_order_mark_does_not_hide_the_first_group() -> None:
    policy = _policy(b"\xef\xbb\xbfUser-agent: kuaizhao\nDisallow: /private/\n")
    assert not policy.allows(URL, TOKEN)
    assert policy.allows("http://a.example/news/1", TOKEN)


def test_another_crawlers_line_still_ends_the_group_before_it() -> None:
    text = ("User-agent: kuaizhao\nUser-agent: otherbot\nDisallow: /private/\n\n"
            "User-agent: otherbot\nDisallow: /\n")
    assert "User-agent: kuaizhao\nUser-agent:\nDisallow: /private/" in groups_for(text, TOKEN)
    policy = _policy(text.encode())
    assert not policy.allows(URL, TOKEN)
    assert policy.allows("http://a.example/news/1", TOKEN)


@settings(max_examples=200)
@given(st.one_of(
    st.binary(max_size=3000),
    st.lists(st.tuples(st.sampled_from(["User-agent", "user agent", "Disallow", "Allow",
                                        "Crawl-delay", "Sitemap", "Request-rate", "\ufeff",
                                        "#", ""]),
                       st.sampled_from([":", " ", ": ", ""]),
                       st.text(max_size=30)), max_size=20)
    .map(lambda lines: "\n".join("".join(parts) for parts in lines).encode("utf-8", "replace")),
))
def test_any_robots_txt_gives_a_policy(body: bytes) -> None:
    policy = _policy(body)
    for url in (URL, "http://a.example/", "http://a.example/%E4%B8%AD?x=*$"):
        assert isinstance(policy.allows(url, TOKEN), bool)
    assert policy.crawl_delay is None or policy.crawl_delay >= 0
