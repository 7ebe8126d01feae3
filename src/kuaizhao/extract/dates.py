"""Dates and times as Chinese and English news pages write them.

`parse_datetime` reads one string (a meta value, a dateline fragment); `find_datetime`
finds the first date-like run inside a longer line. Times without an offset are
localised to the zone the caller names; relative times ("3小时前", "昨天 08:15") need
`now` and are resolved in that zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kuaizhao.errors import ExtractError

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_TIME = (
    r"(?:\s*|T|日|[,，]\s*)(?P<H>[01]?\d|2[0-3])(?:[:：时点](?P<M>[0-5]\d)分?"
    r"(?:[:：](?P<S>[0-5]\d)(?:\.\d+)?秒?)?)"
    r"\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?"
    r"(?P<tz>\s*(?:Z|UTC|GMT|[+-](?:[01]\d|2[0-3]):?[0-5]\d)(?![\d:]))?"
)
_NUMERIC = re.compile(
    r"(?<!\d)(?P<Y>(?:19|20)\d\d)\s*(?P<sep>[-/.年])\s*(?P<m>1[0-2]|0?[1-9])\s*(?:(?P=sep)|月)\s*"
    r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)日?(?:" + _TIME + r")?"
)
# "20240207" alone; not inside a code such as a licence number ("浙 B2-20181004",
# "京ICP备20181004号").
_COMPACT = re.compile(r"(?<![A-Za-z0-9_/.\-备])(?P<Y>20\d\d)(?P<m>1[0-2]|0[1-9])"
                      r"(?P<d>3[01]|[12]\d|0[1-9])(?![\d号])")
_NO_YEAR = re.compile(
    r"(?<![\d/.-])(?P<m>1[0-2]|0?[1-9])\s*[-/月]\s*(?P<d>3[01]|[12]\d|0?[1-9])日?"
    r"(?:\s+|日)(?P<H>[01]?\d|2[0-3])[:：](?P<M>[0-5]\d)(?![\d])"
)
_ENGLISH = re.compile(
    r"(?:(?P<d1>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\s+(?P<mon1>[A-Za-z]{3,9})\.?,?\s+"
    r"(?P<Y1>(?:19|20)\d\d)"
    r"|(?P<mon2>[A-Za-z]{3,9})\.?\s+(?P<d2>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?,?\s+"
    r"(?P<Y2>(?:19|20)\d\d))"
    r"(?:(?:\s*[,@|-]?\s*(?:at\s+)?)" + _TIME.replace(r"(?:\s*|T|日|[,，]\s*)", "") + r")?"
)
_RELATIVE = re.compile(r"(?P<n>\d{1,3})\s*(?P<unit>秒|分钟|分鐘|小时|小時|天|日)前")
_DAY_WORD = re.compile(
    r"(?P<word>刚刚|今天|昨天|前天)\s*(?:(?P<H>[01]?\d|2[0-3])[:：](?P<M>[0-5]\d))?"
)


@dataclass(frozen=True, slots=True)
class ParsedTime:
    value: datetime
    has_time: bool  # False when the page gave only a day
    explicit_zone: bool  # True when the string carried its own offset
    relative: bool = False


def zone(name: str) -> tzinfo:
    """A tzinfo for an IANA name, with a clear error for a bad one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ExtractError(
            f"unknown time zone {name!r}; use an IANA name such as 'Asia/Shanghai' or 'UTC'"
        ) from exc


def parse_datetime(text: str, tz: tzinfo, now: datetime | None = None) -> ParsedTime | None:
    """The first date (and time) in `text`, or None. Years outside 1990..now+1 are refused."""
    found = find_datetime(text, tz, now)
    return found[0] if found else None


def find_datetime(
    text: str, tz: tzinfo, now: datetime | None = None
) -> tuple[ParsedTime, int] | None:
    """The earliest-starting date in `text` with its start offset, or None."""
    best: tuple[ParsedTime, int] | None = None
    for finder in (_numeric, _english, _no_year, _relative, _compact):
        hit = finder(text, tz, now)
        if hit and (best is None or hit[1] < best[1]):
            best = hit
    return best


def _plausible(value: datetime, now: datetime | None) -> bool:
    ceiling = (now or datetime.now(UTC)) + timedelta(days=366)
    return datetime(1990, 1, 1, tzinfo=UTC) <= value <= ceiling


