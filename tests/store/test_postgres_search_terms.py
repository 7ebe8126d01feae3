from __future__ import annotations

import pytest

from kuaizhao.index.query import parse_query
from kuaizhao.store.postgres.search_terms import (
    MAX_POSITION,
    clipped,
    document_text,
    normalize,
    tsquery_text,
)


def test_document_text_is_fts5_tokens_separated_by_spaces() -> None:
    assert document_text("Café 科技创新。iPhone发布会 COVID-19 a_b").split() == [
        "cafe", "科技", "技创", "创新", "新", "iphone", "发布", "布会", "会", "covid", "19",
        "a", "b"]
    assert normalize("<b>&amp;'\\") == "b amp"


@pytest.mark.parametrize(
    ("q", "want"),
    [
        ("科技创新", "('科技' <-> '技创' <-> '创新')"),
        ("中", "'中':*"),
        ("手机5G", "('手机' <-> '机' <-> '5g')"),
        ("A中B", "('a' <-> '中' <-> 'b')"),
        ("华为 OR 小米 发布 -广告", "(('华为' | '小米') & '发布') & !('广告')"),
        ("x'); DROP TABLE t; --", "'x' & 'drop' & 'table' & 't'"),
        ("a\\b 'c' !d:* <->", "('a' <-> 'b') & 'c' & 'd'"),
        ("😀 ():&|", None),
    ],
)
def test_queries_become_quoted_tokens_and_our_operators_only(q: str, want: str | None) -> None:
    assert tsquery_text(parse_query(q)) == want


def test_loose_queries_drop_adjacency_but_keep_excluded_phrases() -> None:
    query = parse_query("科技创新 -中国人")
    assert tsquery_text(query, loose=True) == (
        "(('科技' & '技创' & '创新')) & !(('中国' <-> '国人'))")


def test_clipped_when_positions_or_repeats_overflow() -> None:
    assert not clipped(document_text("科技创新" * 10), "")
    assert clipped(document_text("中国" * 300))
    assert clipped(document_text("一二三四五六七八九十" * (MAX_POSITION // 10)))
