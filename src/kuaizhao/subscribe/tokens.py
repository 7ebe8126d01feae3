"""Random tokens, their stored digests, and CSRF tokens.

Session ids, API tokens and feed tokens are 256-bit random strings. The database keeps
their SHA-256 digest and looks tokens up by it, so timing of the lookup reveals only
bits of a digest nobody can invert; the final comparison is `hmac.compare_digest`.
CSRF tokens are an HMAC of the visitor's session (or pre-session) cookie under the
instance secret: nothing to store, and useless on another visitor's cookie.
A known-device cookie is a random id with an HMAC binding it to one account name,
set when that account signs in; it lets the login throttle tell the owner's browser
from a guesser's.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
API_TOKEN_PREFIX = "kz_"  # noqa: S105 - a visible prefix, not a secret


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_api_token() -> str:
    """A personal API token; the prefix lets secret scanners and people recognise it."""
    return API_TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def same(a: str, b: str) -> bool:
    """Constant-time equality of two tokens (any length, any text)."""
    return hmac.compare_digest(a.encode("utf-8", "surrogatepass"),
                               b.encode("utf-8", "surrogatepass"))


def csrf_token(secret: str, cookie_value: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + cookie_value.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: str, cookie_value: str | None, presented: str | None) -> bool:
    if not cookie_value or not presented:
        return False
    return same(csrf_token(secret, cookie_value), presented)


def webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(24)


def device_token(secret: str, name_key: str) -> str:
    """A known-device cookie value for account `name_key`: a random id and its HMAC."""
    device = secrets.token_urlsafe(16)
    return f"{device}.{_device_mac(secret, name_key, device)}"


def device_of(secret: str, name_key: str, value: str | None) -> str | None:
    """The device id when `value` is a known-device cookie issued for `name_key`."""
    device, _, mac = (value or "").partition(".")
    if not device or len(value or "") > 200 or not same(_device_mac(secret, name_key, device),
                                                         mac):
        return None
    return device


def _device_mac(secret: str, name_key: str, device: str) -> str:
    message = f"device:{name_key}\n{device}".encode("utf-8", "surrogatepass")
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
