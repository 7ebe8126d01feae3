"""Parsing one record's bytes with warcio's loader, and checking what it declares.

warcio parses the WARC (or ARC) header and the HTTP message; this module adds what a
source-of-truth archive needs on top: that the block is as long as Content-Length
says, nothing stray follows it, and the declared digests match (checked here, not by
warcio, so that foreign records whose payload digest was taken after de-chunking are
not reported as damaged).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from io import BytesIO

from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecordLoader
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParserException
from warcio.timeutils import iso_date_to_datetime

from kuaizhao.archive.digest import digest_matches
from kuaizhao.archive.payload import dechunk, header_value
from kuaizhao.archive.scanning import MAX_HEADER
from kuaizhao.models import Headers

_CLUEWEB_DATE = re.compile(r"^(\d{4})-\d{2}-(\d{3})(T.*)$")


class RecordError(ValueError):
    """A record's bytes cannot be parsed; the message says how."""


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    record_type: str
    warc_headers: Headers
    http_protocol: str
    http_statusline: str  # "200 OK" for responses, "GET /path" for requests
    http_headers: Headers
    raw_payload: bytes
    digest_problems: tuple[str, ...]

    def warc(self, name: str) -> str | None:
        return header_value(self.warc_headers, name)

    @property
    def has_http(self) -> bool:
        return bool(self.http_protocol or self.http_statusline)


def parse_date(text: str | None) -> datetime:
    """WARC-Date (any W3C-DTF precision, or an ARC 14-digit stamp) as an aware datetime."""
    if not text:
        raise RecordError("record has no WARC-Date")
    text = text.strip()
    quirk = _CLUEWEB_DATE.match(text)
    if quirk:
        # ClueWeb09 wrote the day of the year where the day of the month belongs.
        year, day_of_year, rest = quirk.groups()
        first = datetime(int(year), 1, 1) + timedelta(days=int(day_of_year) - 1)
        text = f"{first:%Y-%m-%d}{rest}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = iso_date_to_datetime(text)
        except (ValueError, IndexError) as exc:
            raise RecordError(f"WARC-Date {text!r} is not a date: {exc}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def _header_end(data: bytes) -> int:
    """Where a WARC record's block starts: after the first blank line, in bytes.

    warcio's `total_len` counts the decoded header's characters, which is short by one
    for each extra byte of a UTF-8 character (an IRI in WARC-Target-URI).
    """
    ends = [i + len(sep) for sep in (b"\r\n\r\n", b"\n\n")
            if (i := data.find(sep, 0, MAX_HEADER)) >= 0]
    if not ends:
        raise RecordError(f"record header has no end within its first {MAX_HEADER} bytes "
                          "(an endless header line, or not a WARC record)")
    return min(ends)


def parse_record(data: bytes, known_format: str | None = None, missing: int = 0) -> ParsedRecord:
    """Parse one whole record; RecordError when it is malformed or not all there.

    `missing` is how many bytes an ARC record lacks at the end of its file (-1: any
    number, for re-reading a record import accepted): such a record is kept when its
    HTTP body is whole by its own Content-Length.
    """
    block_start = _header_end(data) if data.startswith(b"WARC/") else 0
    stream = BytesIO(data)
    loader = ArcWarcRecordLoader(verify_http=False, arc2warc=True)
    try:
        record = loader.parse_record_stream(stream, known_format=known_format)
        raw_payload = record.raw_stream.read()
    except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, ValueError) as exc:
        detail = str(exc).strip() or type(exc).__name__
        raise RecordError(f"cannot parse record: {detail}") from None
    declared = record.length
    if declared is None:
        raise RecordError("record header has no Content-Length")
    short = getattr(record.raw_stream, "limit", 0)
    accepted = missing in (short, -1) and _http_body_whole(record.http_headers, raw_payload)
    if short and not accepted:
        raise RecordError(
            f"record block is {short} bytes shorter than its Content-Length {declared} "
            "(truncated, or Content-Length is wrong)"
        )
    stray = stream.read()
    if stray.strip(b"\r\n"):
        raise RecordError(
            f"{len(stray)} bytes follow the record block: Content-Length {declared} is too "
            "small, or several records share one gzip member (fix with `warcio recompress`)"
        )
    http = record.http_headers
    warc_headers: Headers = tuple((str(k), str(v)) for k, v in record.rec_headers.headers)
    http_headers: Headers = tuple((str(k), str(v)) for k, v in http.headers) if http else ()
    parsed = ParsedRecord(
        record_type=str(record.rec_type or ""),
        warc_headers=warc_headers,
        http_protocol=str(http.protocol) if http else "",
        http_statusline=str(http.statusline) if http else "",
        http_headers=http_headers,
        raw_payload=raw_payload,
        digest_problems=(),
    )
    if record.format != "warc" or known_format == "arc":
        return parsed  # ARC records carry no digests
    block = data[block_start : block_start + declared]
    problems = _digest_problems(parsed, block)
    if problems:
        return ParsedRecord(parsed.record_type, parsed.warc_headers, parsed.http_protocol,
                            parsed.http_statusline, parsed.http_headers, parsed.raw_payload,
                            problems)
    return parsed


def _http_body_whole(http: StatusAndHeaders | None, payload: bytes) -> bool:
    length = http.get_header("Content-Length") if http else None
    if not (length and length.strip().isdigit()):
        return False
    # The newline that ends an ARC record is read as part of a short record's payload.
    return int(length) == len(payload.removesuffix(b"\n").removesuffix(b"\r"))


def _digest_problems(record: ParsedRecord, block: bytes) -> tuple[str, ...]:
    problems: list[str] = []
    block_digest = record.warc("WARC-Block-Digest")
    if block_digest and digest_matches(block_digest, block) is False:
        problems.append(f"WARC-Block-Digest {block_digest} does not match the record block")
    payload_digest = record.warc("WARC-Payload-Digest")
    # A revisit's payload digest is the original's; segments hold part of a payload.
    if (
        payload_digest
        and record.record_type != "revisit"
        and record.warc("WARC-Segment-Number") is None
        and digest_matches(payload_digest, record.raw_payload) is False
        and not _matches_dechunked(payload_digest, record)
    ):
        problems.append(f"WARC-Payload-Digest {payload_digest} does not match the payload")
    return tuple(problems)


def _matches_dechunked(declared: str, record: ParsedRecord) -> bool:
    # The WARC spec takes the payload digest after transfer-encoding is removed; many
    # tools take it of the chunked bytes. Accept either.
    if "chunked" not in (header_value(record.http_headers, "transfer-encoding") or "").lower():
        return False
    try:
        return digest_matches(declared, dechunk(record.raw_payload)) is True
    except ValueError:
        return False
