from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from index_fts import migrated

from kuaizhao.errors import QueryError
from kuaizhao.index.query import parse_query
from kuaizhao.index.tokens import fts_match, index_text
from substring_oracle import substring_verdict

SEED = (
    Path(__file__).parents[2] / "src/kuaizhao/demo/pages/seed/000_75f45cc625d77c14.txt"
)


def test_index_text_makes_bigrams_and_keeps_latin() -> None:
    assert index_text("科技创新。").split() == ["科技", "技创", "创新", "新", "。"]
    assert index_text("iPhone发布会").split() == ["iPhone", "发布", "布会", "会"]
    assert index_text("A中B").split() == ["A", "中", "B"]
    assert index_text("") == ""
    assert index_text("plain English") == "plain English"


def test_match_strings_quote_everything() -> None:
    assert fts_match(parse_query("科技创新")) == '"科技 技创 创新"'
    assert fts_match(parse_query("中")) == '"中"*'
    assert fts_match(parse_query('a"b')) == '"a""b"'
    assert fts_match(parse_query('NEAR(x')) == '"NEAR(x"'
    assert fts_match(parse_query("a -b")) == '("a") NOT ("b")'
    assert fts_match(parse_query("category:x")) is None
    assert fts_match(parse_query("手机5G")) == '"手机 机" + "5G"'
    assert fts_match(parse_query("A中B")) == '"A" + "中" + "B"'


@pytest.mark.parametrize(
    ("text", "query"),
    [("新手机5G上市", "手机5G"), ("华为Mate60发布会", "华为Mate60发布"),
     ("无锡。科技创新", "无锡。科技"),
     ("第3季度", "第3季"), ("国中B", "中B"), ("A中国", "A中"), ("iPhone发布会", "e发布"),
     ("5G手机壳", "5G手机")],
)
def test_mixed_script_terms_match_where_they_occur(
    tmp_path: Path, text: str, query: str
) -> None:
    conn = migrated(tmp_path / "m.sqlite3")
    conn.execute("INSERT INTO search_fts (rowid, title, body, keywords) VALUES (1, '', ?, '')",
                 (index_text(text),))
    match = fts_match(parse_query(f'"{query}"'))
    found = conn.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (match,))
    assert found.fetchall() == ([(1,)] if query != "e发布" else [])


PARAGRAPHS = [p for p in SEED.read_text("utf-8").split("\n") if p.strip()] + [
    "Running runners ran; the runner runs.", "NEAR AND OR NOT * ^ : ( ) \""]


@pytest.fixture(scope="module")
def fts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    conn = migrated(tmp_path_factory.mktemp("fts") / "t.sqlite3")
    for i, p in enumerate(PARAGRAPHS, 1):
        conn.execute("INSERT INTO search_fts (rowid, title, body, keywords) VALUES (?, '', ?, '')",
                     (i, index_text(p)))
    yield conn
    conn.close()


def _run(conn: sqlite3.Connection, text: str) -> list[int] | None:
    try:
        match = fts_match(parse_query(text))
    except QueryError:
        return None
    if match is None:
        return None
    return [r[0] for r in conn.execute(
        "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rank", (match,))]


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=600))
def test_any_text_is_an_error_or_a_valid_match(fts: sqlite3.Connection, text: str) -> None:
    _check(fts, text)  # an sqlite3.OperationalError here would fail the test


_SYNTAXY = st.text(alphabet=st.sampled_from(list('"()*^:-+{}NEARORANDNOT ,科技a1😀\\\'')),
                   max_size=80)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_SYNTAXY)
def test_fts_syntax_characters_never_reach_the_parser(fts: sqlite3.Connection, text: str) -> None:
    _check(fts, text)


def _check(fts: sqlite3.Connection, text: str) -> None:
    """The rows found are paragraphs, each once; for a query of Chinese terms, exactly
    the paragraphs that hold them as substrings (`substring_oracle.py`)."""
    found = _run(fts, text)
    if found is None:
        return
    assert len(found) == len(set(found))
    assert set(found) <= set(range(1, len(PARAGRAPHS) + 1))
    query = parse_query(text)
    verdicts = [substring_verdict(query, p) for p in PARAGRAPHS]
    if verdicts[0] is not None:
        assert sorted(found) == [i for i, v in enumerate(verdicts, 1) if v], query


@pytest.mark.parametrize(
    "text",
    ['NEAR(科技 创新, 2)', '科技*', '^无锡', 'body:科技', 'title:"x"', 'a AND', '"unbalanced',
     "x'); DROP TABLE snapshots; --", "😀", "。。。", "{title body}:科技", "科技 + 创新",
     "a" * 500, "\ud800x", "x\x00y"],
)
def test_hostile_queries_against_real_table(fts: sqlite3.Connection, text: str) -> None:
    _run(fts, text)
    assert fts.execute("SELECT count(*) FROM snapshots").fetchone() == (0,)


def test_english_stemming(fts: sqlite3.Connection) -> None:
    hits = _run(fts, "run")
    assert hits
    assert hits == _run(fts, "running")


def test_operator_words_are_searchable_text(fts: sqlite3.Connection) -> None:
    assert _run(fts, '"NEAR AND"')


def test_recall_of_random_substrings(fts: sqlite3.Connection) -> None:
    """Every paragraph holding a 1–4 character CJK substring is found, and only those."""
    rows = [p for p in SEED.read_text("utf-8").split("\n") if p.strip()]
    texts = dict(enumerate(rows, 1))
    runs = [m.group() for p in rows for m in re.finditer(r"[\u4e00-\u9fff]+", p)]
    rng = random.Random(7)
    for _ in range(300):
        run = rng.choice(runs)
        n = rng.randint(1, min(4, len(run)))
        start = rng.randrange(len(run) - n + 1)
        word = run[start : start + n]
        expected = {i for i, t in texts.items() if word in t}
        found = set(_run(fts, word) or [])
        assert found == expected, word


def test_recall_of_mixed_script_substrings(fts: sqlite3.Connection) -> None:
    """Substrings crossing punctuation, digits and latin words still find their paragraph."""
    rows = [p for p in SEED.read_text("utf-8").split("\n") if p.strip()]
    rows += ["Running runners ran; the runner runs.", 'NEAR AND OR NOT * ^ : ( ) "']
    rng = random.Random(11)
    checked = 0
    while checked < 300:
        i = rng.randrange(len(rows))
        p = rows[i]
        n = rng.randint(2, 10)
        if len(p) <= n:
            continue
        start = rng.randrange(len(p) - n)
        end = start + n
        cuts_word = any(0 < k < len(p) and p[k - 1].isascii() and p[k - 1].isalnum()
                        and p[k].isascii() and p[k].isalnum() for k in (start, end))
        word = p[start:end]
        if cuts_word or '"' in word or not any(ch.isalnum() for ch in word):
            continue
        found = _run(fts, f'"{word}"') or []
        assert i + 1 in found, word
        checked += 1
