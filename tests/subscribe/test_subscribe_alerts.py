"""Webhooks and digests over real servers on loopback (aiohttp receiver, aiosmtpd)."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from aiosmtpd.controller import Controller
from subscribe_archive import add_article, cheap_hashing

from kuaizhao.config import Settings, load_settings
from kuaizhao.store import Store
from kuaizhao.store.account_rows import SubscriptionKind, User
from kuaizhao.subscribe import accounts, webhooks
from kuaizhao.subscribe.alerts import deliver_webhooks, post_webhook, send_digests

TEXT = "无锡市召开科技创新工作座谈会，打造产业科技创新高地。" * 4


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    cheap_hashing(monkeypatch)


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.status = 200

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.read()))
        return web.Response(status=self.status)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, int]]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield hook, port
    await runner.cleanup()


class FixedResolver(AbstractResolver):
    """Every name resolves to 127.0.0.1: a public-looking name that rebinds to loopback."""

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET,
                 "proto": 0, "flags": socket.AI_NUMERICHOST}]

    async def close(self) -> None:
        return None


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    return load_settings(home=str(tmp_path), environ={}, overrides=extra)


def _subscribe(store: Store, url: str) -> tuple[User, int, str]:
    user = accounts.create_user(store, "alice", "password1")
    with store.transaction():
        sub = store.add_subscription(user.id, SubscriptionKind.SEARCH, "科技创新", "科创",
                                     datetime.now(UTC))
        store.set_webhook(user.id, sub.id, url, "whsec_test")
    return user, sub.id, "whsec_test"


async def test_matched_article_is_posted_signed(store: Store, tmp_path: Path,
                                                receiver: tuple[Receiver, int]) -> None:
    hook, port = receiver
    settings = _settings(tmp_path, webhook_allow_private=True, public_url="https://kz.example")
    _subscribe(store, f"http://127.0.0.1:{port}/hook")
    snapshot_id = add_article(store, "https://n.example/1", "科技创新座谈会", TEXT)
    add_article(store, "https://n.example/2", "天气", "明天有雨。" * 20)
    report = await deliver_webhooks(store, settings)
    assert report.sent == 1
    assert len(hook.requests) == 1
    headers, body = hook.requests[0]
    assert webhooks.verify("whsec_test", headers[webhooks.SIGNATURE_HEADER], body,
                           int(datetime.now(UTC).timestamp()))
    data = json.loads(body)
    assert data["snapshot"]["id"] == snapshot_id
    assert data["snapshot"]["link"] == f"https://kz.example/snapshots/{snapshot_id}"
    assert data["subscription"]["name"] == "科创"
    assert (await deliver_webhooks(store, settings)).sent == 0  # sent once only


async def test_failures_retry_with_backoff_then_disable(
        store: Store, tmp_path: Path, receiver: tuple[Receiver, int]) -> None:
    hook, port = receiver
    hook.status = 500
    settings = _settings(tmp_path, webhook_allow_private=True)
    user, sub_id, _ = _subscribe(store, f"http://127.0.0.1:{port}/hook")
    for n in range(webhooks.MAX_FAILURES):
        add_article(store, f"https://n.example/{n}", f"科技创新 {n}", TEXT + str(n))
    now = datetime.now(UTC)
    first = await deliver_webhooks(store, settings, now)
    assert first.failed == webhooks.MAX_FAILURES
    assert first.disabled == 1
    sub = store.subscription(user.id, sub_id)
    assert sub.webhook is not None
    assert not sub.webhook.enabled
    assert "HTTP 500" in (sub.webhook.disabled_reason or "")
    assert (await deliver_webhooks(store, settings, now + timedelta(days=1))).failed == 0


async def test_retry_waits_for_its_backoff(store: Store, tmp_path: Path,
                                           receiver: tuple[Receiver, int]) -> None:
    hook, port = receiver
    hook.status = 503
    settings = _settings(tmp_path, webhook_allow_private=True)
    user, sub_id, _ = _subscribe(store, f"http://127.0.0.1:{port}/hook")
    add_article(store, "https://n.example/1", "科技创新", TEXT)
    now = datetime.now(UTC)
    assert (await deliver_webhooks(store, settings, now)).failed == 1
    assert (await deliver_webhooks(store, settings, now + timedelta(seconds=5))).failed == 0
    hook.status = 200
    assert (await deliver_webhooks(store, settings, now + timedelta(seconds=11))).sent == 1
    sub = store.subscription(user.id, sub_id)
    assert sub.webhook is not None
    assert sub.webhook.failures == 0
    assert store.deliveries(user.id, sub_id)[0][1:3] == ("sent", 2)


async def test_ssrf_refused_for_loopback_and_for_names_resolving_to_it(
        receiver: tuple[Receiver, int]) -> None:
    hook, port = receiver
    refused = await post_webhook(f"http://127.0.0.1:{port}/hook", "s", b"{}",
                                 allow_private=False)
    assert not refused.ok
    assert "private or loopback" in (refused.error or "")
    # a public-looking name that resolves to loopback at connect time (DNS rebinding)
    rebound = await post_webhook(f"http://hooks.example.org:{port}/hook", "s", b"{}",
                                 allow_private=False, resolver=FixedResolver())
    assert not rebound.ok
    assert "refused" in (rebound.error or "")
    assert hook.requests == []
    allowed = await post_webhook(f"http://hooks.example.org:{port}/hook", "s", b"{}",
                                 allow_private=True, resolver=FixedResolver())
    assert allowed.ok
    assert len(hook.requests) == 1


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_daily_digest_over_smtp(store: Store, tmp_path: Path) -> None:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = _settings(tmp_path, smtp_host="127.0.0.1", smtp_port=port,
                             smtp_from="kz@kz.example", public_url="https://kz.example")
        user = accounts.create_user(store, "alice", "password1")
        with store.transaction():
            store.add_subscription(user.id, SubscriptionKind.SEARCH, "科技创新", "k",
                                   datetime.now(UTC))
            store.set_digest(user.id, "alice@example.org", True)
        add_article(store, "https://n.example/1", "科技创新座谈会", TEXT)
        now = datetime.now(UTC)
        assert (await send_digests(store, settings, now)).digests == 1
        assert (await send_digests(store, settings, now + timedelta(hours=1))).digests == 0
        assert len(inbox.messages) == 1
        mail = inbox.messages[0]
        assert mail["To"] == "alice@example.org"
        kinds = {part.get_content_type() for part in mail.walk()}
        assert {"text/plain", "text/html"} <= kinds
        assert "科技创新座谈会" in str(mail.get_payload(0).get_payload(decode=True).decode())
    finally:
        controller.stop()
