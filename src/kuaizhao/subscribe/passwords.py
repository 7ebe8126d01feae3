"""Passwords and account names: argon2id hashes and the rules a new account must meet.

argon2-cffi's `PasswordHasher` defaults follow RFC 9106's recommended profile. When
an account name is unknown, the login still verifies against a throwaway hash, so the
time a failed login takes does not say whether the account exists.
"""

from __future__ import annotations

import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kuaizhao.errors import UsageError

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_NAME = 40

_HASHER = PasswordHasher()
_dummy: dict[PasswordHasher, str] = {}  # made on first use: importing must stay cheap


def hash_password(password: str) -> str:
    check_password(password)
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no stored hash, spends the same time and fails."""
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), password[:MAX_PASSWORD]) and (
            stored_hash is not None)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    if _HASHER not in _dummy:
        _dummy[_HASHER] = _HASHER.hash("kuaizhao: no such account")
    return _dummy[_HASHER]


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password is too short; use at least {MIN_PASSWORD} characters",
                         code="password_too_short", min=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise UsageError(f"the password is too long; use at most {MAX_PASSWORD} characters",
                         code="password_too_long", max=MAX_PASSWORD)


def clean_name(name: str) -> str:
    """An account name as stored: NFKC, trimmed; letters, digits, `._-` and CJK only."""
    name = unicodedata.normalize("NFKC", name).strip()
    if not 2 <= len(name) <= MAX_NAME:
        raise UsageError(f"an account name has 2 to {MAX_NAME} characters; got {len(name)}",
                         code="name_length", max=MAX_NAME)
    if not all(ch.isalnum() or ch in "._-" for ch in name):
        raise UsageError("an account name may hold letters, digits, '.', '_' and '-' only",
                         code="name_characters")
    return name


def name_key(name: str) -> str:
    """What makes two names the same account (`Alice` and `alice` are one)."""
    return unicodedata.normalize("NFKC", name).strip().casefold()
