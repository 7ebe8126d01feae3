"""Putting a segmented record back together (WARC 1.1 §6.8 and annex on segmentation).

A writer may split one long record into a first segment (the `response` or `revisit`
with `WARC-Segment-Number: 1`) and `continuation` records naming it in
`WARC-Segment-Origin-ID`; the last one carries `WARC-Segment-Total-Length`. Read alone,
the first segment looks like a whole but short page. Here the first segment is held
until its last continuation arrives, then handed on with the whole payload; when a
segment is missing, or the lengths disagree, the record is reported as incomplete and
not handed on, so a truncated page is never indexed as if it were whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from kuaizhao.archive.digest import digest_matches
from kuaizhao.archive.entries import INCOMPLETE, TOO_LARGE, DamagedRecord, WarcEntry
from kuaizhao.archive.parsing import ParsedRecord
from kuaizhao.archive.payload import MAX_RECORD, dechunk, decode_payload, header_value
from kuaizhao.archive.scanning import too_large
from kuaizhao.models import WarcPointer


@dataclass(frozen=True, slots=True)
class Continuation:
    """A `continuation` record as the file holds it, for `reassemble` to attach."""

    pointer: WarcPointer
    parsed: ParsedRecord


@dataclass
class _Pending:
    first: WarcEntry
    block_bytes: int  # Content-Length of the segments seen so far
    parts: dict[int, bytes] = field(default_factory=dict)
    end: int = 0  # file offset just past the last segment seen

    @property
    def size(self) -> int:
        return len(self.first.raw_payload) + sum(len(p) for p in self.parts.values())

    def damage(self, reason: str, kind: str = INCOMPLETE) -> DamagedRecord:
        pointer = self.first.pointer
        return DamagedRecord(pointer.filename, pointer.offset, self.end - pointer.offset,
                             f"segmented record {self.first.record_id} of "
                             f"{self.first.target_uri[:200]}: {reason}", kind)


def segment_number(entry: WarcEntry | ParsedRecord) -> int | None:
    value = (entry.warc_header("WARC-Segment-Number") if isinstance(entry, WarcEntry)
             else entry.warc("WARC-Segment-Number"))
    return int(value) if value and value.strip().isdigit() else None


def _content_length(headers: Iterable[tuple[str, str]]) -> int:
    value = next((v for k, v in headers if k.lower() == "content-length"), "0")
    return int(value) if value.strip().isdigit() else 0


def reassemble(items: Iterable[WarcEntry | DamagedRecord | Continuation],
               limit: int = MAX_RECORD) -> Iterator[WarcEntry | DamagedRecord]:
    """Pass entries on, with segmented ones whole; report segments that cannot be joined."""
    pending: dict[str, _Pending] = {}
    for item in items:
        if isinstance(item, Continuation):
            yield from _attach(pending, item, limit)
        elif isinstance(item, WarcEntry) and segment_number(item) == 1:
            end = item.pointer.offset + item.pointer.length
            pending[item.record_id] = _Pending(item, _content_length(item.warc_headers), end=end)
        else:
            yield item
    for held in pending.values():
        yield held.damage("the file ends before its last segment (the one with "
                          "WARC-Segment-Total-Length); not imported, as the page is incomplete")


def _attach(pending: dict[str, _Pending], item: Continuation,
            limit: int) -> Iterator[WarcEntry | DamagedRecord]:
    parsed, pointer = item.parsed, item.pointer
    origin = parsed.warc("WARC-Segment-Origin-ID") or ""
    held = pending.get(origin)
    if held is None:
        yield DamagedRecord(pointer.filename, pointer.offset, pointer.length,
                            f"continuation record of {origin or 'no WARC-Segment-Origin-ID'}: "
                            "its first segment is not before it in this file", INCOMPLETE)
        return
    number = segment_number(parsed)
    held.end = pointer.offset + pointer.length
    if number is None or number < 2 or number in held.parts:
        del pending[origin]
        yield held.damage(f"continuation at offset {pointer.offset} has segment number "
                          f"{parsed.warc('WARC-Segment-Number')!r}, not the next one")
        return
    held.parts[number] = parsed.raw_payload
    held.block_bytes += _content_length(parsed.warc_headers)
    if held.size > limit:
        del pending[origin]
        yield held.damage(too_large(limit), TOO_LARGE)
        return
    total = parsed.warc("WARC-Segment-Total-Length")
    if total is None:
        return
    del pending[origin]
    missing = sorted(set(range(2, max(held.parts) + 1)) - set(held.parts))
    if missing:
        yield held.damage(f"segment {missing[0]} is missing; not imported, as the page is "
                          "incomplete")
    elif not total.strip().isdigit() or int(total) != held.block_bytes:
        yield held.damage(f"its segments hold {held.block_bytes} bytes but "
                          f"WARC-Segment-Total-Length says {total}; not imported")
    else:
        yield _joined(held, limit)


def _joined(held: _Pending, limit: int) -> WarcEntry:
    first = held.first
    raw = first.raw_payload + b"".join(held.parts[n] for n in sorted(held.parts))
    decoded = decode_payload(raw, first.http_headers, limit)
    problems = first.digest_problems
    declared = first.payload_digest
    if declared and first.record_type != "revisit" and digest_matches(declared, raw) is False:
        chunked = "chunked" in (header_value(first.http_headers, "transfer-encoding") or "").lower()
        if not (chunked and decoded.error is None
                and digest_matches(declared, dechunk(raw)) is True):
            problems += (f"WARC-Payload-Digest {declared} does not match the joined payload",)
    return replace(first, raw_payload=raw, payload=decoded.body, decode_error=decoded.error,
                   digest_problems=problems)
