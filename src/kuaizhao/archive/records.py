"""Building WARC/1.1 records from an `HttpExchange`: pure, no I/O.

Building is kept apart from writing (as in warcio) so the writer only has to compress
and append bytes, and so record contents are testable without files.

Choices made here, each documented because readers of the archive depend on them:

* The HTTP response block is the status line, the headers and `raw_body` exactly as
  received (content-encoding kept). The fetcher hands us a body with transfer-encoding
  already removed, so a `Transfer-Encoding` header is renamed to
  `X-Crawler-Transfer-Encoding`: readers then take the body as it stands instead of
  de-chunking it a second time. No Content-Length is invented; the WARC record's own
  Content-Length delimits the body.
* Header values are written as UTF-8 (with surrogate escapes turned back into the
  original bytes), the inverse of how aiohttp and warcio decode them.
* HTTP versions other than 1.0 and 1.1 are written as HTTP/1.1, the only versions WARC
  readers parse.
* An unchanged re-fetch (payload digest equal to the earlier capture's) becomes a
  `revisit` record with the identical-payload-digest profile and HTTP headers only.
* A 304 Not Modified with a known earlier capture becomes a `revisit` with the
  server-not-modified profile, referring to that capture and carrying its payload
  digest (the content the 304 vouches for). A 304 without a known earlier capture is an
  ordinary `response` record: there is nothing to refer to.
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from kuaizhao.archive.digest import normalize_digest, payload_digest, sha1_digest
from kuaizhao.errors import ArchiveError
from kuaizhao.models import Headers, HttpExchange

WARC_VERSION = "WARC/1.1"
RESPONSE_TYPE = "application/http;msgtype=response"
REQUEST_TYPE = "application/http;msgtype=request"
WARC_FIELDS_TYPE = "application/warc-fields"
PROFILE_IDENTICAL = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
PROFILE_NOT_MODIFIED = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
#: Headers describing how the body crossed the wire, which no longer holds for the
#: stored body; renamed rather than dropped so nothing the server said is lost.
RENAMED_HEADERS = {"transfer-encoding": "X-Crawler-Transfer-Encoding"}
_LINE_BREAKS = str.maketrans({"\r": " ", "\n": " "})
_FIELD_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class RevisitOf:
    """The earlier capture an unchanged re-fetch refers to."""

    record_id: str
    url: str
    date: datetime
    payload_digest: str


@dataclass(frozen=True, slots=True)
class WarcRecord:
    """One record ready to be written: named fields (Content-Length included) and block."""

    record_id: str
    record_type: str
    headers: Headers
    block: bytes

    def to_bytes(self) -> bytes:
        head = [WARC_VERSION, *(f"{name}: {value}" for name, value in self.headers)]
        return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + self.block + b"\r\n\r\n"


class RecordKind(enum.StrEnum):
    RESPONSE = "response"
    REVISIT_IDENTICAL = "revisit-identical"
    REVISIT_NOT_MODIFIED = "revisit-not-modified"


@dataclass(frozen=True, slots=True)
class CaptureRecords:
    """The records one exchange becomes, and what the database needs to know of them."""

    response: WarcRecord  # a response or revisit record
    request: WarcRecord
    payload_digest: str
    kind: RecordKind


def choose_record_kind(status: int, digest: str, revisit_of: RevisitOf | None) -> RecordKind:
    """Whether an exchange is stored in full or as a revisit of `revisit_of`."""
    if revisit_of is None:
        return RecordKind.RESPONSE
    if status == 304:
        return RecordKind.REVISIT_NOT_MODIFIED
    if normalize_digest(digest) == normalize_digest(revisit_of.payload_digest):
        return RecordKind.REVISIT_IDENTICAL
    return RecordKind.RESPONSE


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def angle_record_id(record_id: str) -> str:
    """Record ids as WARC headers carry them, `<urn:...>`, whichever way they were given."""
    record_id = record_id.strip()
    return record_id if record_id.startswith("<") else f"<{record_id}>"


def warc_date(moment: datetime) -> str:
    """W3C-DTF in UTC, with microseconds when there are any (WARC/1.1 allows them)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ArchiveError(
            f"time {moment.isoformat()} has no time zone; pass timezone-aware datetimes "
            "(kuaizhao always uses them) so WARC-Date is unambiguous"
        )
    utc = moment.astimezone(UTC)
    fraction = f".{utc.microsecond:06d}" if utc.microsecond else ""
    return utc.strftime("%Y-%m-%dT%H:%M:%S") + fraction + "Z"


def _field_bytes(text: str) -> bytes:
    return text.translate(_LINE_BREAKS).encode("utf-8", "surrogateescape")


def _header_lines(headers: Headers) -> bytes:
    out = bytearray()
    for name, value in headers:
        stored_name = RENAMED_HEADERS.get(name.strip().lower(), name)
        out += _field_bytes(stored_name) + b": " + _field_bytes(value) + b"\r\n"
    return bytes(out)


def _http_version(version: str) -> str:
    return f"HTTP/{version}" if version in ("1.0", "1.1") else "HTTP/1.1"


