from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.dedupe import decide_capture, decide_story, text_fingerprint

BODY = "2月5日，无锡市在中航工业雷华电子技术研究所召开在锡大院大所科技创新工作座谈会，" * 3


def test_revisit_only_for_identical_payload_or_304() -> None:
    assert decide_capture("sha1:A", 200, "sha1:A").revisit
    assert decide_capture("sha1:A", 304, "sha1:A").revisit
    assert not decide_capture("sha1:B", 200, "sha1:A").revisit
    assert not decide_capture("sha1:A", 200, None).revisit


def test_fingerprint_folds_width_space_and_punctuation() -> None:
    other = BODY.replace("，", ",").replace("日", "日\n ")
    assert text_fingerprint(BODY) == text_fingerprint(other)
    assert text_fingerprint(BODY) != text_fingerprint(BODY.replace("无锡", "苏州"))
    assert text_fingerprint("太短了") is None


@given(st.text())
def test_fingerprint_never_fails(text: str) -> None:
    fp = text_fingerprint(text)
    assert fp is None or fp.startswith("sha1:")


def test_story_decisions() -> None:
    assert decide_story("sha1:x", 7, 9).story_id == 7
    assert decide_story("sha1:x", None, 9).story_id == 9
    assert decide_story(None, None, 9).story_id is None
    assert decide_story("sha1:x", None, None).story_id is None
