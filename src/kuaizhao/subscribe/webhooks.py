"""Webhook policy: the payload, its signature, the retry schedule, when to give up.

A receiver verifies a delivery by computing HMAC-SHA256 over `"{timestamp}.{body}"`
with the subscription's secret and comparing it (in constant time) with the
`Kuaizhao-Signature: t=<timestamp>,v1=<hex>` header; the timestamp lets it refuse
replays. Pure functions: `alerts.py` does the sending.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from kuaizhao.errors import UsageError
from kuaizhao.urls import is_private_address

SIGNATURE_HEADER = "Kuaizhao-Signature"
EVENT_HEADER = "Kuaizhao-Event"
# Waits before attempts 2..6 of one delivery; then the delivery is given up.
BACKOFF = (timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5),
           timedelta(minutes=30), timedelta(hours=2))
# Consecutive failed attempts (over all deliveries) after which the webhook is disabled.
MAX_FAILURES = 10
MAX_URL = 2000


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    """What a receiver does; used by the tests and documented for integrators."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    return hmac.compare_digest(expected, f"t={timestamp},v1={parts.get('v1', '')}")


def payload(*, subscription_id: int, subscription_name: str, snapshot_id: int, url: str,
            title: str, published_at: datetime | None, captured_at: datetime,
            source: str, category: str | None, summary: str, link: str) -> str:
    return json.dumps({
        "event": "snapshot.matched",
        "subscription": {"id": subscription_id, "name": subscription_name},
        "snapshot": {
            "id": snapshot_id, "url": url, "title": title,
            "published_at": published_at.isoformat() if published_at else None,
            "captured_at": captured_at.isoformat(), "source": source,
            "category": category, "summary": summary, "link": link,
        },
    }, ensure_ascii=False)


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed tries; None: give this delivery up."""
    if attempts > len(BACKOFF):
        return None
    return now + BACKOFF[attempts - 1]


def should_disable(failures: int) -> bool:
    return failures >= MAX_FAILURES


def check_url(url: str, *, allow_private: bool) -> str:
    """A webhook target as stored, or `UsageError`. Names are checked again at connect
    time (the resolver refuses private addresses), so DNS cannot be used to get round it."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise UsageError(f"the webhook URL is too long (at most {MAX_URL} characters)",
                         code="url_too_long", length=len(url), limit=MAX_URL)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError("the webhook URL must start with http:// or https:// and name a host",
                         code="not_a_url", value=url[:80])
    if parts.username or parts.password:
        raise UsageError("put no user name or password in the webhook URL; "
                         "verify deliveries with the signature header instead",
                         code="webhook_credentials")
    if not allow_private and is_private_address(parts.hostname):
        raise UsageError(f"webhooks to private or loopback addresses ({parts.hostname}) are "
                         "refused; use a public address (the operator can allow private ones "
                         "with the webhook_allow_private setting)", code="webhook_private",
                         host=parts.hostname)
    return url


@dataclass(frozen=True, slots=True)
class AttemptResult:
    ok: bool
    error: str | None = None
