"""Account operations shared by the web and the `kuaizhao user` command.

Each takes the `Store` and does its writes in one transaction. Password hashing runs
here (slow on purpose); web handlers call these from a worker thread.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kuaizhao.errors import UsageError
from kuaizhao.store.account_rows import ApiToken, Role, User
from kuaizhao.store.base import Store
from kuaizhao.subscribe import passwords, tokens

SESSION_LIFETIME = timedelta(days=30)
MAX_TOKEN_NAME = 80


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def create_user(store: Store, name: str, password: str, role: Role = Role.READER,
                now: datetime | None = None) -> User:
    name = passwords.clean_name(name)
    hashed = passwords.hash_password(password)
    feed = tokens.new_token()
    with store.transaction():
        return store.add_user(name, passwords.name_key(name), hashed, role, feed,
                              tokens.digest(feed), _now(now))


def authenticate(store: Store, name: str, password: str) -> User | None:
    """The user when name and password match; None otherwise, in about the same time."""
    found = store.user_named(passwords.name_key(name))
    if not passwords.verify_password(found.password_hash if found else None, password):
        return None
    assert found is not None
    if passwords.needs_rehash(found.password_hash):
        with store.transaction():
            store.set_password_hash(found.user.id, passwords.hash_password(password))
    return found.user


def change_password(store: Store, user: User, current: str, new: str,
                    keep_session: str | None) -> None:
    """Change a password after checking the current one; other sessions are ended."""
    found = store.user_named(passwords.name_key(user.name))
    if found is None or not passwords.verify_password(found.password_hash, current):
        raise UsageError("the current password is wrong; type it again",
                         code="password_wrong")
    hashed = passwords.hash_password(new)
    with store.transaction():
        store.set_password_hash(user.id, hashed)
        store.delete_sessions(user.id, keep=keep_session)


def new_session(store: Store, user: User, now: datetime | None = None) -> str:
    """A fresh session for `user`; returns the cookie value (stored only as a digest)."""
    raw = tokens.new_token()
    start = _now(now)
    with store.transaction():
        store.add_session(user.id, tokens.digest(raw), tokens.new_token(), start,
                          start + SESSION_LIFETIME)
    return raw


def rotate_feed_token(store: Store, user: User) -> str:
    """A new private-feed token; every feed URL with the old one stops working."""
    raw = tokens.new_token()
    with store.transaction():
        store.set_feed_token(user.id, raw, tokens.digest(raw))
    return raw


def user_for_feed_token(store: Store, raw: str) -> User | None:
    user = store.user_by_feed_token(tokens.digest(raw))
    return user if user is not None and tokens.same(user.feed_token, raw) else None


def create_api_token(store: Store, user: User, name: str,
                     now: datetime | None = None) -> tuple[ApiToken, str]:
    """A personal API token; the raw value is returned once and never stored."""
    name = " ".join(name.split())[:MAX_TOKEN_NAME] or "API token"
    raw = tokens.new_api_token()
    with store.transaction():
        return store.add_api_token(user.id, name, tokens.digest(raw), _now(now)), raw


def user_for_api_token(store: Store, raw: str, now: datetime | None = None) -> User | None:
    wanted = tokens.digest(raw)
    with store.transaction():
        found = store.user_by_api_token(wanted, _now(now))
    if found is None or not tokens.same(found[1], wanted):
        return None
    return found[0]
