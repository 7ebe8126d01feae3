"""Reading the archive back: one record by pointer, or every response in a file.

`read_response` serves snapshots and re-extraction; it is strict, because a pointer
the database holds must lead to exactly the record that was written. `iter_warc`
serves `kuaizhao reindex` and WARC import; it is forgiving, reporting damage as
`DamagedRecord` items and carrying on, because one bad record must not cost the rest.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from kuaizhao.archive.entries import WARNING, DamagedRecord, StoredResponse, WarcEntry
from kuaizhao.archive.parsing import ParsedRecord, RecordError, parse_date, parse_record
from kuaizhao.archive.payload import MAX_RECORD, decode_payload
from kuaizhao.archive.scanning import GZIP_MAGIC, RawRecord, inflate_member, scan_records
from kuaizhao.archive.segments import Continuation, reassemble
from kuaizhao.archive.storage import LocalWarcStorage, WarcStorage
from kuaizhao.errors import ArchiveError, CorruptRecord
from kuaizhao.models import WarcPointer

RESPONSE_TYPES = ("response", "revisit")
_RECENT_REQUESTS = 16  # how far back a request may precede its response


def _format_of(data: bytes) -> str:
    return "warc" if data.startswith(b"WARC/") else "arc"


def _storage(source: Path | WarcStorage) -> WarcStorage:
    return LocalWarcStorage(source) if isinstance(source, Path) else source


def read_record_bytes(source: Path | WarcStorage, pointer: WarcPointer) -> bytes:
    """The decompressed bytes of the one record `pointer` names.

    `source` is the WARC directory, or the storage holding the files (`archive.storage`).
    """
    data = b""
    if pointer.offset >= 0 and pointer.length > 0:
        data = _storage(source).read_range(pointer.filename, pointer.offset, pointer.length)
    if pointer.offset < 0 or pointer.length <= 0 or len(data) < pointer.length:
        raise CorruptRecord(pointer.filename, pointer.offset,
                            f"the file holds {len(data)} of the pointer's {pointer.length} bytes "
                            "here; the file was truncated or the pointer is wrong")
    if not data.startswith(GZIP_MAGIC):
        return data
    member = inflate_member(data, 0, len(data))
    if not member.complete or member.length != len(data):
        reason = member.error or "gzip member does not end where the pointer says"
        raise CorruptRecord(pointer.filename, pointer.offset, reason)
    return member.data


def read_response(
    source: Path | WarcStorage, pointer: WarcPointer, *, verify_digests: bool = True
) -> StoredResponse:
    """Re-read the response or revisit record at `pointer` (relative to `source`).

    Raises CorruptRecord when the bytes are damaged, including (unless
    `verify_digests` is off) when a declared digest does not match.
    """
    data = read_record_bytes(source, pointer)
    fmt = _format_of(data)
    try:
        parsed = parse_record(data, fmt, -1 if fmt == "arc" else 0)
        if parsed.record_type not in RESPONSE_TYPES:
            raise ArchiveError(
                f"{pointer.filename} at offset {pointer.offset} is a {parsed.record_type!r} "
                "record, not a response; the pointer is wrong"
            )
        if verify_digests and parsed.digest_problems:
            raise CorruptRecord(pointer.filename, pointer.offset, "; ".join(parsed.digest_problems))
        if parsed.warc("WARC-Segment-Number") == "1":
            return _joined(_storage(source), pointer, verify_digests)
        return to_stored_response(parsed, pointer, fmt)
    except RecordError as exc:
        raise CorruptRecord(pointer.filename, pointer.offset, str(exc)) from None


def _joined(storage: WarcStorage, pointer: WarcPointer, verify_digests: bool) -> StoredResponse:
    """The first segment at `pointer` with its continuations (which follow it in the file)."""
    with storage.local_copy(pointer.filename) as path:
        for item in iter_warc(path, name=pointer.filename, start=pointer.offset):
            if isinstance(item, WarcEntry) and item.pointer == pointer:
                if verify_digests and item.digest_problems:
                    raise CorruptRecord(pointer.filename, pointer.offset,
                                        "; ".join(item.digest_problems))
                return item
            if isinstance(item, DamagedRecord) and item.offset == pointer.offset:
                raise item.to_error()  # incomplete: a missing segment
    raise CorruptRecord(pointer.filename, pointer.offset,
                        "the segmented record's continuations are not in its file")


def _status(parsed: ParsedRecord) -> tuple[int | None, str]:
    if not parsed.has_http:
        return None, ""
    code, _, reason = parsed.http_statusline.partition(" ")
    if not code.isdigit():
        raise RecordError(f"HTTP status line {parsed.http_statusline!r} has no status code")
    return int(code), reason


def to_stored_response(parsed: ParsedRecord, pointer: WarcPointer, fmt: str,
                       limit: int = MAX_RECORD) -> StoredResponse:
    """A parsed response or revisit record as the rest of kuaizhao sees it."""
    status, reason = _status(parsed)
    record_id = parsed.warc("WARC-Record-ID") or ""
    if fmt == "arc" or not record_id:
        # warcio invents a fresh id for each ARC record it reads; derive a stable one.
        stable = uuid.uuid5(uuid.NAMESPACE_URL, f"{pointer.filename}#{pointer.offset}")
        record_id = f"<urn:uuid:{stable}>"
    decoded = decode_payload(parsed.raw_payload, parsed.http_headers, limit)
    refers_to_date = parsed.warc("WARC-Refers-To-Date")
    return StoredResponse(
        pointer=pointer,
        record_type=parsed.record_type,
        record_id=record_id,
        target_uri=parsed.warc("WARC-Target-URI") or "",
        date=parse_date(parsed.warc("WARC-Date")),
        warc_headers=parsed.warc_headers,
        status=status,
        reason=reason,
        http_headers=parsed.http_headers,
        raw_payload=parsed.raw_payload,
        payload=decoded.body,
        payload_digest=parsed.warc("WARC-Payload-Digest"),
        refers_to=parsed.warc("WARC-Refers-To"),
        refers_to_uri=parsed.warc("WARC-Refers-To-Target-URI"),
        refers_to_date=parse_date(refers_to_date) if refers_to_date else None,
        profile=parsed.warc("WARC-Profile"),
        ip_address=parsed.warc("WARC-IP-Address"),
        decode_error=decoded.error,
        digest_problems=parsed.digest_problems,
    )


def _entry(response: StoredResponse, request: _Request | None) -> WarcEntry:
    values: dict[str, Any] = {f.name: getattr(response, f.name) for f in fields(StoredResponse)}
    if request is None:
        return WarcEntry(**values)
    return WarcEntry(**values, request=request.pointer, request_method=request.parsed.http_protocol,
                     request_headers=request.parsed.http_headers)


@dataclass(frozen=True, slots=True)
class _Request:
    pointer: WarcPointer
    parsed: ParsedRecord


def _all(parsed: ParsedRecord, name: str) -> set[str]:
    return {value for key, value in parsed.warc_headers if key.lower() == name.lower()}


def _linked(response: ParsedRecord, request: ParsedRecord, adjacent: bool) -> bool:
    """Whether a request record belongs to a response record.

    WARC-Concurrent-To links them in either direction; records from writers that link
    nothing are paired by target URI, but only when they are next to each other.
    """
    response_id, request_id = response.warc("WARC-Record-ID"), request.warc("WARC-Record-ID")
    to_request = _all(response, "WARC-Concurrent-To")
    to_response = _all(request, "WARC-Concurrent-To")
    if response_id in to_response or request_id in to_request:
        return True
    same_uri = response.warc("WARC-Target-URI") == request.warc("WARC-Target-URI")
    return adjacent and same_uri and not to_request and not to_response


def iter_stored(storage: WarcStorage, filename: str, *, limit: int = MAX_RECORD,
                start: int = 0) -> Iterator[WarcEntry | DamagedRecord]:
    """`iter_warc` over a file wherever the storage holds it (fetched whole if remote)."""
    with storage.local_copy(filename) as path:
        yield from iter_warc(path, name=filename, limit=limit, start=start)


def iter_warc(path: Path, directory: Path | None = None, *, name: str | None = None,
              limit: int = MAX_RECORD, start: int = 0) -> Iterator[WarcEntry | DamagedRecord]:
    """Every response and revisit record of a WARC/ARC file (gzip or not), in file order.

    Each entry carries its pointer (file name `name`, else relative to `directory`,
    else the bare name) and, when found, its request record; a segmented record comes
    whole. Damage is yielded as DamagedRecord and iteration continues after it; a torn
    tail is the last item. No record past `limit` bytes is read into memory. With
    `start`, records before that offset are passed over unparsed.
    """
    filename = name or (path.relative_to(directory).as_posix() if directory else path.name)
    return reassemble(_records(path, filename, limit, start), limit)


def _records(path: Path, filename: str, limit: int, start: int
             ) -> Iterator[WarcEntry | DamagedRecord | Continuation]:
    fmt: str | None = None
    pending: tuple[StoredResponse, ParsedRecord] | None = None
    requests: dict[str, _Request] = {}
    previous: _Request | StoredResponse | None = None  # the record just before, if relevant
    for item in scan_records(path, filename, limit, start):
        if isinstance(item, DamagedRecord):
            if pending:
                yield _entry(pending[0], None)
            pending, previous = None, None
            yield item
            continue
        fmt = fmt or _format_of(item.data)
        pointer = WarcPointer(filename, item.offset, item.length)
        try:
            parsed = parse_record(item.data, fmt, item.missing)
            response = (
                to_stored_response(parsed, pointer, fmt, limit)
                if parsed.record_type in RESPONSE_TYPES else None
            )
        except RecordError as exc:
            previous = None
            yield DamagedRecord(filename, item.offset, item.length, str(exc))
            continue
        if response is None and parsed.digest_problems:
            # Not needed for reindex, but damage is worth knowing about wherever it is.
            problems = "; ".join(parsed.digest_problems)
            yield DamagedRecord(filename, item.offset, item.length,
                                f"{parsed.record_type} record: {problems}")
        if item.missing:
            yield DamagedRecord(filename, item.offset, item.length,
                                f"record ends {item.missing} bytes before its length field says; "
                                "its HTTP body is whole by its Content-Length, so it is kept",
                                WARNING)
        if parsed.record_type == "continuation":
            if pending:  # its first segment, most likely: it must come first
                yield _entry(pending[0], None)
            pending, previous = None, None
            yield Continuation(pointer, parsed)
        elif parsed.record_type == "request":
            request = _Request(pointer, parsed)
            adjacent = pending is not None and previous is pending[0]
            if pending and _linked(pending[1], parsed, adjacent):
                yield _entry(pending[0], request)
                pending = None
            else:
                _remember(requests, request, item)
            previous = request
        elif response is not None:
            if pending:
                yield _entry(pending[0], None)
            pending = None
            match = next((r for r in reversed(requests.values())
                          if _linked(parsed, r.parsed, previous is r)), None)
            if match is not None:
                requests = {k: r for k, r in requests.items() if r is not match}
                yield _entry(response, match)
            else:
                pending = (response, parsed)
            previous = response
        else:
            previous = None
    if pending:
        yield _entry(pending[0], None)


def _remember(requests: dict[str, _Request], request: _Request, item: RawRecord) -> None:
    key = request.parsed.warc("WARC-Record-ID") or f"#{item.offset}"
    requests[key] = request
    while len(requests) > _RECENT_REQUESTS:
        del requests[next(iter(requests))]
