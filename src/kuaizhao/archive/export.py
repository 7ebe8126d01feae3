"""Writing a new WARC file from records already in the archive, for export.

Records from WARC/1.0 and 1.1 files are copied unchanged (headers, ids, digests), each
in its own gzip member, so `warcio check` verifies the same digests the original
writer computed. Records of ARC files and pre-1.0 WARC drafts, which current tools
do not read, are rewritten as WARC/1.1 response records with fresh digests and the
same record id, target URI and date. The file opens with its own warcinfo record, and
every record's `WARC-Warcinfo-ID` names it: the crawler's warcinfo records stay in
the crawler's files, so a copied id would point nowhere. The id is a named field, not
part of the block, so the digests stay valid.
"""

from __future__ import annotations

import gzip
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from kuaizhao.archive.cdxj import CdxjRecord
from kuaizhao.archive.digest import payload_digest, sha1_digest
from kuaizhao.archive.reader import read_record_bytes, read_response
from kuaizhao.archive.records import (
    RESPONSE_TYPE,
    WarcRecord,
    angle_record_id,
    build_warcinfo,
    warc_date,
)
from kuaizhao.archive.storage import WarcStorage
from kuaizhao.archive.writer import encode_member
from kuaizhao.errors import ArchiveError
from kuaizhao.models import WarcPointer

_CURRENT = (b"WARC/1.0\r\n", b"WARC/1.1\r\n")
_WARCINFO_FIELD = re.compile(rb"\r\nWARC-Warcinfo-ID:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*", re.I)


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One capture to copy: its records, and what its index line says."""

    url: str
    captured_at: datetime
    status: int
    content_type: str | None
    payload_digest: str
    is_revisit: bool
    response: WarcPointer
    request: WarcPointer | None


class ExportWarc:
    """A new .warc.gz file that captures are copied into; returns their index records."""

    def __init__(self, path: Path, source_dir: Path | WarcStorage,
                 software: str = "kuaizhao/0.1") -> None:
        self.path = path
        self._source_dir = source_dir
        try:
            self._handle = path.open("xb")
        except OSError as exc:
            raise ArchiveError(f"cannot create {path}: {exc}; choose a new file name in a "
                               "writable directory") from exc
        self._size = 0
        self.records = 0
        warcinfo = build_warcinfo(path.name, software, datetime.now(UTC))
        self.warcinfo_id = warcinfo.record_id
        self._append(encode_member(warcinfo, True))

    def __enter__(self) -> ExportWarc:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def add(self, item: ExportItem) -> CdxjRecord:
        offset = self._size
        data = read_record_bytes(self._source_dir, item.response)
        if data.startswith(_CURRENT):
            self._append(_gzip(with_warcinfo_id(data, self.warcinfo_id)))
        else:
            self._append(encode_member(
                _rewritten(self._source_dir, item.response, self.warcinfo_id), True))
        length = self._size - offset
        if item.request is not None:
            request = read_record_bytes(self._source_dir, item.request)
            if request.startswith(_CURRENT):  # an old draft's request is left out
                self._append(_gzip(with_warcinfo_id(request, self.warcinfo_id)))
        return CdxjRecord(
            url=item.url, captured_at=item.captured_at, filename=self.path.name, offset=offset,
            length=length, status=item.status,
            mime=(item.content_type or "").split(";")[0].strip().lower(),
            digest=item.payload_digest, record_type="revisit" if item.is_revisit else "response",
        )

    def close(self) -> None:
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()

    def _append(self, data: bytes) -> None:
        self._handle.write(data)
        self._size += len(data)
        self.records += 1



def with_warcinfo_id(record: bytes, warcinfo_id: str) -> bytes:
    """`record` (a whole WARC record) with its `WARC-Warcinfo-ID` set to `warcinfo_id`:
    any it had is dropped and the new one ends the named fields."""
    end = record.find(b"\r\n\r\n")
    if end < 0:
        raise ArchiveError("a WARC record to export has no end of headers; the source file "
                           "is damaged: `warcio check` on it shows where")
    head = _WARCINFO_FIELD.sub(b"", record[:end])
    return head + b"\r\nWARC-Warcinfo-ID: " + warcinfo_id.encode("ascii") + record[end:]


def _gzip(data: bytes) -> bytes:
    # Level 6 and mtime 0, as the archive writer: deterministic members.
    return gzip.compress(data, compresslevel=6, mtime=0)


def _rewritten(directory: Path | WarcStorage, pointer: WarcPointer,
               warcinfo_id: str) -> WarcRecord:
    """An ARC or WARC/0.x response as a WARC/1.1 response record (same id, URI, date)."""
    stored = read_response(directory, pointer, verify_digests=False)
    if stored.status is None:
        raise ArchiveError(f"{pointer.filename} at offset {pointer.offset} holds no HTTP "
                           "response and cannot be exported")
    head = f"HTTP/1.1 {stored.status} {stored.reason}\r\n".encode("utf-8", "surrogateescape")
    for name, value in stored.http_headers:
        head += f"{name}: {value}\r\n".encode("utf-8", "surrogateescape")
    block = head + b"\r\n" + stored.raw_payload
    record_id = angle_record_id(stored.record_id)
    headers = (
        ("WARC-Type", "response"),
        ("WARC-Record-ID", record_id),
        ("WARC-Date", warc_date(stored.date)),
        ("WARC-Target-URI", stored.target_uri.strip("<>")),
        ("WARC-Warcinfo-ID", warcinfo_id),
        ("WARC-Payload-Digest", payload_digest(stored.raw_payload)),
        ("Content-Type", RESPONSE_TYPE),
        ("WARC-Block-Digest", sha1_digest(block)),
        ("Content-Length", str(len(block))),
    )
    return WarcRecord(record_id, "response", headers, block)
