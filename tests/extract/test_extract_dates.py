"""Date and time parsing: formats Chinese and English pages use, zones, relative times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaizhao.errors import ExtractError
from kuaizhao.extract.dates import find_datetime, parse_datetime, zone

CST = ZoneInfo("Asia/Shanghai")
NOW = datetime(2024, 2, 8, 10, 30, tzinfo=CST)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-02-07 21:02:00", datetime(2024, 2, 7, 21, 2, tzinfo=CST)),
        ("发布时间：2024年2月7日 21:02", datetime(2024, 2, 7, 21, 2, tzinfo=CST)),
        ("2024年02月07日21:02", datetime(2024, 2, 7, 21, 2, tzinfo=CST)),
        ("2024/2/7 9:02", datetime(2024, 2, 7, 9, 2, tzinfo=CST)),
        ("2024.02.07 21:02", datetime(2024, 2, 7, 21, 2, tzinfo=CST)),
        ("2024年2月7日21时02分", datetime(2024, 2, 7, 21, 2, tzinfo=CST)),
        ("2024-02-07T13:02:00Z", datetime(2024, 2, 7, 13, 2, tzinfo=UTC)),
        ("2024-02-07T21:02:00+08:00", datetime(2024, 2, 7, 13, 2, tzinfo=UTC)),
        ("February 7, 2024 9:02 PM", datetime(2024, 2, 7, 21, 2, tzinfo=CST)),
        ("7 Feb 2024", datetime(2024, 2, 7, tzinfo=CST)),
        ("3小时前", NOW - timedelta(hours=3)),
        ("25分钟前", NOW - timedelta(minutes=25)),
        ("昨天 08:15", datetime(2024, 2, 7, 8, 15, tzinfo=CST)),
        ("前天 23:59", datetime(2024, 2, 6, 23, 59, tzinfo=CST)),
        ("02-07 21:02", datetime(2024, 2, 7, 21, 2, tzinfo=CST)),
        ("12-31 21:02", datetime(2023, 12, 31, 21, 2, tzinfo=CST)),  # last year, not future
    ],
)
def test_parse_formats(text: str, expected: datetime) -> None:
    parsed = parse_datetime(text, CST, NOW)
    assert parsed is not None
    assert parsed.value == expected
    assert parsed.value.tzinfo is not None


def test_offset_in_the_string_wins_over_default_zone() -> None:
    parsed = parse_datetime("2024-02-07 21:02:00 +0100", CST)
    assert parsed is not None
    assert parsed.explicit_zone
    assert parsed.value.utcoffset() == timedelta(hours=1)


def test_day_only_is_marked() -> None:
    parsed = parse_datetime("2024年2月7日", CST)
    assert parsed is not None
    assert not parsed.has_time


@pytest.mark.parametrize("text", ["", "no date here", "2024-13-45", "1850-01-01", "2024年2月30日",
                                  "3小时前"])
def test_rejects_non_dates(text: str) -> None:
    assert parse_datetime(text, CST) is None  # 3小时前 needs `now`


def test_future_dates_are_refused() -> None:
    assert parse_datetime("2090-01-01", CST, NOW) is None


def test_first_date_in_a_line() -> None:
    hit = find_datetime("来源：人民资讯 2024-02-07 21:02 阅读 1234", CST)
    assert hit is not None
    assert hit[0].value.hour == 21
    assert hit[1] == 8


def test_unknown_zone_is_a_clear_error() -> None:
    with pytest.raises(ExtractError, match="IANA"):
        zone("Mars/Olympus")


moments = st.datetimes(min_value=datetime(1995, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0))


@given(moments, st.sampled_from([
    "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M", "发布时间：%Y-%m-%d %H:%M:%S 来源：某报", "%B %d, %Y %H:%M",
    "%d %b %Y %H:%M", "%Y-%m-%dT%H:%M:%S",
]))
def test_round_trip_in_local_zone(moment: datetime, fmt: str) -> None:
    text = moment.strftime(fmt)
    parsed = parse_datetime(text, CST, datetime(2031, 1, 1, tzinfo=UTC))
    assert parsed is not None, text
    assert parsed.value == moment.replace(tzinfo=CST), text


@given(moments, st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15))
def test_round_trip_with_offset(moment: datetime, minutes: int) -> None:
    aware = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
    parsed = parse_datetime(aware.isoformat(), CST, datetime(2031, 1, 1, tzinfo=UTC))
    assert parsed is not None
    assert parsed.value == aware


@given(st.text(max_size=200))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = parse_datetime(text, CST, NOW)
    assert result is None or result.value.tzinfo is not None


def test_compact_date_inside_a_code_is_no_date() -> None:
    assert find_datetime("增值电信业务许可证 浙 B2-20181004", CST) is None
    assert find_datetime("京ICP备20181004号", CST) is None
    hit = find_datetime("发布 20240207", CST)
    assert hit is not None
    assert hit[0].value.day == 7