def response_head(exchange: HttpExchange) -> bytes:
    """Status line and headers of the response, as stored (see the module docstring)."""
    status_line = f"{_http_version(exchange.http_version)} {exchange.status} {exchange.reason}"
    return _field_bytes(status_line) + b"\r\n" + _header_lines(exchange.response_headers) + b"\r\n"


def request_head(exchange: HttpExchange) -> bytes:
    """Request line and headers; Host is added from the URL when the client sent it implicitly."""
    parts = urlsplit(exchange.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = exchange.request_headers
    if not any(name.lower() == "host" for name, _ in headers):
        host = parts.netloc.rpartition("@")[2]
        headers = (("Host", host), *headers)
    request_line = f"{exchange.method} {target} {_http_version(exchange.http_version)}"
    return _field_bytes(request_line) + b"\r\n" + _header_lines(headers) + b"\r\n"


def _target_uri(url: str) -> str:
    # A WARC header value cannot hold whitespace or line breaks; everything else,
    # including UTF-8 (allowed by WARC/1.1), is kept as the fetcher gave it.
    return "".join(f"%{ord(ch):02X}" if ch.isspace() or ord(ch) < 0x20 else ch for ch in url)


def _record(
    record_type: str,
    fields: list[tuple[str, str]],
    content_type: str,
    block: bytes,
    record_id: str,
) -> WarcRecord:
    headers: list[tuple[str, str]] = [
        ("WARC-Type", record_type),
        ("WARC-Record-ID", record_id),
        *fields,
        ("Content-Type", content_type),
        ("WARC-Block-Digest", sha1_digest(block)),
        ("Content-Length", str(len(block))),
    ]
    return WarcRecord(record_id, record_type, tuple(headers), block)


def build_warcinfo(filename: str, software: str, created: datetime) -> WarcRecord:
    """The record that opens every file, saying what wrote it and to which format."""
    info = (
        f"software: {software}\r\n"
        f"format: WARC File Format 1.1\r\n"
        f"conformsTo: {CONFORMS_TO}\r\n"
    ).encode()
    fields = [("WARC-Date", warc_date(created)), ("WARC-Filename", filename)]
    return _record("warcinfo", fields, WARC_FIELDS_TYPE, info, new_record_id())


def _common_fields(exchange: HttpExchange, warcinfo_id: str | None) -> list[tuple[str, str]]:
    fields = [
        ("WARC-Date", warc_date(exchange.fetched_at)),
        ("WARC-Target-URI", _target_uri(exchange.url)),
    ]
    if exchange.ip_address:
        fields.append(("WARC-IP-Address", exchange.ip_address))
    if warcinfo_id:
        fields.append(("WARC-Warcinfo-ID", warcinfo_id))
    return fields


def _extra_fields(warc_fields: Headers) -> list[tuple[str, str]]:
    """Caller-defined named fields (e.g. how the link was found), kept clear of WARC's own."""
    out = []
    for name, value in warc_fields:
        if not _FIELD_NAME.match(name) or name.lower().startswith("warc-") or name.lower() in (
            "content-type", "content-length"):
            raise ArchiveError(
                f"extra WARC field name {name!r} is not allowed: use a token such as "
                "'Kuaizhao-Link-Kind' that is not a WARC-* or Content-* field"
            )
        out.append((name, value.translate(_LINE_BREAKS)))
    return out


def build_capture(
    exchange: HttpExchange,
    revisit_of: RevisitOf | None = None,
    warcinfo_id: str | None = None,
    warc_fields: Headers = (),
) -> CaptureRecords:
    """The response (or revisit) record and the request record for one exchange.

    `warc_fields` are extra named fields for the response/revisit record, for facts
    `kuaizhao reindex` must recover from the WARC alone.
    """
    digest = payload_digest(exchange.raw_body)
    kind = choose_record_kind(exchange.status, digest, revisit_of)
    fields = _common_fields(exchange, warcinfo_id) + _extra_fields(warc_fields)
    head = response_head(exchange)
    record_id = new_record_id()
    if kind is RecordKind.RESPONSE or revisit_of is None:
        fields.append(("WARC-Payload-Digest", digest))
        response = _record("response", fields, RESPONSE_TYPE, head + exchange.raw_body, record_id)
    else:
        identical = kind is RecordKind.REVISIT_IDENTICAL
        profile = PROFILE_IDENTICAL if identical else PROFILE_NOT_MODIFIED
        # For a 304 the digest recorded is the original's: the content the 304 vouches for.
        digest = revisit_of.payload_digest
        fields += [
            ("WARC-Profile", profile),
            ("WARC-Refers-To", angle_record_id(revisit_of.record_id)),
            ("WARC-Refers-To-Target-URI", _target_uri(revisit_of.url)),
            ("WARC-Refers-To-Date", warc_date(revisit_of.date)),
            ("WARC-Payload-Digest", digest),
        ]
        response = _record("revisit", fields, RESPONSE_TYPE, head, record_id)
    request_fields = [*_common_fields(exchange, warcinfo_id), ("WARC-Concurrent-To", record_id)]
    request = _record("request", request_fields, REQUEST_TYPE, request_head(exchange),
                      new_record_id())
    return CaptureRecords(response=response, request=request, payload_digest=digest, kind=kind)
