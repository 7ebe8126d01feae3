"""Accounts and subscriptions on each backend: isolation, cascades, the stream."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.store import SqliteStore, Store
from kuaizhao.store.account_rows import Role, SubscriptionKind
from kuaizhao.subscribe import accounts

sys.path.insert(0, str(Path(__file__).parents[2] / "subscribe"))
from subscribe_archive import add_article, cheap_hashing

T0 = datetime(2024, 2, 7, 12, tzinfo=UTC)
TEXT = "无锡市召开科技创新工作座谈会，打造产业科技创新高地。" * 6



def dump_rows(store: Store) -> str:
    """Every row of every table, as text: for asserting what is (not) stored."""
    if isinstance(store, SqliteStore):
        return "\n".join(store._conn.iterdump())
    tables = store._all("SELECT table_name FROM information_schema.tables "
                        "WHERE table_schema = current_schema()")
    return "\n".join(repr(row) for (name,) in tables
                     for row in store._all(f"SELECT * FROM {name}"))


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


def test_names_are_unique_regardless_of_case_and_secrets_are_not_stored(
        store: Store) -> None:
    user = accounts.create_user(store, "Alice", "correct horse")
    with pytest.raises(UsageError, match="cannot be used"):
        accounts.create_user(store, "alice", "another password")
    assert accounts.authenticate(store, "ALICE", "correct horse") == user
    assert accounts.authenticate(store, "alice", "wrong password") is None
    assert accounts.authenticate(store, "nobody", "correct horse") is None
    raw = accounts.new_session(store, user)
    _, api = accounts.create_api_token(store, user, "script")
    dump = dump_rows(store)
    assert "correct horse" not in dump
    assert raw not in dump
    assert api not in dump
    assert accounts.user_for_api_token(store, api) == user
    assert accounts.user_for_api_token(store, api + "x") is None


def test_feed_token_rotation(store: Store) -> None:
    user = accounts.create_user(store, "bob", "password1")
    assert accounts.user_for_feed_token(store, user.feed_token) == user
    new = accounts.rotate_feed_token(store, user)
    assert accounts.user_for_feed_token(store, user.feed_token) is None
    assert accounts.user_for_feed_token(store, new) is not None


def test_sessions_expire_and_end_with_a_password_change(store: Store) -> None:
    user = accounts.create_user(store, "carol", "password1")
    from kuaizhao.subscribe import tokens
    keep = accounts.new_session(store, user)
    other = accounts.new_session(store, user)
    now = datetime.now(UTC)
    assert store.session(tokens.digest(other), now) is not None
    assert store.session(tokens.digest(other), now + timedelta(days=31)) is None
    accounts.change_password(store, user, "password1", "password2", tokens.digest(keep))
    assert store.session(tokens.digest(other), now) is None
    assert store.session(tokens.digest(keep), now) is not None
    with pytest.raises(UsageError, match="current password is wrong"):
        accounts.change_password(store, user, "password1", "password3", None)


def test_one_user_cannot_reach_another_users_subscription(store: Store) -> None:
    alice = accounts.create_user(store, "alice", "password1")
    mallory = accounts.create_user(store, "mallory", "password1")
    with store.transaction():
        sub = store.add_subscription(alice.id, SubscriptionKind.SEARCH, "科技创新", "k", T0)
    for attempt in (lambda: store.subscription(mallory.id, sub.id),
                    lambda: store.update_subscription(mallory.id, sub.id, paused=True),
                    lambda: store.delete_subscription(mallory.id, sub.id),
                    lambda: store.stream(mallory.id, subscription_id=sub.id),
                    lambda: store.set_webhook(mallory.id, sub.id, "https://x.example/", "s"),
                    lambda: store.mark_read(mallory.id, subscription_id=sub.id)):
        with pytest.raises(NotFound):
            attempt()
    assert store.subscriptions(mallory.id) == []
    assert not store.subscription(alice.id, sub.id).paused


def test_stream_groups_stories_newest_first_and_counts_unread(store: Store) -> None:
    user = accounts.create_user(store, "dora", "password1")
    with store.transaction():
        sub = store.add_subscription(user.id, SubscriptionKind.SEARCH, "科技创新", "k", T0)
        store.add_subscription(user.id, SubscriptionKind.CATEGORY, "国内", "国内", T0)
    first = add_article(store, "https://a.example/1", "科技创新座谈会", TEXT,
                        published=T0)
    # the same text from another outlet: one story (exact text digest)
    repost = add_article(store, "https://b.example/1", "科技创新座谈会", TEXT,
                         source="转载网", published=T0 + timedelta(hours=1))
    other = add_article(store, "https://a.example/2", "天气", "明天有雨。",
                        published=T0 + timedelta(hours=2))
    assert store.snapshot(first).story_id == store.snapshot(repost).story_id
    page = store.stream(user.id)
    assert [i.snapshot_id for i in page.items] == [other, repost]
    assert page.total == 2
    assert page.items[1].subscription_ids == tuple(sorted(s.id for s in
                                                          store.subscriptions(user.id)))
    assert store.subscription(user.id, sub.id).unread == 1
    with store.transaction():
        # any member marks the story read, and read on one subscription's page it is
        # read under every subscription that matched it
        store.mark_read(user.id, [first], subscription_id=sub.id)
    assert store.subscription(user.id, sub.id).unread == 0
    assert [i.snapshot_id for i in store.stream(user.id, unread_only=True).items] == [other]
    domestic = {s.name: s for s in store.subscriptions(user.id)}["国内"]
    assert domestic.unread == 1  # 天气 alone
    with store.transaction():
        store.update_subscription(user.id, sub.id, paused=True)
    add_article(store, "https://a.example/3", "科技创新又一篇", "科技创新。", category=None)
    assert store.subscription(user.id, sub.id).unread == 0  # paused: nothing matched


def test_deleting_a_user_removes_everything_theirs(store: Store) -> None:
    user = accounts.create_user(store, "erin", "password1")
    keep = accounts.create_user(store, "frank", "password1")
    accounts.new_session(store, user)
    accounts.create_api_token(store, user, "t")
    with store.transaction():
        sub = store.add_subscription(user.id, SubscriptionKind.SEARCH, "科技创新", "k", T0)
        store.set_webhook(user.id, sub.id, "https://hooks.example/", "secret")
        store.add_subscription(keep.id, SubscriptionKind.SEARCH, "科技创新", "k", T0)
    add_article(store, "https://a.example/9", "科技创新", TEXT)
    with store.transaction():
        store.delete_user(user.id)
    for table in ("sessions", "api_tokens", "webhook_deliveries"):
        assert store._one(f"SELECT count(*) FROM {table}")[0] == 0, table
    assert store._one("SELECT count(*) FROM subscriptions")[0] == 1
    assert store._one("SELECT count(*) FROM subscription_matches")[0] == 1
    assert [u.name for u in store.users()] == ["frank"]
    with store.transaction():
        store.set_role(keep.id, Role.ADMIN)
    assert store.user(keep.id).is_admin


def test_reset_derived_drops_matches_with_the_snapshots(store: Store) -> None:
    user = accounts.create_user(store, "gina", "password1")
    with store.transaction():
        store.add_subscription(user.id, SubscriptionKind.SEARCH, "科技创新", "k", T0)
    add_article(store, "https://a.example/1", "科技创新", TEXT)
    store.reset_derived()
    assert store.stream(user.id).total == 0
    assert len(store.subscriptions(user.id)) == 1