def _build(
    year: int, month: int, day: int, m: re.Match[str], tz: tzinfo, now: datetime | None
) -> ParsedTime | None:
    hour_s = m.groupdict().get("H")
    hour = int(hour_s) if hour_s else 0
    minute = int(m.group("M") or 0) if hour_s else 0
    second = int(m.groupdict().get("S") or 0) if hour_s else 0
    ampm = (m.groupdict().get("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    offset = _offset(m.groupdict().get("tz"))
    try:
        value = datetime(year, month, day, hour, minute, second, tzinfo=offset or tz)
    except ValueError:
        return None  # 2月30日 and the like
    if not _plausible(value, now):
        return None
    return ParsedTime(value, has_time=bool(hour_s), explicit_zone=offset is not None)


def _offset(raw: str | None) -> tzinfo | None:
    raw = (raw or "").strip().upper()
    if not raw:
        return None
    if raw in {"Z", "UTC", "GMT"}:
        return UTC
    sign = 1 if raw[0] == "+" else -1
    digits = raw[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _numeric(text: str, tz: tzinfo, now: datetime | None) -> tuple[ParsedTime, int] | None:
    for m in _NUMERIC.finditer(text):
        if m.group("sep") == "." and m.group("H") and not m.group("M"):
            continue
        parsed = _build(int(m.group("Y")), int(m.group("m")), int(m.group("d")), m, tz, now)
        if parsed:
            return parsed, m.start()
    return None


def _compact(text: str, tz: tzinfo, now: datetime | None) -> tuple[ParsedTime, int] | None:
    for m in _COMPACT.finditer(text):
        parsed = _build(int(m.group("Y")), int(m.group("m")), int(m.group("d")), m, tz, now)
        if parsed:
            return parsed, m.start()
    return None


def _english(text: str, tz: tzinfo, now: datetime | None) -> tuple[ParsedTime, int] | None:
    for m in _ENGLISH.finditer(text):
        mon = (m.group("mon1") or m.group("mon2") or "").lower()
        month = _MONTHS.get(mon[:4] if mon.startswith("sept") else mon[:3])
        if month is None or (len(mon) > 3 and not _is_month_word(mon)):
            continue
        day = int(m.group("d1") or m.group("d2"))
        year = int(m.group("Y1") or m.group("Y2"))
        parsed = _build(year, month, day, m, tz, now)
        if parsed:
            return parsed, m.start()
    return None


def _is_month_word(word: str) -> bool:
    full = ("january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december", "sept")
    return any(f.startswith(word) or word.startswith(f) for f in full)


def _no_year(text: str, tz: tzinfo, now: datetime | None) -> tuple[ParsedTime, int] | None:
    """'02-07 21:02' / '2月7日 21:02': this year, or last year if that would be future."""
    if now is None:
        return None
    m = _NO_YEAR.search(text)
    if not m:
        return None
    local_now = now.astimezone(tz)
    parsed = _build(local_now.year, int(m.group("m")), int(m.group("d")), m, tz, now)
    if parsed and parsed.value > now + timedelta(days=1):
        parsed = _build(local_now.year - 1, int(m.group("m")), int(m.group("d")), m, tz, now)
    return (parsed, m.start()) if parsed else None


def _relative(text: str, tz: tzinfo, now: datetime | None) -> tuple[ParsedTime, int] | None:
    if now is None:
        return None
    local_now = now.astimezone(tz)
    m = _RELATIVE.search(text)
    if m:
        n = int(m.group("n"))
        unit = m.group("unit")
        delta = {"秒": timedelta(seconds=n), "天": timedelta(days=n), "日": timedelta(days=n)}.get(
            unit, timedelta(hours=n) if unit.startswith("小") else timedelta(minutes=n)
        )
        return ParsedTime(local_now - delta, has_time=unit not in {"天", "日"},
                          explicit_zone=False, relative=True), m.start()
    m = _DAY_WORD.search(text)
    if m:
        word = m.group("word")
        if word == "刚刚":
            return ParsedTime(local_now, True, False, relative=True), m.start()
        day = local_now - timedelta(days={"今天": 0, "昨天": 1, "前天": 2}[word])
        if m.group("H"):
            value = day.replace(hour=int(m.group("H")), minute=int(m.group("M")), second=0,
                                microsecond=0)
            return ParsedTime(value, True, False, relative=True), m.start()
        midnight = day.replace(hour=0, minute=0, second=0, microsecond=0)
        return ParsedTime(midnight, False, False, relative=True), m.start()
    return None
