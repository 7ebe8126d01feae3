from __future__ import annotations

from datetime import date

import pytest

from kuaizhao.errors import QueryError
from kuaizhao.index.query import MAX_QUERY_CHARS, Query, parse_query, with_filters


def test_words_phrases_or_and_exclusions() -> None:
    q = parse_query('科技创新 "exact phrase" 华为 OR 小米 -广告 NOT spam')
    assert q.groups == (("科技创新",), ("exact phrase",), ("华为", "小米"))
    assert q.exclude == ("广告", "spam")
    assert q.terms == ("科技创新", "exact phrase", "华为", "小米")


def test_filters_in_text() -> None:
    q = parse_query('无锡 category:国内 source:"人民 资讯" since:2024-02-01 until:2024-02-29')
    assert q.groups == (("无锡",),)
    assert (q.category, q.source) == ("国内", "人民 资讯")
    assert (q.since, q.until) == (date(2024, 2, 1), date(2024, 2, 29))


def test_parameters_override_text() -> None:
    q = parse_query("无锡 category:国内", category="国际", since="2024-01-01")
    assert q.category == "国际"
    assert q.since == date(2024, 1, 1)
    assert with_filters(q, source="新华社").source == "新华社"


def test_filter_only_query_is_valid() -> None:
    q = parse_query("category:国内")
    assert not q.has_terms
    assert q.category == "国内"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * (MAX_QUERY_CHARS + 1), "limit is 500"),
        ("since:2024-13-01 无锡", "YYYY-MM-DD"),
        ("since:yesterday", "YYYY-MM-DD"),
        ("since:2024-03-01 until:2024-02-01 x", "swap them"),
        ("-广告 -spam", "add at least one word"),
        ("category: 无锡", "needs a value"),
        (" ".join(f"w{i}" for i in range(40)), "limit is 32"),
    ],
)
def test_bad_queries_say_what_to_do(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(text)


@pytest.mark.parametrize(
    "text",
    ['NEAR(a b)', 'a*', '^start', 'title:x', 'a AND', 'OR', 'a OR OR b', '"unbalanced',
     "'; DROP TABLE snapshots; --", '😀🎉', '!!! ??? 。。。', '', '   ', '(((', 'a:b:c'],
)
def test_hostile_text_parses_to_plain_terms(text: str) -> None:
    q = parse_query(text)
    assert isinstance(q, Query)
    for term in q.terms:
        assert any(ch.isalnum() for ch in term)


def test_operators_are_words_unless_in_their_place() -> None:
    assert parse_query("a OR").groups == (("a",),)
    assert parse_query("x -a OR b").groups == (("x",), ("b",))
    assert parse_query("or and").groups == (("or",), ("and",))
    assert parse_query("unknown:value").groups == (("unknown:value",),)


def test_unclosed_quote_runs_to_the_end() -> None:
    assert parse_query('a "b c').groups == (("a",), ("b c",))
