"""Users, sessions, personal API tokens and feed tokens (tables from 0005_accounts.sql).

Secrets arrive here already hashed or digested (`subscribe.passwords`,
`subscribe.tokens`); this module only stores and finds them. Deleting a user removes
everything that belongs to them through ON DELETE CASCADE.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.store.account_rows import ApiToken, Credentials, Role, Session, User
from kuaizhao.store.codec import db_time, from_db_time
from kuaizhao.store.tables.connection import TableBase

_USER_COLUMNS = ("u.id, u.name, u.role, u.created_at, u.feed_token, u.email, "
                 "u.digest_enabled, u.last_digest_at")


def _user(row: Sequence[Any]) -> User:
    created = from_db_time(row[3])
    assert created is not None
    return User(id=row[0], name=row[1], role=Role(row[2]), created_at=created,
                feed_token=row[4], email=row[5], digest_enabled=bool(row[6]),
                last_digest_at=from_db_time(row[7]))


def _token(row: Sequence[Any]) -> ApiToken:
    created = from_db_time(row[2])
    assert created is not None
    return ApiToken(id=row[0], name=row[1], created_at=created,
                    last_used_at=from_db_time(row[3]))


class AccountTables(TableBase):
    # ------------------------------------------------------------ users

    def add_user(self, name: str, name_key: str, password_hash: str, role: Role,
                 feed_token: str, feed_token_digest: str, now: datetime) -> User:
        try:
            user_id = self._insert(
                "INSERT INTO users (name, name_key, password_hash, role, created_at, "
                "feed_token, feed_token_digest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, name_key, password_hash, role.value, db_time(now), feed_token,
                 feed_token_digest))
        except Exception as exc:
            if self._is_conflict(exc):
                raise UsageError(f"the name {name!r} cannot be used; choose another",
                                 code="name_taken", name=name) from None
            raise
        return self.user(user_id)

    def user(self, user_id: int) -> User:
        row = self._one(f"SELECT {_USER_COLUMNS} FROM users u WHERE u.id = ?", (user_id,))
        if row is None:
            raise NotFound(f"no user with id {user_id}")
        return _user(row)

    def user_named(self, name_key: str) -> Credentials | None:
        row = self._one(f"SELECT {_USER_COLUMNS}, u.password_hash FROM users u "
                        "WHERE u.name_key = ?", (name_key,))
        return Credentials(_user(row), row[8]) if row else None

    def users(self) -> list[User]:
        return [_user(r) for r in self._all(f"SELECT {_USER_COLUMNS} FROM users u ORDER BY u.id")]

    def set_role(self, user_id: int, role: Role) -> None:
        if self._run("UPDATE users SET role = ? WHERE id = ?", (role.value, user_id)).rowcount == 0:
            raise NotFound(f"no user with id {user_id}")

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._run("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))

    def delete_user(self, user_id: int) -> None:
        if self._run("DELETE FROM users WHERE id = ?", (user_id,)).rowcount == 0:
            raise NotFound(f"no user with id {user_id}")

    def set_feed_token(self, user_id: int, token: str, token_digest: str) -> None:
        self._run("UPDATE users SET feed_token = ?, feed_token_digest = ? WHERE id = ?",
                  (token, token_digest, user_id))

    def user_by_feed_token(self, token_digest: str) -> User | None:
        row = self._one(f"SELECT {_USER_COLUMNS} FROM users u WHERE u.feed_token_digest = ?",
                        (token_digest,))
        return _user(row) if row else None

    def set_digest(self, user_id: int, email: str | None, enabled: bool) -> None:
        self._run("UPDATE users SET email = ?, digest_enabled = ? WHERE id = ?",
                  (email, int(enabled), user_id))

    def digest_sent(self, user_id: int, now: datetime) -> None:
        self._run("UPDATE users SET last_digest_at = ? WHERE id = ?", (db_time(now), user_id))

    def digest_due(self, before: datetime) -> list[User]:
        """Users whose daily digest is on and was last sent before `before` (or never)."""
        rows = self._all(
            f"SELECT {_USER_COLUMNS} FROM users u WHERE u.digest_enabled = 1 AND "
            "u.email IS NOT NULL AND (u.last_digest_at IS NULL OR u.last_digest_at < ?) "
            "ORDER BY u.id", (db_time(before),))
        return [_user(r) for r in rows]

    # ------------------------------------------------------------ sessions

    def add_session(self, user_id: int, token_digest: str, csrf: str, now: datetime,
                    expires_at: datetime) -> None:
        self._run("INSERT INTO sessions (digest, user_id, csrf, created_at, expires_at) "
                  "VALUES (?, ?, ?, ?, ?)",
                  (token_digest, user_id, csrf, db_time(now), db_time(expires_at)))

    def session(self, token_digest: str, now: datetime) -> Session | None:
        row = self._one(
            f"SELECT {_USER_COLUMNS}, s.csrf, s.expires_at FROM sessions s "
            "JOIN users u ON u.id = s.user_id WHERE s.digest = ? AND s.expires_at > ?",
            (token_digest, db_time(now)))
        if row is None:
            return None
        expires = from_db_time(row[9])
        assert expires is not None
        return Session(user=_user(row), csrf=row[8], expires_at=expires)

    def delete_session(self, token_digest: str) -> None:
        self._run("DELETE FROM sessions WHERE digest = ?", (token_digest,))

    def delete_sessions(self, user_id: int, keep: str | None = None) -> None:
        """Log a user out everywhere (but the session `keep`, when given)."""
        self._run("DELETE FROM sessions WHERE user_id = ? "
                  "AND (CAST(? AS TEXT) IS NULL OR digest != ?)", (user_id, keep, keep))

    def purge_sessions(self, now: datetime) -> int:
        return self._run("DELETE FROM sessions WHERE expires_at <= ?", (db_time(now),)).rowcount

    # ------------------------------------------------------------ API tokens

    def add_api_token(self, user_id: int, name: str, token_digest: str,
                      now: datetime) -> ApiToken:
        token_id = self._insert("INSERT INTO api_tokens (user_id, name, digest, created_at) "
                                "VALUES (?, ?, ?, ?)", (user_id, name, token_digest, db_time(now)))
        return ApiToken(id=token_id, name=name, created_at=now, last_used_at=None)

    def api_tokens(self, user_id: int) -> list[ApiToken]:
        rows = self._all("SELECT id, name, created_at, last_used_at FROM api_tokens "
                         "WHERE user_id = ? ORDER BY id", (user_id,))
        return [_token(r) for r in rows]

    def delete_api_token(self, user_id: int, token_id: int) -> None:
        cur = self._run("DELETE FROM api_tokens WHERE id = ? AND user_id = ?",
                        (token_id, user_id))
        if cur.rowcount == 0:
            raise NotFound(f"you have no API token with id {token_id}")

    def user_by_api_token(self, token_digest: str, now: datetime) -> tuple[User, str] | None:
        """The token's owner and the stored digest (for a constant-time re-check)."""
        row = self._one(f"SELECT {_USER_COLUMNS}, t.digest, t.id FROM api_tokens t "
                        "JOIN users u ON u.id = t.user_id WHERE t.digest = ?", (token_digest,))
        if row is None:
            return None
        self._run("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", (db_time(now), row[9]))
        return _user(row), row[8]

    # ------------------------------------------------------------ instance

    def instance_secret(self, name: str) -> str:
        """A random secret made once per archive (kept in the database)."""
        with self._lock:
            self._run("INSERT INTO instance_secrets (name, value) VALUES (?, ?) "
                      "ON CONFLICT DO NOTHING",
                      (name, secrets.token_hex(32)))
            row = self._one("SELECT value FROM instance_secrets WHERE name = ?", (name,))
        return str(row[0])
