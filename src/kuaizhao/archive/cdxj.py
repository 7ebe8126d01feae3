"""CDXJ index lines, the index format of pywb, ReplayWeb.page and WACZ.

One line per record: `<SURT key> <14-digit UTC timestamp> <JSON>`, sorted, so a
replay tool binary-searches the key its own canonicaliser computes for a requested
URL. The key must therefore be computed the way those tools compute it: the SURT
("Sort-friendly URI Reordering Transform") of the URL after the Internet Archive's
canonicalisation (lower case, no scheme, no `www.`, no default port, host labels
reversed and comma-separated, query arguments sorted, no fragment). `surt_key`
(in `kuaizhao.urls`, where the store's URL lookup uses it too) does that; a test
compares it with the `surt` package pywb uses, on real URLs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from kuaizhao.urls import surt_key

__all__ = ["CdxjRecord", "cdxj_line", "cdxj_lines", "cdxj_timestamp", "surt_key"]


@dataclass(frozen=True, slots=True)
class CdxjRecord:
    """What an index line says about one WARC record."""

    url: str
    captured_at: datetime
    filename: str  # relative to the directory the replay tool reads WARCs from
    offset: int
    length: int
    status: int | None
    mime: str
    digest: str  # payload digest, "sha1:BASE32"
    record_type: str = "response"  # or "revisit"


def cdxj_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def cdxj_line(record: CdxjRecord) -> str:
    """One index line (without the newline)."""
    fields: dict[str, object] = {"url": record.url}
    if record.record_type == "revisit":
        fields["mime"] = "warc/revisit"
    else:
        fields["mime"] = record.mime or "unk"
    if record.status is not None:
        fields["status"] = str(record.status)
    fields |= {"digest": record.digest, "length": str(record.length),
               "offset": str(record.offset), "filename": record.filename}
    data = json.dumps(fields, ensure_ascii=False, separators=(", ", ": "))
    return f"{surt_key(record.url)} {cdxj_timestamp(record.captured_at)} {data}"


def cdxj_lines(records: Iterable[CdxjRecord]) -> list[str]:
    """Index lines in the order replay tools binary-search: by key, then timestamp."""
    return sorted(cdxj_line(r) for r in records)
