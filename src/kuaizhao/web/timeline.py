"""A URL's captures over time: change markers, Wayback timestamps, the closest capture.

Pure functions over `CaptureInfo` rows, used by the lookup page, its JSON twin and the
`/web/<timestamp>/<url>` redirect.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from kuaizhao.errors import UsageError
from kuaizhao.models import CaptureInfo

# A partial Wayback timestamp is completed with the earliest instant it can mean.
_EARLIEST = "00000101000000"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    capture: CaptureInfo
    changed: bool  # payload differs from the previous capture's
    first: bool
    timestamp: str  # 14-digit UTC, for /web/<timestamp>/<url>


def wayback_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def parse_wayback_timestamp(text: str) -> datetime:
    """`YYYY[MM[DD[hh[mm[ss]]]]]` (UTC) as an aware datetime; UsageError if it is not."""
    if not (4 <= len(text) <= 14 and text.isascii() and text.isdigit()):
        raise UsageError(f"timestamp {text[:40]!r} is not 4 to 14 digits "
                         "(YYYYMMDDhhmmss, UTC); use e.g. 20240207154508", code="bad_timestamp",
                         value=text[:40])
    full = text + _EARLIEST[len(text):]
    try:
        return datetime.strptime(full, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        raise UsageError(f"timestamp {text!r} is not a real date and time; "
                         "use YYYYMMDDhhmmss in UTC, e.g. 20240207154508", code="bad_timestamp",
                         value=text) from None


def build_timeline(captures: Sequence[CaptureInfo]) -> list[TimelineEntry]:
    """Captures oldest first, each marked where its payload differs from the one before."""
    ordered = sorted(captures, key=lambda c: (c.captured_at, c.id))
    out: list[TimelineEntry] = []
    previous: str | None = None
    for capture in ordered:
        out.append(TimelineEntry(
            capture=capture,
            changed=previous is not None and capture.payload_digest != previous,
            first=previous is None,
            timestamp=wayback_timestamp(capture.captured_at),
        ))
        previous = capture.payload_digest
    return out


def closest_capture(captures: Sequence[CaptureInfo], when: datetime) -> CaptureInfo | None:
    """The viewable capture nearest to `when`; on a tie the earlier one."""
    viewable = [c for c in captures if c.snapshot_id is not None]
    if not viewable:
        return None
    return min(viewable, key=lambda c: (abs((c.captured_at - when).total_seconds()),
                                        c.captured_at, c.id))
