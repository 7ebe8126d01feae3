"""Sending what matching queued: webhook POSTs (retried with backoff) and daily digests.

The network edge of the subscribe stage. A webhook connects only to public addresses
unless the operator set `webhook_allow_private`: names are resolved by the fetcher's
`PublicOnlyResolver` and sockets made by its `AddressGuard`, so the address checked is
the address connected to (no DNS rebinding), and redirects are not followed. The
crawler runs an `AlertWorker` beside its loop; one pass is also made when a crawl ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from urllib.parse import urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

from kuaizhao.config import Settings
from kuaizhao.errors import BlockedAddressError, KuaizhaoError
from kuaizhao.fetch.addresses import AddressGuard, PublicOnlyResolver
from kuaizhao.store.account_rows import Delivery
from kuaizhao.store.base import Store
from kuaizhao.subscribe import webhooks
from kuaizhao.subscribe.digest import render_digest
from kuaizhao.urls import is_private_address

log = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10.0
DIGEST_EVERY = timedelta(days=1)
LOOP_SECONDS = 5.0


@dataclass
class AlertReport:
    sent: int = 0
    failed: int = 0
    disabled: int = 0
    digests: int = 0


def _absolute(payload: str, public_url: str) -> bytes:
    """The stored payload with its snapshot link made absolute (the crawler that queued
    it may not know the site's address; the setting does)."""
    data = json.loads(payload)
    link = data.get("snapshot", {}).get("link", "")
    if public_url and link.startswith("/"):
        data["snapshot"]["link"] = public_url.rstrip("/") + link
    return json.dumps(data, ensure_ascii=False).encode()


async def post_webhook(url: str, secret: str, body: bytes, *, allow_private: bool,
                       resolver: AbstractResolver | None = None,
                       now: datetime | None = None) -> webhooks.AttemptResult:
    """One signed POST; success is a 2xx answer within `WEBHOOK_TIMEOUT` seconds."""
    host = urlsplit(url).hostname or ""
    if not allow_private and is_private_address(host):
        return webhooks.AttemptResult(False, f"refused: {host} is a private or loopback address")
    guard = AddressGuard(allow_private)  # the crawler's policy, at connect time
    connector = aiohttp.TCPConnector(
        resolver=PublicOnlyResolver(resolver or DefaultResolver(), guard),
        socket_factory=guard.socket_factory, use_dns_cache=False)
    timestamp = int((now or datetime.now(UTC)).timestamp())
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": "kuaizhao-webhook/1",
               webhooks.EVENT_HEADER: "snapshot.matched",
               webhooks.SIGNATURE_HEADER: webhooks.sign(secret, timestamp, body)}
    try:
        async with aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(total=WEBHOOK_TIMEOUT)) as session, \
                session.post(url, data=body, headers=headers, allow_redirects=False) as resp:
            await resp.read()
            if 200 <= resp.status < 300:
                return webhooks.AttemptResult(True)
            return webhooks.AttemptResult(False, f"the receiver answered HTTP {resp.status}")
    except BlockedAddressError as exc:
        return webhooks.AttemptResult(False, f"refused: {exc}")
    except TimeoutError:
        return webhooks.AttemptResult(False, f"no answer within {WEBHOOK_TIMEOUT:.0f} s")
    except aiohttp.ClientError as exc:
        return webhooks.AttemptResult(False, f"cannot connect: {exc}"[:300])


async def deliver_webhooks(store: Store, settings: Settings, now: datetime | None = None, *,
                           resolver: AbstractResolver | None = None) -> AlertReport:
    now = now or datetime.now(UTC)
    report = AlertReport()
    for delivery in store.due_deliveries(now):
        result = await post_webhook(
            delivery.webhook.url, delivery.webhook.secret,
            _absolute(delivery.payload, settings.public_url),
            allow_private=settings.webhook_allow_private, resolver=resolver, now=now)
        _record(store, delivery, result, now, report)
    return report


def _record(store: Store, delivery: Delivery, result: webhooks.AttemptResult, now: datetime,
            report: AlertReport) -> None:
    with store.transaction():
        if result.ok:
            store.delivery_sent(delivery.id, delivery.subscription_id)
            report.sent += 1
            return
        error = result.error or "failed"
        retry_at = webhooks.next_attempt(delivery.attempts + 1, now)
        failures = store.delivery_failed(delivery.id, delivery.subscription_id, error, retry_at)
        report.failed += 1
        log.info("webhook of subscription %d failed (%s)", delivery.subscription_id, error)
        if webhooks.should_disable(failures):
            store.disable_webhook(
                delivery.subscription_id,
                f"{failures} deliveries in a row failed; the last: {error}")
            report.disabled += 1


def send_mail(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        smtp.send_message(message)


async def send_digests(store: Store, settings: Settings,
                       now: datetime | None = None) -> AlertReport:
    """Send each due user their unread stream; nothing when SMTP is not configured."""
    report = AlertReport()
    if not settings.smtp_host or not settings.smtp_from:
        return report
    now = now or datetime.now(UTC)
    for user in store.digest_due(now - DIGEST_EVERY):
        page = store.stream(user.id, unread_only=True, limit=50)
        if page.items:
            message = render_digest(user, page.items, site_name=settings.site_name,
                                    site_url=settings.public_url, sender=settings.smtp_from,
                                    sent_at=now)
            try:
                await asyncio.to_thread(send_mail, settings, message)
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("digest for user %d not sent: %s", user.id, exc)
                continue
            report.digests += 1
        with store.transaction():
            store.digest_sent(user.id, now)
    return report


async def run_alerts(store: Store, settings: Settings, now: datetime | None = None) -> AlertReport:
    """One pass over due webhooks and digests; errors are logged, never raised."""
    try:
        report = await deliver_webhooks(store, settings, now)
        report.digests = (await send_digests(store, settings, now)).digests
    except KuaizhaoError as exc:
        log.warning("alerts pass stopped: %s", exc)
        return AlertReport()
    return report


class AlertWorker:
    """Runs `run_alerts` every few seconds beside a crawl, and once more at the end."""

    def __init__(self, store: Store, settings: Settings, interval: float = LOOP_SECONDS) -> None:
        self.store = store
        self.settings = settings
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def _loop(self) -> None:
        while True:
            await run_alerts(self.store, self.settings)
            await asyncio.sleep(self.interval)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await run_alerts(self.store, self.settings)
