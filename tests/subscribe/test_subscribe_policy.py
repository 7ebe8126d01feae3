"""The pure policy of the subscribe stage: passwords, tokens, throttle, webhooks, Atom."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.errors import UsageError
from kuaizhao.store.account_rows import Role, StreamItem, User
from kuaizhao.subscribe import passwords, tokens, webhooks
from kuaizhao.subscribe.atom import Feed, FeedEntry, entry_id, render_feed
from kuaizhao.subscribe.digest import render_digest
from kuaizhao.subscribe.throttle import MAX_SIGNUPS_PER_CLIENT, LoginThrottle, signup_window

NOW = datetime(2024, 2, 7, 15, 45, tzinfo=UTC)


def test_argon2id_with_the_recommended_parameters() -> None:
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "correct horse batter")
    assert not passwords.verify_password(None, "correct horse battery")
    assert not passwords.verify_password("not a hash", "x")
    with pytest.raises(UsageError, match="at least 8"):
        passwords.hash_password("short")


def test_account_names() -> None:
    assert passwords.clean_name(" 张三_01 ") == "张三_01"
    assert passwords.name_key("Ａlice") == passwords.name_key("alice")
    for bad in ("a", "x" * 41, "a b", "<script>"):
        with pytest.raises(UsageError):
            passwords.clean_name(bad)


def test_tokens_are_random_and_compared_by_digest() -> None:
    a, b = tokens.new_token(), tokens.new_token()
    assert a != b
    assert len(a) >= 43
    assert tokens.new_api_token().startswith("kz_")
    assert tokens.same(a, a)
    assert not tokens.same(a, b)
    assert not tokens.same(a, "")
    assert tokens.digest(a) != a
    assert len(tokens.digest(a)) == 64


def test_tokens_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[bytes, bytes]] = []
    import hmac
    real = hmac.compare_digest

    def spy(x: bytes, y: bytes) -> bool:
        seen.append((x, y))
        return real(x, y)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    assert tokens.same("abc", "abc")
    assert tokens.csrf_ok("secret", "cookie", tokens.csrf_token("secret", "cookie"))
    assert len(seen) == 2


@given(st.text(max_size=50), st.text(max_size=50))
def test_csrf_token_binds_to_its_cookie(cookie: str, other: str) -> None:
    token = tokens.csrf_token("k", cookie)
    assert tokens.csrf_ok("k", cookie or "x", tokens.csrf_token("k", cookie or "x"))
    if other != cookie:
        assert not tokens.csrf_ok("k", other or "y", token) or (other or "y") == cookie
    assert not tokens.csrf_ok("k", None, token)
    assert not tokens.csrf_ok("k", cookie or "x", None)


def test_a_guesser_is_slowed_but_the_owners_known_device_is_not() -> None:
    throttle = LoginThrottle()
    for i in range(200):  # one client hammering one name
        now = float(i * 1000)  # as fast as the back-off lets it
        assert throttle.retry_after("alice", "6.6.6.6", now) < 1000
        throttle.failed("alice", "6.6.6.6", now)
    assert throttle.retry_after("alice", "6.6.6.6", now) == 900  # capped: slowed, not locked
    assert throttle.retry_after("alice", "7.7.7.7", now) == 300  # the name is slowed for all
    assert throttle.retry_after("alice", "7.7.7.7", now, device="owner-phone") == 0
    assert throttle.retry_after("bob", "7.7.7.7", now) == 0  # others are untouched


def test_each_limit_counts_only_its_own_key() -> None:
    throttle = LoginThrottle()
    for _ in range(3):
        throttle.failed("alice", "1.1.1.1", 0)
    assert throttle.retry_after("alice", "1.1.1.1", 0) == 2  # the fourth try waits 2 s
    assert throttle.retry_after("alice", "2.2.2.2", 0) == 0
    for i in range(20):
        throttle.failed(f"name{i}", "9.9.9.9", 0)
    assert throttle.retry_after("fresh", "9.9.9.9", 0) == 1  # many names from one client
    assert throttle.retry_after("fresh", "8.8.8.8", 0) == 0
    for _ in range(3):
        throttle.failed("alice", "1.1.1.1", 10, device="stolen")
    assert throttle.retry_after("alice", "1.1.1.1", 10, device="stolen") == 2
    throttle.succeeded("alice", "1.1.1.1", device="stolen")
    assert throttle.retry_after("alice", "1.1.1.1", 10, device="stolen") == 0
    assert throttle.retry_after("alice", "1.1.1.1", 0) == 2  # the owner's success is not ours
    throttle.succeeded("alice", "1.1.1.1")
    assert throttle.retry_after("alice", "1.1.1.1", 0) == 0


def test_known_device_cookie_binds_to_its_account() -> None:
    value = tokens.device_token("k", "alice")
    device = tokens.device_of("k", "alice", value)
    assert device is not None
    assert value.startswith(device + ".")
    assert tokens.device_of("k", "bob", value) is None
    assert tokens.device_of("other", "alice", value) is None
    mac = value[len(device) + 1:]
    tampered = ("1" if mac[0] == "0" else "0") + mac[1:]  # always a different MAC
    assert tokens.device_of("k", "alice", f"{device}.{tampered}") is None
    assert tokens.device_of("k", "alice", None) is None
    assert tokens.device_of("k", "alice", "no-dot") is None


def test_signup_window_limits_each_client() -> None:
    window = signup_window()
    for i in range(MAX_SIGNUPS_PER_CLIENT):
        assert window.retry_after("1.1.1.1", i) == 0
        window.record("1.1.1.1", i)
    assert window.retry_after("1.1.1.1", 20) > 0
    assert window.retry_after("2.2.2.2", 20) == 0


def test_webhook_signature_verifies_and_rejects_tampering() -> None:
    body = b'{"event":"snapshot.matched"}'
    header = webhooks.sign("whsec_x", 1_700_000_000, body)
    assert webhooks.verify("whsec_x", header, body, 1_700_000_010)
    assert not webhooks.verify("whsec_x", header, body + b" ", 1_700_000_010)
    assert not webhooks.verify("whsec_y", header, body, 1_700_000_010)
    assert not webhooks.verify("whsec_x", header, body, 1_700_009_999)  # replayed late
    assert not webhooks.verify("whsec_x", "garbage", body, 1_700_000_000)


def test_webhook_backoff_and_giving_up() -> None:
    waits = [webhooks.next_attempt(n, NOW) for n in range(1, 8)]
    assert waits[0] == NOW + timedelta(seconds=10)
    assert all(a < b for a, b in itertools.pairwise(waits[:5]))  # type: ignore[operator]
    assert waits[5] is None
    assert waits[6] is None
    assert not webhooks.should_disable(webhooks.MAX_FAILURES - 1)
    assert webhooks.should_disable(webhooks.MAX_FAILURES)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook", "http://localhost:8080/", "http://[::1]/", "http://10.0.0.5/",
    "http://169.254.169.254/latest/meta-data", "http://192.168.1.1/", "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/", "http://api.localhost/",
    # numeric, NAT64 and name-embedded spellings of the same addresses
    "http://2130706433/", "http://127.1/", "http://0x7f000001/", "http://0x7f.0.0.1/",
    "http://017700000001/", "http://[64:ff9b::a9fe:a9fe]/", "http://2852039166/latest",
    "http://169.254.169.254.nip.io/", "https://10-0-0-1.sslip.io/hook"])
def test_webhook_refuses_private_targets(url: str) -> None:
    with pytest.raises(UsageError, match="private or loopback"):
        webhooks.check_url(url, allow_private=False)
    assert webhooks.check_url(url, allow_private=True) == url


@pytest.mark.parametrize("url", ["ftp://example.org/", "javascript:alert(1)", "https://",
                                 "https://user:pw@example.org/", "/relative"])
def test_webhook_url_must_be_http(url: str) -> None:
    with pytest.raises(UsageError):
        webhooks.check_url(url, allow_private=True)


def _entry(n: int, title: str = "科技创新") -> FeedEntry:
    return FeedEntry(url=f"https://news.example.cn/{n}.html", payload_digest=f"sha1:{n}",
                     title=title, link=f"https://kz.example/snapshots/{n}",
                     summary="无锡\x00市召开 <b>座谈会</b>", updated=NOW + timedelta(minutes=n),
                     published=NOW, source="人民资讯", category="国内")


def test_atom_feed_is_valid_and_ids_are_stable() -> None:
    feed = Feed(key="category/国内", title="类别：国内", self_link="https://kz.example/f.atom",
                alternate_link="https://kz.example/categories/国内", site="https://kz.example",
                entries=(_entry(2), _entry(1, "<script>x</script>")))
    body = render_feed(feed, NOW)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.updated_parsed[:5] == (2024, 2, 7, 15, 47)
    first = parsed.entries[0]
    assert first.id == entry_id("https://news.example.cn/2.html", "sha1:2")
    assert first.id == render_feed(feed, NOW + timedelta(days=1)).decode().split(
        "<entry><id>")[1].split("<")[0]
    assert first.summary == "无锡市召开 <b>座谈会</b>"  # text, control character dropped
    assert parsed.entries[1].title == "<script>x</script>"
    assert {link.rel for link in first.links} == {"alternate", "related"}
    empty = feedparser.parse(render_feed(Feed("k", "t", "https://s/f", "https://s/", "https://s",
                                              ()), NOW))
    assert not empty.bozo
    assert empty.entries == []


def test_digest_has_text_and_html_parts() -> None:
    user = User(id=1, name="alice", role=Role.READER, created_at=NOW, feed_token="t",  # noqa: S106
                email="alice@example.org", digest_enabled=True)
    item = StreamItem(snapshot_id=7, url="https://n.example/7", title="<科技创新>",
                      text="正文" * 200, published_at=NOW, captured_at=NOW, source="人民资讯",
                      category="国内", story_key=7, subscription_ids=(1,), read=False)
    message = render_digest(user, [item], site_name="快照", site_url="https://kz.example",
                            sender="kz@kz.example", sent_at=NOW)
    assert message["To"] == "alice@example.org"
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<科技创新>" in text
    assert "https://kz.example/snapshots/7" in text
    assert "&lt;科技创新&gt;" in html
    assert "<科技创新>" not in html


def test_webhook_payload_is_json() -> None:
    data = json.loads(webhooks.payload(
        subscription_id=1, subscription_name="k", snapshot_id=2, url="https://n/", title="t",
        published_at=None, captured_at=NOW, source="s", category=None, summary="x", link="/s/2"))
    assert data["event"] == "snapshot.matched"
    assert data["snapshot"]["id"] == 2
