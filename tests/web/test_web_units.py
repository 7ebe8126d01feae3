"""The web's pure parts: highlighting, snippets, URLs, timelines, parameters, outlets."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.models import CaptureInfo
from kuaizhao.web import params
from kuaizhao.web.highlight import clean_snippet, highlight, http_url, query_terms
from kuaizhao.web.i18n import Locale
from kuaizhao.web.messages import CATALOGUES, PLURAL_FORMS
from kuaizhao.web.provenance import outlet_matches
from kuaizhao.web.timeline import (
    build_timeline,
    closest_capture,
    parse_wayback_timestamp,
    wayback_timestamp,
)
from kuaizhao.web.versions_diff import (
    CHANGED,
    INSERTED,
    SAME,
    Block,
    Collapsed,
    Segment,
    collapse_unchanged,
)


def test_query_terms_drop_operators_fields_and_negations() -> None:
    assert query_terms('科技 "创新高地" -无锡 source:人民 OR AND') == ("创新高地", "科技")
    assert query_terms(None) == ()
    assert query_terms("   ") == ()


def test_highlight_escapes_and_marks() -> None:
    out = highlight("<b>科技</b>创新 & 科技", ("科技",))
    assert str(out) == "&lt;b&gt;<mark>科技</mark>&lt;/b&gt;创新 &amp; <mark>科技</mark>"
    assert str(highlight("Wuxi WUXI", ("wuxi",))) == "<mark>Wuxi</mark> <mark>WUXI</mark>"


@given(st.text(max_size=200), st.lists(st.text(min_size=1, max_size=5), max_size=3))
def test_highlight_never_lets_markup_through(text: str, terms: list[str]) -> None:
    out = str(highlight(text, tuple(terms))).replace("<mark>", "").replace("</mark>", "")
    assert "<" not in out
    assert ">" not in out


def test_clean_snippet_keeps_marks_only() -> None:
    good = "…推进<mark>科技创新</mark>要坚持 &amp; &lt;b&gt;…"
    assert str(clean_snippet(good)) == good
    bad = "<script>x</script><mark>a<b>b</b></mark><mark>open & more"
    assert str(clean_snippet(bad)) == ("&lt;script&gt;x&lt;/script&gt;<mark>a&lt;b&gt;b&lt;/b&gt;"
                                       "</mark><mark>open &amp; more</mark>")


@given(st.text(max_size=200))
def test_clean_snippet_output_has_no_other_tags(text: str) -> None:
    out = str(clean_snippet(text)).replace("<mark>", "").replace("</mark>", "")
    assert "<" not in out
    assert ">" not in out


@pytest.mark.parametrize(("value", "expected"), [
    ("https://a.example/x", "https://a.example/x"),
    (" http://a.example ", "http://a.example"),
    ("javascript:alert(1)", None), ("JAVASCRIPT:alert(1)", None), ("data:text/html,x", None),
    ("//a.example/x", None), ("/relative", None), ("https://", None),
    ("java\nscript:alert(1)", None), ("https://a.example/\x00", None), ("http://[::1", None),
    (None, None), ("", None),
])
def test_http_url(value: str | None, expected: str | None) -> None:
    assert http_url(value) == expected


def _cap(i: int, minutes: int, digest: str, snapshot: int | None = None) -> CaptureInfo:
    return CaptureInfo(id=i, url="https://a.example/", status=200, payload_digest=digest,
                       captured_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes),
                       is_revisit=snapshot is None, snapshot_id=snapshot)


def test_timeline_marks_changes() -> None:
    caps = [_cap(3, 30, "b", 3), _cap(1, 0, "a", 1), _cap(2, 10, "a", 1), _cap(4, 40, "a", 1)]
    entries = build_timeline(caps)
    assert [e.capture.id for e in entries] == [1, 2, 3, 4]
    assert [e.changed for e in entries] == [False, False, True, True]
    assert entries[0].first
    assert entries[0].timestamp == "20240101000000"


def test_closest_capture_prefers_earlier_on_ties_and_skips_unviewable() -> None:
    caps = [_cap(1, 0, "a", 1), _cap(2, 20, "b", 2), _cap(3, 9, "a", None)]
    base = datetime(2024, 1, 1, tzinfo=UTC)
    assert closest_capture(caps, base + timedelta(minutes=10)) == caps[0]
    assert closest_capture(caps, base + timedelta(minutes=11)) == caps[1]
    assert closest_capture([caps[2]], base) is None


def test_wayback_timestamps() -> None:
    when = datetime(2024, 2, 7, 15, 45, 8, tzinfo=UTC)
    assert wayback_timestamp(when) == "20240207154508"
    assert parse_wayback_timestamp("20240207154508") == when
    assert parse_wayback_timestamp("202402") == datetime(2024, 2, 1, tzinfo=UTC)
    for bad in ("", "123", "2024020715450899", "2024-02", "20241301", "２０２４"):
        with pytest.raises(UsageError):
            parse_wayback_timestamp(bad)


def test_params() -> None:
    assert params.snapshot_id("42") == 42
    for bad in ("", "x", "-1", "4.2", "9" * 30, "٣", str(2**63)):
        with pytest.raises(NotFound):
            params.snapshot_id(bad)
    assert params.page(None) == 1
    assert params.page("3") == 3
    for bad in ("0", "-1", "x", "1e3", "10001"):
        with pytest.raises(UsageError, match="page"):
            params.page(bad)
    assert params.day("since", "2024-02-07") == "2024-02-07"
    assert params.day("since", "2024-02-07T10:00:00+08:00") == "2024-02-07T10:00:00+08:00"
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        params.day("until", "2024-02-31")
    assert params.lookup_url(" https://a.example/x ") == "https://a.example/x"
    with pytest.raises(UsageError, match="http or https"):
        params.lookup_url("file:///etc/passwd")
    pages = params.Pages(page=2, per_page=20, total=41)
    assert (pages.offset, pages.pages, pages.has_prev, pages.has_next) == (20, 3, True, True)
    # a search engine that pages only to offset 1,000 offers no page past it
    deep = params.Pages(page=51, per_page=20, total=250_000, reachable=1_000 + 20)
    assert (deep.pages, deep.has_next) == (51, False)
    assert params.Pages(page=50, per_page=20, total=250_000, reachable=1_020).has_next


def test_outlet_matching() -> None:
    assert outlet_matches("人民网-江苏频道", "人民网-江苏频道")
    assert outlet_matches("人民网-江苏频道", "人民网")
    assert outlet_matches("Xinhua", "xinhua ")
    assert not outlet_matches("人民网-江苏频道", "人民资讯")
    assert not outlet_matches("人民网站", "人民网")
    assert not outlet_matches("人", "人民网")
    assert not outlet_matches("人民网", None)


def _blocks(ops: str) -> list[Block]:
    return [Block({"s": SAME, "c": CHANGED, "i": INSERTED}[op], (Segment(SAME, str(n)),))
            for n, op in enumerate(ops)]


def test_collapse_unchanged_keeps_context_beside_each_change() -> None:
    out = collapse_unchanged(_blocks("ssssscsssss"), context=1)
    assert [b.op for b in out] == ["collapsed", "same", "changed", "same", "collapsed"]
    first, last = out[0], out[-1]
    assert isinstance(first, Collapsed)
    assert isinstance(last, Collapsed)
    assert (first.count, last.count) == (4, 4)
    # every paragraph is still there, in order, inside or outside a fold
    flat = [inner for b in out for inner in (b.blocks if isinstance(b, Collapsed) else (b,))]
    assert flat == _blocks("ssssscsssss")


def test_collapse_unchanged_never_folds_a_single_paragraph() -> None:
    assert [b.op for b in collapse_unchanged(_blocks("scssc"))] == [
        "same", "changed", "same", "same", "changed"]
    assert [b.op for b in collapse_unchanged(_blocks("sss"))] == ["collapsed"]
    assert collapse_unchanged([]) == ()


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("en", 1, "1 article"), ("en", 0, "0 articles"), ("en", 2, "2 articles"),
    ("zh", 1, "1 篇"), ("zh", 5, "5 篇"),
])
def test_plural_forms_follow_cldr(lang: str, count: int, expected: str) -> None:
    assert Locale(lang=lang, display_zone=UTC).text("count_snapshots", count=count) == expected


def test_plural_variants_belong_to_known_keys_and_forms() -> None:
    fmt = string.Formatter()
    for lang, variants in PLURAL_FORMS.items():
        for key, forms in variants.items():
            base = {f for _, f, _, _ in fmt.parse(CATALOGUES[lang][key]) if f}
            for form, text in forms.items():
                assert form in {"zero", "one", "two", "few", "many"}, (key, form)
                assert {f for _, f, _, _ in fmt.parse(text) if f} <= base, (key, form)
    for lang, catalogue in CATALOGUES.items():
        assert not [k for k, v in catalogue.items() if "(s)" in v], lang


@pytest.mark.parametrize(("seconds", "zh", "en"), [
    (75, "75 秒", "75 s"), (3 * 3600 + 60, "3小时1分钟", "3 h 1 min"),
    (3 * 86400, "3天0小时", "3 d 0 h"), (222559198, "超过7年", "over 7 years"),
    (400 * 86400, "超过1年", "over 1 year"),
])
def test_seconds_read_as_spans(seconds: float, zh: str, en: str) -> None:
    assert Locale(lang="zh", display_zone=UTC).seconds_text(seconds) == zh
    assert Locale(lang="en", display_zone=UTC).seconds_text(seconds) == en
