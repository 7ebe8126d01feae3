"""What reading the archive yields: stored responses, and damage found on the way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kuaizhao.archive.payload import header_value
from kuaizhao.errors import CorruptRecord
from kuaizhao.models import Headers, WarcPointer


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response or revisit record read back from a WARC file.

    `raw_payload` is the entity body as stored (content-encoding kept); `payload` has
    chunking and content-encoding undone, or equals `raw_payload` with `decode_error`
    saying why not. A revisit holds no body: both are empty and the content is that
    of the record `refers_to` names.
    """

    pointer: WarcPointer
    record_type: str  # "response" or "revisit"
    record_id: str
    target_uri: str
    date: datetime
    warc_headers: Headers
    status: int | None  # None when the record holds no HTTP message (e.g. dns:, bare revisit)
    reason: str
    http_headers: Headers
    raw_payload: bytes
    payload: bytes
    payload_digest: str | None
    refers_to: str | None = None
    refers_to_uri: str | None = None
    refers_to_date: datetime | None = None
    profile: str | None = None
    ip_address: str | None = None
    decode_error: str | None = None
    digest_problems: tuple[str, ...] = ()  # which declared digests did not match

    @property
    def is_revisit(self) -> bool:
        return self.record_type == "revisit"

    def header(self, name: str) -> str | None:
        """An HTTP response header, matched case-insensitively."""
        return header_value(self.http_headers, name)

    def warc_header(self, name: str) -> str | None:
        return header_value(self.warc_headers, name)


@dataclass(frozen=True, slots=True)
class WarcEntry(StoredResponse):
    """A stored response as `iter_warc` finds it, with its request record when paired."""

    request: WarcPointer | None = None
    request_method: str | None = None
    request_headers: Headers = ()


DAMAGED = "damaged"  # bytes that form no readable record
TOO_LARGE = "too-large"  # a record past the size limit, skipped unread
INCOMPLETE = "incomplete"  # a segmented record some of whose segments are missing
WARNING = "warning"  # odd bytes next to a record that was kept


@dataclass(frozen=True, slots=True)
class DamagedRecord:
    """Bytes of a WARC file that do not form a readable record, and why.

    `length` is how many bytes were skipped; iteration goes on after them when a later
    record can be found, and ends when the damage is a torn tail. `kind` is one of
    the constants above; a WARNING loses no record.
    """

    filename: str
    offset: int
    length: int
    reason: str
    kind: str = DAMAGED

    def to_error(self) -> CorruptRecord:
        return CorruptRecord(self.filename, self.offset, self.reason)
