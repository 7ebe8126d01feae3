"""Every page type in real chromium at a 390 px phone and a 1280 px desktop: nothing
wider than the screen, axe-core clean, a screenshot of each in test-artifacts/layout/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from live_server import live_server
from web_archive import SEED_URL, Archive

from kuaizhao.store.account_rows import Role, SubscriptionKind
from kuaizhao.subscribe import accounts
from kuaizhao.web.app import create_app

CHROMIUM = Path(os.environ.get("KUAIZHAO_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts" / "layout"
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright",
                              reason="pip install axe-playwright-python")
if not CHROMIUM.exists():
    pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium (Debian package)",
                allow_module_level=True)

# Each page type once, as the visitor who can see it: (name, who, path).
PAGES = [
    ("home", "anonymous", "/"),
    ("search", "anonymous", "/search?q=科技创新"),
    ("search-empty", "anonymous", "/search?q=没有这个词语"),
    ("snapshot-zh", "anonymous", "/snapshots/{seed}"),
    ("snapshot-en", "anonymous", "/snapshots/{english}"),
    ("raw", "anonymous", "/snapshots/{seed}/raw"),
    ("diff", "anonymous", "/snapshots/{seed}/diff/{seed_v2}"),
    ("versions", "anonymous", "/urls/" + quote(SEED_URL, safe="") + "/versions"),
    ("lookup", "anonymous", "/lookup?url=" + quote(SEED_URL, safe="")),
    ("lookup-form", "anonymous", "/lookup"),
    ("categories", "anonymous", "/categories"),
    ("category", "anonymous", "/categories/国内"),
    ("sources", "anonymous", "/sources"),
    ("source", "anonymous", "/sources/人民资讯"),
    ("changes", "anonymous", "/changes"),
    ("takedown", "anonymous", "/takedown"),
    ("takedown-log", "anonymous", "/takedown/log"),
    ("login", "anonymous", "/login"),
    ("signup", "anonymous", "/signup"),
    ("not-found", "anonymous", "/nowhere"),
    ("account", "reader", "/account"),
    ("subscriptions", "reader", "/me/subscriptions"),
    ("subscription", "reader", "/me/subscriptions/{sub}"),
    ("admin-takedown", "admin", "/admin/takedown"),
    ("admin-audit", "admin", "/admin/takedown/audit"),
    ("admin-sources", "admin", "/admin/sources"),
]


@pytest.fixture(scope="module")
def visitors(archive: Archive) -> Iterator[dict[str, Any]]:
    if archive.settings.database_url:
        pytest.skip("layout does not depend on the backend: checked once, on SQLite")
    store = archive.store
    reader = accounts.create_user(store, "layout-reader", "password-layout")
    admin = accounts.create_user(store, "layout-admin", "password-layout", Role.ADMIN)
    with store.transaction():
        sub = store.add_subscription(reader.id, SubscriptionKind.SEARCH, "科技创新",
                                     "科技创新", datetime.now(UTC))
    with live_server(create_app(store, archive.settings)) as base, \
            sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox"])
        yield {"base": base, "browser": browser, "sub": sub.id,
               "cookies": {"anonymous": None,
                           "reader": accounts.new_session(store, reader),
                           "admin": accounts.new_session(store, admin)}}
        browser.close()


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize(("name", "who", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_fits_the_screen_and_passes_axe(visitors: dict[str, Any], archive: Archive,
                                             name: str, who: str, path: str,
                                             width: str) -> None:
    base = visitors["base"]
    # bypass_csp only lets the checker's script in; the page itself is unchanged.
    context = visitors["browser"].new_context(locale="zh-CN", viewport=WIDTHS[width],
                                              base_url=base, bypass_csp=True)
    cookie = visitors["cookies"][who]
    if cookie:
        context.add_cookies([{"name": "kz_session", "value": cookie, "url": base}])
    tab = context.new_page()
    try:
        response = tab.goto(path.format(sub=visitors["sub"], **archive.ids))
        assert response is not None
        assert response.status == (404 if name == "not-found" else 200), path
        if who != "anonymous":  # really signed in: the header shows the account
            assert tab.locator(".account-name").inner_text().startswith("layout-")
        wide = tab.evaluate("document.documentElement.scrollWidth")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        assert wide <= WIDTHS[width]["width"], f"{path} is {wide} px wide"
        if width == "phone":  # the checker reads the DOM, which both widths share
            results = axe_api.Axe().run(tab)
            serious = [v for v in results.response["violations"]
                       if v["impact"] in ("serious", "critical")]
            assert not serious, results.generate_report()
    finally:
        context.close()
