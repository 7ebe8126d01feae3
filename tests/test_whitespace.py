"""Segment breaks between wide characters go, every space a page renders stays."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.whitespace import WIDE_CLASS, collapse_whitespace, drop_segment_breaks

_WIDE = re.compile(f"[{WIDE_CLASS}]")


def test_the_wide_class_is_east_asian_wide_and_not_hangul() -> None:
    wrong = [
        f"U+{cp:04X}" for cp in range(0x2E80, min(sys.maxunicode, 0x3FFFF) + 1)
        if _WIDE.match(ch := chr(cp)) and unicodedata.category(ch) != "Cn"
        and (unicodedata.east_asian_width(ch) not in "FWH"
             or "HANGUL" in unicodedata.name(ch, "") or "KOREAN" in unicodedata.name(ch, ""))
    ]
    assert not wrong


def test_han_kana_and_fullwidth_punctuation_are_wide() -> None:
    assert all(_WIDE.match(ch) for ch in "中文字悉㐀𠀀かなカナ，。：；！？（）《》、「」ー")


@pytest.mark.parametrize(("source", "shown"), [
    ("明确知\n悉", "明确知悉"),
    ("成为护蔽\r\n      美国", "成为护蔽美国"),
    ("…支 \n\t起红色的小帐篷", "…支起红色的小帐篷"),
    ("中\n文\n字", "中文字"),
    ("会议。\n随后", "会议。随后"),  # fullwidth punctuation is wide too
    ("标题 湖南省中医药研究院附属医院", "标题 湖南省中医药研究院附属医院"),  # a rendered space
    ("第一章\u3000总则", "第一章 总则"),  # an ideographic space is shown (as one space)
    ("供稿\xa0\n摄影", "供稿 摄影"),  # so is a no-break space, even beside a line break
    ("Hello\nworld", "Hello world"),
    ("中文\nEnglish", "中文 English"),
    ("他说\n“你好”", "他说 “你好”"),  # curly quotes have ambiguous width: the space stays
    ("한국\n어", "한국 어"),  # Korean separates words with spaces
    ("  \n 前后 \n ", "前后"),
])
def test_collapse_whitespace(source: str, shown: str) -> None:
    assert collapse_whitespace(source) == shown


def test_text_without_a_line_break_is_returned_as_it_is() -> None:
    text = "标题 湖南"
    assert drop_segment_breaks(text) is text


@given(st.text(alphabet=st.sampled_from("中文 \n\t\r\xa0ab，"), max_size=40))
def test_no_break_between_wide_characters_survives(text: str) -> None:
    out = drop_segment_breaks(text)
    assert not re.search(f"[{WIDE_CLASS}][ \\t]*[\\r\\n][ \\t\\r\\n]*[{WIDE_CLASS}]", out)
    # Only collapsible white space is removed: every other character is kept, in order.
    assert [c for c in out if c not in " \t\r\n"] == [c for c in text if c not in " \t\r\n"]
