"""Dates as index documents write them, turned into timezone-aware datetimes.

Feeds use RFC 822 or ISO 8601 and sitemaps W3C datetimes, but Chinese sites also
write `2024-02-07 21:02:00` or `2024年2月7日 21:02` with no zone: those are local
time at the source, so the caller says which zone that is (`local_tz`).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime

_CJK_DATE = re.compile(
    r"(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2}))?)?"
)


def parse_date(text: str | None, local_tz: tzinfo = UTC) -> datetime | None:
    """Parse one date string; a value without a zone is taken to be in `local_tz`.
    Returns None for anything unparseable or out of range, never raises."""
    if not text or not text.strip():
        return None
    text = text.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        m = _CJK_DATE.search(text)
        if m:
            y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups())
            try:
                parsed = datetime(y, mo, d, h, mi, s)
            except ValueError:
                return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local_tz)
    return parsed

