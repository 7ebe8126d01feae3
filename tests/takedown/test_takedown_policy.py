"""The pure takedown policy: request validation, state changes, scopes, noarchive."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kuaizhao.errors import UsageError
from kuaizhao.models import FetchOutcome, FetchResult, HttpExchange
from kuaizhao.sources import SourceConfig, parse_sources
from kuaizhao.store.takedown_rows import ScopeKind, State
from kuaizhao.takedown.limits import RequestLimiter
from kuaizhao.takedown.noarchive import directives, refusal
from kuaizhao.takedown.scopes import blocks_fetch, covers, make_scope
from kuaizhao.takedown.service import honour_noarchive
from kuaizhao.takedown.validate import InvalidRequest, parse_targets, validate_request
from kuaizhao.takedown.workflow import Action, allowed_actions, check_note, next_state

T = datetime(2025, 3, 1, tzinfo=UTC)
GOOD = {"targets": "https://a.example/x.html\n/snapshots/12\n7", "name": "王五",
        "contact": "w@example.org", "relationship": "author", "reason_category": "copyright",
        "reason": "全文转载未经授权，请删除。", "good_faith": "on"}


def test_valid_request_and_targets() -> None:
    req = validate_request(GOOD)
    assert req.urls == ("https://a.example/x.html",)
    assert req.snapshot_ids == (12, 7)
    assert parse_targets("https://k.example/snapshots/5?lang=en").snapshot_ids == (5,)


@pytest.mark.parametrize(("field", "value", "says"), [
    ("targets", "", "at least one"),
    ("targets", "javascript:alert(1)", "http(s)"),
    ("targets", "\n".join(f"https://a.example/{i}" for i in range(21)), "at most 20"),
    ("name", "x" * 201, "at most 200"),
    ("contact", "not reachable", "e-mail"),
    ("relationship", "friend", "choose one of"),
    ("reason_category", "operator", "choose one of"),
    ("reason", "短", "at least 10"),
    ("reason", "长" * 5001, "at most 5000"),
    ("good_faith", "", "good faith"),
    ("name", "a\x00b", "NUL"),
])
def test_each_bad_field_is_named_with_what_to_do(field: str, value: str, says: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        validate_request({**GOOD, field: value})
    assert says in caught.value.problems[field]
    assert list(caught.value.problems) == [field]


def test_state_machine() -> None:
    assert next_state(State.RECEIVED, Action.REVIEW) is State.UNDER_REVIEW
    assert next_state(State.UNDER_REVIEW, Action.APPROVE) is State.REMOVED
    assert next_state(State.REMOVED, Action.RESTORE) is State.RESTORED
    assert next_state(State.RESTORED, Action.APPROVE) is State.REMOVED
    with pytest.raises(UsageError, match="cannot restore a request that is received"):
        next_state(State.RECEIVED, Action.RESTORE)
    with pytest.raises(UsageError):
        next_state(State.REMOVED, Action.REJECT)
    assert allowed_actions(State.REMOVED) == (Action.RESTORE,)
    with pytest.raises(UsageError, match="say why"):
        check_note("  ", required=True)


def test_scopes_cover_what_they_say() -> None:
    url = "https://news.example/a/1.html"
    kw = {"source_name": "新闻", "captured_at": T, "payload_digest": "sha1:X"}
    assert covers(make_scope("url", url), url=url, **kw)
    assert not covers(make_scope("url", url), url=url + "?x", **kw)
    assert covers(make_scope("prefix", "https://news.example/a/"), url=url, **kw)
    assert not covers(make_scope("prefix", "https://news.example/b/"), url=url, **kw)
    assert covers(make_scope("source", "新闻"), url=url, **kw)
    snap = make_scope("snapshot", url, payload_digest="sha1:X")
    assert covers(snap, url=url, **kw)
    assert not covers(snap, url=url, **{**kw, "payload_digest": "sha1:Y"})
    ranged = make_scope("url", url, captured_from=datetime(2025, 1, 1, tzinfo=UTC),
                        captured_until=datetime(2025, 2, 1, tzinfo=UTC))
    assert not covers(ranged, url=url, **kw)
    with pytest.raises(UsageError, match="no path"):
        make_scope("prefix", "https://news.example")
    with pytest.raises(UsageError, match="date range is empty"):
        make_scope("url", url, captured_from=T, captured_until=T)
    assert blocks_fetch([make_scope("prefix", "https://news.example/a/")], url, None)
    assert not blocks_fetch([snap, ranged], url, None)
    assert make_scope(ScopeKind.SOURCE, " 新闻 ").value == "新闻"


def test_noarchive_from_meta_and_header() -> None:
    meta = b'<html><head><meta content="noarchive, follow" name="ROBOTS"></head></html>'
    assert "noarchive" in directives((), meta)
    assert refusal((("X-Robots-Tag", "noindex"),), b"") is not None
    assert refusal((("X-Robots-Tag", "otherbot: noarchive"),), b"") is None
    assert refusal((("X-Robots-Tag", "kuaizhao: none"),), b"") is not None
    assert refusal((("X-Robots-Tag", "unavailable_after: 25 Jun 2030"),), b"") is None
    assert refusal((), b'<meta name="googlebot" content="noarchive">') is None
    assert refusal((), b'<meta name="robots" content="index, follow">') is None


def _result(headers: tuple[tuple[str, str], ...], body: bytes) -> FetchResult:
    ex = HttpExchange(method="GET", url="https://n.example/1", request_headers=(), status=200,
                      reason="OK", http_version="1.1", response_headers=headers, raw_body=body,
                      body=body, fetched_at=T)
    return FetchResult(url=ex.url, outcome=FetchOutcome.OK, exchanges=(ex,), fetched_at=T)


def test_noarchive_is_honoured_unless_the_source_overrides(
        caplog: pytest.LogCaptureFixture) -> None:
    result = _result((("X-Robots-Tag", "noarchive"),), b"<p>x</p>")
    refused = honour_noarchive(result, SourceConfig(name="n"))
    assert refused.outcome is FetchOutcome.ROBOTS_DISALLOWED
    assert refused.exchanges == ()
    assert "noarchive" in (refused.error or "")
    kept = honour_noarchive(result, SourceConfig(name="n", ignore_noarchive=True))
    assert kept is result
    assert "ignore_noarchive" in caplog.text
    plain = _result((), b"<p>x</p>")
    assert honour_noarchive(plain, None) is plain


def test_sources_file_override_key() -> None:
    text = ('[[source]]\nname = "n"\nfeeds = ["https://n.example/rss"]\n'
            'ignore_noarchive = true\n')
    assert parse_sources(text)[0].ignore_noarchive is True
    with pytest.raises(Exception, match="ignore_noarchive must be true or false"):
        parse_sources(text.replace("true", '"yes"'))


def test_rate_limit_window() -> None:
    limiter = RequestLimiter(window=60, max_per_address=2)
    for t in (0.0, 1.0):
        assert limiter.retry_after("a", t) == 0
        limiter.record("a", t)
    assert limiter.retry_after("a", 2.0) == pytest.approx(58.0)
    assert limiter.retry_after("b", 2.0) == 0
    assert limiter.retry_after("a", 61.0) == 0
