"""Choosing the publication and update times among everything the page offers.

Structured claims (JSON-LD, article:published_time, itemprop) come first, then the
labelled dateline (发布时间：…), then an unlabelled date on a byline line, then
htmldate's reading of the whole page, then a date in the URL. A candidate that gives
only a day yields to a later candidate with a time on the same day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, tzinfo

import lxml.html
from htmldate import find_date

from kuaizhao.extract.dates import ParsedTime, find_datetime, parse_datetime

_URL_DATE = re.compile(
    r"(?<!\d)(?P<Y>20\d\d)[/-]?(?P<m>0[1-9]|1[0-2])[/-]?(?P<d>0[1-9]|[12]\d|3[01])(?!\d)"
)


@dataclass(frozen=True, slots=True)
class TimeChoice:
    value: datetime
    rule: str
    confidence: float


def choose_time(
    candidates: list[tuple[str, str, float]], tz: tzinfo, now: datetime | None
) -> TimeChoice | None:
    """`candidates` are (rule, raw text, confidence) in order of trust."""
    parsed: list[tuple[ParsedTime, str, float]] = []
    for rule, raw, confidence in candidates:
        hit = parse_datetime(raw, tz, now)
        if hit:
            parsed.append((hit, rule, confidence))
    if not parsed:
        return None
    best, rule, confidence = parsed[0]
    if not best.has_time:
        day = best.value.date()
        for other, other_rule, other_conf in parsed[1:]:
            if other.has_time and other.value.date() == day:
                return TimeChoice(other.value, f"{other_rule} (same day as {rule})",
                                  max(confidence, other_conf))
    return TimeChoice(best.value, rule, confidence if best.has_time else confidence - 0.1)


def unlabelled_dates(lines: list[str], tz: tzinfo, now: datetime | None) -> list[str]:
    """Short lines near the headline that carry a date but no label."""
    found = []
    for line in lines:
        if len(line) <= 80 and find_datetime(line, tz, now):
            found.append(line)
    return found


def htmldate_guess(root: lxml.html.HtmlElement, url: str | None) -> str | None:
    """htmldate's original-date reading; extensive search off, it guesses wildly."""
    try:
        return find_date(root, url=url, original_date=True, extensive_search=False,
                         outputformat="%Y-%m-%d")
    except (ValueError, RecursionError):
        return None


def url_date(url: str | None) -> str | None:
    if not url:
        return None
    m = _URL_DATE.search(url)
    return f"{m.group('Y')}-{m.group('m')}-{m.group('d')}" if m else None
