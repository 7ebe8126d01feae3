"""The whole 我的订阅 story in a real browser (Debian's chromium via Playwright):
sign up → subscribe to 科技创新 → add a webhook → crawl the demo web → the seed article
is on 我的订阅 and in the private feed, and the loopback receiver got a signed POST."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import feedparser
import pytest
from live_server import live_server

from kuaizhao.config import load_settings
from kuaizhao.demo import DemoOptions, DemoWeb
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.sources import load_sources
from kuaizhao.store import SqliteStore
from kuaizhao.subscribe import webhooks
from kuaizhao.web.app import create_app

CHROMIUM = Path(os.environ.get("KUAIZHAO_CHROMIUM", "/usr/bin/chromium"))
SEED_TITLE = "无锡:放大“三个效应” 打造产业科技创新高地"
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
if not CHROMIUM.exists():
    pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium (Debian package)",
                allow_module_level=True)


@pytest.fixture
def demo() -> Iterator[DemoWeb]:
    web = DemoWeb(DemoOptions(crawl_delay=0.05, slow_seconds=0.5, retry_after=0))
    with web.in_thread() as running:
        yield running


class Hooks(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Hooks.received.append((dict(self.headers.items()), body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def receiver() -> Iterator[str]:
    Hooks.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hooks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_sign_up_subscribe_crawl_read_feed_and_webhook(
        tmp_path: Path, demo: DemoWeb, receiver: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "sources.toml").write_text(demo.sources_toml(), encoding="utf-8")
    settings = load_settings(home=str(home), environ={}, overrides={
        "min_host_interval": 0.0, "retries": 2, "fetch_timeout": 10.0, "warc_fsync": False,
        "webhook_allow_private": True, "crawl_allow_private": True})
    store = SqliteStore.open(settings.database_path)
    with contextlib.ExitStack() as stack:
        stack.callback(store.close)
        base = stack.enter_context(live_server(create_app(store, settings)))
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=["--no-sandbox"])
            page = browser.new_context(locale="zh-CN", base_url=base).new_page()
            page.goto("/me/subscriptions")
            assert "/login" in page.url  # anonymous: sent to log in
            page.get_by_role("link", name="还没有账户？注册").click()
            page.fill("#signup-name", "读者甲")
            page.fill("#signup-password", "correct horse")
            page.fill("#signup-password2", "correct horse")
            page.get_by_role("button", name="注册").click()
            page.wait_for_url(re.compile(r"/me/subscriptions$"))
            page.fill("#sub-target", "科技创新")
            page.get_by_role("button", name="订阅").click()
            page.wait_for_url(re.compile(r"/me/subscriptions/\d+$"))
            page.fill("#hook-url", receiver)
            page.get_by_role("button", name="保存 Webhook").click()
            secret = page.locator("#webhook-secret").inner_text()
            assert secret.startswith("whsec_")

            # Playwright's sync API holds this thread's event loop: crawl in another.
            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, Crawler(store, settings, load_sources(
                    settings.sources_path)).run(once=True)).result(timeout=120)

            page.get_by_role("navigation", name="主导航").get_by_role(
                "link", name="我的订阅").click()
            stream = page.locator("ol.stream")
            assert SEED_TITLE in stream.inner_text()
            assert "<mark>" not in stream.inner_text()
            assert page.locator("ol.stream mark").first.inner_text() == "科技创新"
            assert page.locator("ol.stream li").filter(has_text=SEED_TITLE).count() == 1
            feed_href = page.locator('link[rel="alternate"]').get_attribute("href")
            assert feed_href
            feed = page.request.get(feed_href)
            parsed = feedparser.parse(feed.body())
            assert not parsed.bozo, parsed.get("bozo_exception")
            assert SEED_TITLE in [e.title for e in parsed.entries]
            page.get_by_role("button", name="全部标为已读").click()
            page.wait_for_url(re.compile(r"/me/subscriptions$"))
            assert "0 条未读" in page.inner_text("ul.subscriptions")
            page.goto("/me/subscriptions?lang=en")
            assert "My subscriptions" in page.inner_text("h1")
            browser.close()
        assert Hooks.received, "the webhook receiver got nothing"
        titles = []
        now = int(datetime.now(UTC).timestamp())
        for headers, body in Hooks.received:
            assert webhooks.verify(secret, headers[webhooks.SIGNATURE_HEADER], body, now)
            titles.append(json.loads(body)["snapshot"]["title"])
        assert SEED_TITLE in titles
