"""Chinese and English: negotiation, the visible switch and its cookie, catalogues, dates."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from httpx import AsyncClient

from kuaizhao.web.i18n import Locale, choose_language
from kuaizhao.web.messages import CATALOGUES, EN, ZH

TEMPLATES = Path(__file__).parents[2] / "src" / "kuaizhao" / "web" / "templates"


def test_catalogues_have_the_same_keys_and_placeholders() -> None:
    assert set(ZH) == set(EN)
    fmt = string.Formatter()
    for key in ZH:
        zh_fields = {f for _, f, _, _ in fmt.parse(ZH[key]) if f}
        en_fields = {f for _, f, _, _ in fmt.parse(EN[key]) if f}
        assert zh_fields == en_fields, key


def test_every_key_a_template_uses_exists() -> None:
    used: set[str] = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"_\('([a-z0-9_]+)'", path.read_text(encoding="utf-8")))
    missing = used - set(ZH)
    assert not missing, missing


def test_choose_language_order() -> None:
    assert choose_language(None, None, None) == "zh"
    assert choose_language(None, None, "en-US,en;q=0.9") == "en"
    assert choose_language(None, None, "fr-FR, en;q=0.5, zh;q=0.8") == "zh"
    assert choose_language(None, None, "de, fr") == "zh"
    assert choose_language(None, None, "en;q=abc, zh-TW;q=0.3") == "zh"
    assert choose_language(None, "en", "zh-CN") == "en"  # the cookie beats the header
    assert choose_language("zh", "en", "en") == "zh"  # the query beats both
    assert choose_language("xx", None, "en") == "en"


def test_dates_per_locale() -> None:
    cst = ZoneInfo("Asia/Shanghai")
    when = datetime(2024, 2, 7, 13, 2, tzinfo=UTC)
    zh, en = Locale("zh", cst), Locale("en", cst)
    assert zh.datetime_text(when) == "2024-02-07 21:02:00 (UTC+08:00)"
    assert en.datetime_text(when) == "7 Feb 2024, 21:02:00 (UTC+08:00)"
    assert en.datetime_text(when, keep_zone=True) == "7 Feb 2024, 13:02:00 (UTC+00:00)"
    minus = datetime(2024, 2, 7, 8, 2, tzinfo=timezone(timedelta(hours=-5, minutes=-30)))
    assert zh.datetime_text(minus, keep_zone=True).endswith("(UTC-05:30)")
    assert zh.date_text(when) == "2024-02-07 21:02"
    assert en.date_text(when) == "7 Feb 2024 21:02"
    assert zh.duration_text(timedelta(hours=2, minutes=43, seconds=8)) == "2小时43分钟"
    assert en.duration_text(timedelta(minutes=5)) == "5 min"
    assert en.duration_text(timedelta(days=3, hours=1)) == "3 d 1 h"
    assert zh.duration_text(timedelta(minutes=-1)) == ""


async def test_accept_language_picks_the_ui(client: AsyncClient) -> None:
    zh = await client.get("/", headers={"Accept-Language": "zh-CN"})
    en = await client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="zh-CN">' in zh.text
    assert ZH["home_title"] in zh.text
    assert '<html lang="en">' in en.text
    assert EN["home_title"] in en.text
    assert "Accept-Language" in zh.headers["vary"]


async def test_switch_sets_a_cookie_that_sticks(client: AsyncClient) -> None:
    page = await client.get("/search?q=科技", headers={"Accept-Language": "zh-CN"})
    switch = re.search(r'<a class="lang-switch" href="([^"]+)"', page.text)
    assert switch is not None
    href = switch.group(1).replace("&amp;", "&")
    assert "lang=en" in href
    assert "q=" in href
    switched = await client.get(href, headers={"Accept-Language": "zh-CN"})
    assert EN["search_button"] in switched.text
    assert "lang=en" in switched.headers["set-cookie"]
    assert "HttpOnly" in switched.headers["set-cookie"]
    later = await client.get("/", headers={"Accept-Language": "zh-CN"})  # the cookie is kept
    assert '<html lang="en">' in later.text
    client.cookies.clear()


async def test_bad_lang_values_fall_back(client: AsyncClient) -> None:
    r = await client.get("/?lang=<script>", headers={"Accept-Language": "en"})
    assert r.status_code == 200
    assert '<html lang="en">' in r.text
    assert "set-cookie" not in r.headers


def test_every_language_has_every_catalogue() -> None:
    assert set(CATALOGUES) == {"zh", "en"}
