"""Takedown in a real browser (Debian's chromium via Playwright): a visitor asks from a
snapshot page → an admin logs in and approves it on the queue → the page answers 410."""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

import pytest
from live_server import live_server
from web_archive import build_archive

from kuaizhao.store.account_rows import Role
from kuaizhao.subscribe import accounts
from kuaizhao.web.app import create_app

CHROMIUM = Path(os.environ.get("KUAIZHAO_CHROMIUM", "/usr/bin/chromium"))
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
if not CHROMIUM.exists():
    pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium (Debian package)",
                allow_module_level=True)


def test_request_approve_then_410(tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "home")
    store = archive.store
    accounts.create_user(store, "审核员", "correct horse", Role.ADMIN)
    sid = archive.ids["kj24"]
    with contextlib.ExitStack() as stack:
        stack.callback(store.close)
        base = stack.enter_context(live_server(create_app(store, archive.settings)))
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                         args=["--no-sandbox"])
            visitor = browser.new_context(locale="zh-CN", base_url=base).new_page()
            visitor.goto(f"/snapshots/{sid}")
            visitor.get_by_role("link", name="如有侵权请联系我们删除").click()
            visitor.wait_for_url(re.compile(r"/takedown\?snapshot="))
            assert visitor.input_value("#td-targets") == f"/snapshots/{sid}"
            visitor.fill("#td-name", "张三")
            visitor.fill("#td-contact", "zhang@example.org")
            visitor.select_option("#td-relationship", "subject")
            visitor.select_option("#td-category", "privacy")
            visitor.fill("#td-reason", "这篇报道公开了我的住址，请删除。")
            visitor.check("#td-faith")
            visitor.click("#td-submit")
            tracking = visitor.locator("#td-tracking").get_attribute("href")
            assert tracking
            assert tracking.startswith("/takedown/requests/")

            admin = browser.new_context(locale="zh-CN", base_url=base).new_page()
            admin.goto("/admin/takedown")
            assert "/login" in admin.url
            admin.fill("#login-name", "审核员")
            admin.fill("#login-password", "correct horse")
            admin.get_by_role("button", name="登录").click()
            admin.wait_for_url(re.compile(r"/admin/takedown$"))
            admin.locator("#td-queue a").first.click()
            admin.fill("#note-approve", "核实为当事人，删除")
            started = time.monotonic()
            admin.click("#do-approve")
            admin.wait_for_url(re.compile(r"/admin/takedown/\d+$"))
            assert admin.locator("#td-state").get_attribute("data-state") == "removed"

            gone = visitor.goto(f"/snapshots/{sid}")
            assert gone is not None
            assert gone.status == 410
            assert time.monotonic() - started < 5
            assert "隐私" in visitor.content()  # the reason category, in the reader's language
            visitor.goto(tracking)
            assert visitor.locator("#td-state").get_attribute("data-state") == "removed"
            browser.close()
