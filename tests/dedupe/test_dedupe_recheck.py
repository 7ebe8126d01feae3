"""The re-check schedule and the removal decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kuaizhao.dedupe import decide_removal, next_recheck, parse_schedule
from kuaizhao.errors import ConfigError
from kuaizhao.models import Article

T0 = datetime(2024, 5, 1, tzinfo=UTC)
URL = "https://news.example.cn/2024/05/01/a.html"


def test_schedule_backs_off_with_age_and_ends() -> None:
    schedule = parse_schedule("1h,6h,1d,7d,30d")
    assert next_recheck(T0, T0, schedule) == T0 + timedelta(hours=1)
    assert next_recheck(T0, T0 + timedelta(hours=2), schedule) == T0 + timedelta(hours=6)
    # A crawl stopped for a week catches up with one check, not several.
    assert next_recheck(T0, T0 + timedelta(days=8), schedule) == T0 + timedelta(days=30)
    assert next_recheck(T0, T0 + timedelta(days=31), schedule) is None
    assert parse_schedule("") == ()
    assert next_recheck(T0, T0, ()) is None


@pytest.mark.parametrize("bad", ["1x", "6h,1h", "h", "1h;2h"])
def test_bad_schedules_say_how_to_write_one(bad: str) -> None:
    with pytest.raises(ConfigError, match="1h,6h,1d"):
        parse_schedule(bad)


def test_removal_by_status_redirect_and_notice() -> None:
    assert decide_removal(URL, 410, None, None).reason == "http_410"
    assert decide_removal(URL, 404, None, None).reason == "http_404"
    assert decide_removal(URL, 302, "/", None).reason == "redirect_home"
    assert decide_removal(URL, 301, "https://news.example.cn/index.html", None).removed
    assert not decide_removal(URL, 301, "/2024/05/01/b.html", None).removed  # moved
    assert not decide_removal(URL, 301, URL.replace("https", "http"), None).removed
    notice = Article(title="您访问的页面不存在", not_article_reason="too short")
    assert decide_removal(URL, 200, None, notice).reason == "not_found_page"
    story = Article(title="404 days in orbit", text="The probe has now spent 404 days " * 30)
    assert not decide_removal(URL, 200, None, story).removed
    assert not decide_removal(URL, 503, None, None).removed
