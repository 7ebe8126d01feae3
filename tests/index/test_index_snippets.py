from __future__ import annotations

import html
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.index.snippets import make_snippet

SEED = (
    Path(__file__).parents[2] / "src/kuaizhao/demo/pages/seed/000_75f45cc625d77c14.txt"
).read_text("utf-8")


def _plain(snippet: str) -> str:
    return html.unescape(snippet.replace("<mark>", "").replace("</mark>", "")).strip("…")


def test_chinese_snippet_is_the_original_text_with_marks() -> None:
    snippet = make_snippet(SEED, ["科技创新", "赵建军"])
    assert "<mark>科技创新</mark>" in snippet
    assert "<mark>赵建军</mark>" in snippet
    for piece in _plain(snippet).split("…"):
        assert piece.strip() in re.sub(r"\s+", " ", SEED)  # no spaces inserted, nothing broken


def test_window_width_and_ellipses() -> None:
    snippet = make_snippet(SEED, ["破冰"], width=40)
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert len(_plain(snippet).replace("…", "")) <= 40


def test_two_windows_when_terms_are_far_apart() -> None:
    text = "甲" * 200 + "无锡" + "乙" * 300 + "破冰" + "丙" * 200
    snippet = make_snippet(text, ["无锡", "破冰"], width=60)
    assert "<mark>无锡</mark>" in snippet
    assert "<mark>破冰</mark>" in snippet
    assert snippet.count("…") == 3


def test_html_in_article_text_is_escaped() -> None:
    text = '<script>alert("x")</script> 无锡 & <b>bold</b> \x01 \x02'
    snippet = make_snippet(text, ["无锡", "script"])
    assert "<script>" not in snippet
    assert "<b>" not in snippet
    assert "&lt;<mark>script</mark>&gt;" in snippet
    assert "<mark>无锡</mark>" in snippet
    assert "\x01" not in snippet
    assert "\x02" not in snippet


def test_english_is_case_insensitive_and_stem_aware() -> None:
    snippet = make_snippet("The RUNNER runs. Running late.", ["running"])
    assert "<mark>RUNNER</mark>" in snippet
    assert "<mark>runs</mark>" in snippet
    assert "<mark>Running</mark>" in snippet
    assert "<mark>The</mark>" not in snippet


def test_no_match_gives_the_beginning() -> None:
    assert make_snippet("短文本", ["无锡"]) == "短文本"
    assert make_snippet("长" * 100, ["无锡"], width=20) == "长" * 20 + "…"


def test_terms_with_punctuation_mark_their_words() -> None:
    assert "<mark>COVID</mark>-<mark>19</mark>" in make_snippet("新冠 COVID-19 疫情", ["COVID-19"])


@given(st.text(max_size=300), st.lists(st.text(max_size=6), max_size=4))
def test_any_text_gives_well_formed_html(text: str, terms: list[str]) -> None:
    snippet = make_snippet(text, terms)
    stripped = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped
    assert ">" not in stripped
    assert snippet.count("<mark>") == snippet.count("</mark>")
