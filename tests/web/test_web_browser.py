"""The site in a real browser: Debian's chromium driven by Playwright, over a real
server on loopback and the test archive. Screenshots land in test-artifacts/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_server import live_server
from web_archive import SEED_CAPTION, SEED_TITLE, SEED_URL, Archive

from kuaizhao.web.app import create_app

CHROMIUM = Path(os.environ.get("KUAIZHAO_CHROMIUM", "/usr/bin/chromium"))
ROOT = Path(__file__).parents[2]
ARTIFACTS = ROOT / "test-artifacts"
README_SHOT = ROOT / "docs" / "screenshot-snapshot.png"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
if not CHROMIUM.exists():
    pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium (Debian package)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def base_url(archive: Archive) -> Iterator[str]:
    with live_server(create_app(archive.store, archive.settings)) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A zh page that fails the test on any request leaving loopback."""
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, base_url=base_url)
    outside: list[str] = []

    def guard(route: Any) -> None:
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    yield tab
    context.close()
    assert not outside, f"the page reached outside the archive: {outside}"


def _shot(tab: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_snapshot_page_shows_every_element(page: Any, archive: Archive) -> None:
    sid = archive.ids["seed"]
    page.goto(f"/snapshots/{sid}")
    assert page.locator("h1#title").inner_text() == SEED_TITLE
    byline = page.locator("dl.byline").inner_text()
    for part in ("类别", "国内", "发布时间", "2024-02-07 21:02:00 (UTC+08:00)", "来源", "人民资讯",
                 "本文转自", "人民网-江苏频道", "朱冬娅", "王晓"):
        assert part in byline, part
    assert page.locator("a.original-snapshot").get_attribute("href") == \
        f"/snapshots/{archive.ids['original']}"
    assert page.locator("figcaption").first.inner_text() == SEED_CAPTION
    assert SEED_CAPTION not in page.locator(".body > p").all_inner_texts()
    facts = page.locator("footer.provenance").inner_text()
    for part in ("本站未对信息做任何修改", "快照生成时间", "2024-02-07 23:45:08", "2小时43分钟",
                 SEED_URL, "此网址的全部快照", "查看原始网页", "如有侵权请联系我们删除"):
        assert part in facts, part
    original = page.locator(f'footer.provenance a[href="{SEED_URL}"]')
    assert original.get_attribute("rel") == "noopener noreferrer nofollow"
    assert page.locator("section.related li").count() >= 1
    assert "更多关于国内的资讯" in page.locator("section.more").inner_text()
    _shot(page, "snapshot-desktop.png")
    if not README_SHOT.exists() or os.environ.get("KUAIZHAO_UPDATE_SCREENSHOT"):
        page.screenshot(path=str(README_SHOT), full_page=False)
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    _shot(page, "snapshot-phone.png")


def test_search_from_home_reaches_the_seed_without_javascript(browser: Any, base_url: str,
                                                               archive: Archive) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False,
                                  base_url=base_url, viewport=PHONE)
    tab = context.new_page()
    tab.goto("/")
    _shot(tab, "home-phone.png")
    tab.fill("#home-q", "三个效应")
    tab.press("#home-q", "Enter")
    tab.wait_for_url("**/search?q=*")
    assert "找到" in tab.locator("p.count").inner_text()
    tab.get_by_role("link", name=SEED_TITLE).first.click()
    # Search shows a URL's newest version; either version of the seed page will do.
    versions = f"{archive.ids['seed']}|{archive.ids['seed_v2']}"
    tab.wait_for_url(re.compile(rf"/snapshots/({versions})$"))
    assert tab.locator("h1#title").inner_text() == SEED_TITLE
    _shot(tab, "search-to-snapshot-phone.png")
    context.close()


def test_language_switch_sticks(page: Any) -> None:
    page.goto("/search?q=科技创新")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.locator("a.lang-switch").click()
    page.wait_for_url("**lang=en*")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Results for" in page.locator("h1").inner_text()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#latest-h").inner_text() == "Latest snapshots"
    _shot(page, "home-desktop-en.png")


def test_raw_view_of_a_hostile_page_runs_nothing(page: Any, archive: Archive) -> None:
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.on("dialog", lambda dialog: messages.append("dialog " + dialog.message))
    sid = archive.ids["hostile"]
    page.goto(f"/snapshots/{sid}/raw")
    frame_element = page.locator("iframe.raw-frame")
    assert frame_element.get_attribute("sandbox") == ""
    frame = page.frame_locator("iframe.raw-frame")
    assert frame.locator("h1#h").inner_text() == "hostile page"  # the capture is shown
    frame.locator("a#js").click()
    page.wait_for_timeout(300)
    assert page.locator("body").get_attribute("data-pwned") is None
    assert not [m for m in messages if "PWNED" in m], messages
    child = next(f for f in page.frames if f.url.endswith("/raw/content"))
    assert child.title() == "evil"  # the page's own script did not run
    page.goto(f"/snapshots/{sid}/raw/content")  # opened directly: still inert
    page.wait_for_timeout(200)
    assert page.title() == "evil"
    assert not [m for m in messages if "PWNED" in m], messages
    _shot(page, "raw-hostile-desktop.png")


def test_hostile_snapshot_page_is_inert(page: Any, archive: Archive) -> None:
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text))
    page.on("dialog", lambda dialog: messages.append("dialog " + dialog.message))
    page.goto(f"/snapshots/{archive.ids['hostile']}?q=<script>")
    page.mouse.move(200, 200)
    page.wait_for_timeout(200)
    assert page.evaluate("window.PWNED === undefined")
    assert page.locator("script").count() == 0
    assert not [m for m in messages if "dialog" in m or "PWNED" in m], messages


def test_keyboard_reaches_content_and_search(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("A", "INPUT", "BUTTON")


@pytest.mark.parametrize("path", ["/", "/snapshots/{seed}", "/search?q=科技创新",
                                  "/lookup?url=" + SEED_URL, "/categories/科技", "/nowhere"])
def test_pages_pass_the_axe_accessibility_checker(browser: Any, base_url: str,
                                                  archive: Archive, path: str) -> None:
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright",
                                     reason="pip install axe-playwright-python")
    # bypass_csp only lets the checker's script in; the page itself is unchanged.
    context = browser.new_context(locale="zh-CN", bypass_csp=True, base_url=base_url)
    tab = context.new_page()
    tab.goto(path.format(seed=archive.ids["seed"]))
    results = axe_module.Axe().run(tab)
    context.close()
    serious = [v for v in results.response["violations"]
               if v["impact"] in ("serious", "critical")]
    assert not serious, results.generate_report()

