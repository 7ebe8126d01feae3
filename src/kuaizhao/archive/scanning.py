"""Cutting a WARC or ARC file into its records' bytes, noting damaged stretches.

Compressed files are split into gzip members (one record each, as WARC readers
require); uncompressed files by each record's Content-Length (WARC) or length field
(ARC). A bad stretch is reported once as a `DamagedRecord` and skipped up to the next
place a record starts; a file that stops inside a record (a torn write) ends with one
`DamagedRecord` for its tail. Each record is held in memory while it is handed out, so
no record is read past `max_record` bytes (decompressed): a larger one, a gzip bomb or
an endless header line is reported and skipped, and memory stays bounded whatever the
file holds.
"""

from __future__ import annotations

import mmap
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kuaizhao.archive.entries import DAMAGED, TOO_LARGE, WARNING, DamagedRecord
from kuaizhao.archive.payload import MAX_RECORD

GZIP_MAGIC = b"\x1f\x8b\x08"
_CHUNK = 1 << 16
MAX_HEADER = 1 << 16  # WARC named fields longer than this are not a record start
_RELEASE_EVERY = 32 << 20  # unmap pages already scanned in steps of this many bytes
_WARC_START = re.compile(rb"(?:^|\n)WARC/[01]\.\d+\r?\n")
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$")
_TORN = "the file ends inside this record (a torn write or truncated copy)"
_STRAY = 16  # bytes of junk between a record and the next that are skipped, not fatal


@dataclass(frozen=True, slots=True)
class RawRecord:
    offset: int
    length: int  # bytes in the file, compressed if `compressed`
    data: bytes  # the record, decompressed
    compressed: bool
    missing: int = 0  # bytes the record's length field promises past the end of the file


@dataclass(frozen=True, slots=True)
class _Member:
    data: bytes
    length: int
    complete: bool
    error: str | None = None
    too_large: bool = False


def too_large(limit: int) -> str:
    return (f"record is larger than {limit} bytes decompressed (max_record_bytes); "
            "raise the setting if the file is trusted")


def inflate_member(buffer: bytes | mmap.mmap, offset: int, end: int,
                   limit: int = MAX_RECORD) -> _Member:
    """Decompress the gzip member starting at `offset`, reading no further than `end`.

    Output past `limit` bytes is refused (a gzip bomb inflates a thousandfold).
    """
    if buffer[offset : offset + 3] != GZIP_MAGIC:
        return _Member(b"", 0, False, "no gzip member starts here")
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    pos = offset
    size = 0
    while pos < end:
        chunk = buffer[pos : min(pos + _CHUNK, end)]
        try:
            part = decompressor.decompress(chunk, limit + 1 - size)
        except zlib.error as exc:
            return _Member(b"", pos - offset, False, f"bad gzip data: {exc}")
        parts.append(part)
        size += len(part)
        if size > limit:
            return _Member(b"", pos - offset, False, too_large(limit), too_large=True)
        if decompressor.eof:
            used = len(chunk) - len(decompressor.unused_data)
            return _Member(b"".join(parts), pos + used - offset, True)
        pos += len(chunk)
    return _Member(b"".join(parts), end - offset, False)


def scan_records(path: Path, filename: str, limit: int = MAX_RECORD,
                 start: int = 0) -> Iterator[RawRecord | DamagedRecord]:
    """Every record's bytes in file order, with damaged stretches in between.

    `start`, when given, is where a record starts (the end of one already read).
    """
    with path.open("rb") as handle:
        size = path.stat().st_size
        if size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
            if buffer[:2] == GZIP_MAGIC[:2]:
                records = _scan_gzip(buffer, size, filename, limit, start)
            elif buffer[:5] == b"WARC/":
                records = _scan_plain_warc(buffer, size, filename, limit, start)
            else:
                records = _scan_plain_arc(buffer, size, filename, limit, start)
            yield from _releasing(buffer, records)


def _releasing(buffer: mmap.mmap, records: Iterator[RawRecord | DamagedRecord]
               ) -> Iterator[RawRecord | DamagedRecord]:
    """Pass records on, unmapping the pages behind them as the scan moves forward.

    Pages of a file mapping that were read stay in the process's resident set until
    unmapped; without this, reading a multi-GB file would grow memory to its size.
    The kernel keeps them in the page cache, so nothing is read twice.
    """
    released = 0
    for item in records:
        done = item.offset - item.offset % mmap.PAGESIZE
        if done - released >= _RELEASE_EVERY and hasattr(buffer, "madvise"):
            buffer.madvise(mmap.MADV_DONTNEED, 0, done)
            released = done
        yield item


def _scan_gzip(buffer: mmap.mmap, size: int, filename: str,
               limit: int, start: int) -> Iterator[RawRecord | DamagedRecord]:
    offset = start
    while offset < size:
        member = inflate_member(buffer, offset, size, limit)
        if member.complete:
            yield RawRecord(offset, member.length, member.data, True)
            offset += member.length
            continue
        if member.error is None:
            yield DamagedRecord(filename, offset, size - offset, f"gzip member cut off: {_TORN}")
            return
        if _only_padding(buffer, offset, size):
            yield DamagedRecord(filename, offset, size - offset,
                                "padding (zero bytes or blank lines) after the last record")
            return
        kind = TOO_LARGE if member.too_large else DAMAGED
        found = _next_good_member(buffer, offset + 1, size, limit)
        if found is None:
            yield DamagedRecord(filename, offset, size - offset,
                                f"{member.error}; no readable gzip member follows", kind)
            return
        yield DamagedRecord(filename, offset, found - offset,
                            f"{member.error}; skipped to the next readable gzip member", kind)
        offset = found


def _only_padding(buffer: mmap.mmap, start: int, size: int) -> bool:
    """Whether nothing but zero bytes and blank lines follows `start` (read in chunks:
    the rest of a file can be gigabytes)."""
    return all(not buffer[pos : min(pos + _CHUNK, size)].strip(b"\0\r\n\t ")
               for pos in range(start, size, _CHUNK))


def _next_good_member(buffer: mmap.mmap, start: int, size: int, limit: int) -> int | None:
    """Offset of the next gzip member that decompresses completely, if any."""
    while True:
        candidate = buffer.find(GZIP_MAGIC, start, size)
        if candidate < 0:
            return None
        if inflate_member(buffer, candidate, size, limit).complete:
            return candidate
        start = candidate + 1


def _skip_blank(buffer: mmap.mmap, pos: int, size: int) -> int:
    while pos < size and buffer[pos : pos + 1] in (b"\r", b"\n"):
        pos += 1
    return pos


def _next_warc_start(buffer: mmap.mmap, start: int, size: int) -> int | None:
    match = _WARC_START.search(buffer, start, size)
    if match is None:
        return None
    return match.start() + (1 if buffer[match.start() : match.start() + 1] == b"\n" else 0)


def _stray_end(buffer: mmap.mmap, block_end: int, size: int) -> int | None:
    """Where the next record starts when only a few blank or zero bytes precede it.

    Some writers leave such bytes (warcio's example-trunc.warc); the record before
    them is whole, so it is kept and the bytes are reported.
    """
    stray = buffer[block_end : block_end + _STRAY]
    start = stray.find(b"WARC/")
    if start < 0 or stray[:start].strip(b"\0\r\n\t "):
        return None
    return block_end + start


def _scan_plain_warc(
    buffer: mmap.mmap, size: int, filename: str, limit: int, start: int
) -> Iterator[RawRecord | DamagedRecord]:
    pos = _skip_blank(buffer, start, size)
    while pos < size:
        header_end = buffer.find(b"\r\n\r\n", pos, min(size, pos + MAX_HEADER))
        problem: str | None = None
        if buffer[pos : pos + 5] != b"WARC/":
            problem = "no WARC record starts here (Content-Length of the one before is wrong?)"
        elif header_end < 0:
            if size - pos < MAX_HEADER:
                yield DamagedRecord(filename, pos, size - pos, f"record header cut off: {_TORN}")
                return
            problem = "record header has no end"
        else:
            declared = _CONTENT_LENGTH.search(buffer, pos, header_end + 2)
            if declared is None:
                problem = "record header has no valid Content-Length"
            else:
                block_end = header_end + 4 + int(declared.group(1))
                if block_end > size:
                    yield DamagedRecord(filename, pos, size - pos, f"record block cut off: {_TORN}")
                    return
                trailer = buffer[block_end : block_end + 4]
                stray = _stray_end(buffer, block_end, size)
                if block_end - pos > limit:
                    yield DamagedRecord(filename, pos, block_end - pos, too_large(limit),
                                        TOO_LARGE)
                    pos = _skip_blank(buffer, block_end, size)
                    continue
                if trailer == b"\r\n\r\n" or block_end == size:
                    end = block_end + len(trailer)
                    yield RawRecord(pos, end - pos, buffer[pos:end], False)
                    pos = _skip_blank(buffer, end, size)
                    continue
                if stray is not None:
                    yield RawRecord(pos, block_end - pos, buffer[pos:block_end], False)
                    yield DamagedRecord(filename, block_end, stray - block_end,
                                        f"{stray - block_end} stray bytes instead of the blank "
                                        "line after the record; the record is kept", WARNING)
                    pos = stray
                    continue
                problem = "record is not followed by a blank line: its Content-Length is wrong"
        found = _next_warc_start(buffer, pos + 1, size)
        yield DamagedRecord(filename, pos, (found or size) - pos,
                            problem + ("; skipped to the next record" if found else ""))
        if found is None:
            return
        pos = found


def _scan_plain_arc(
    buffer: mmap.mmap, size: int, filename: str, limit: int, start: int
) -> Iterator[RawRecord | DamagedRecord]:
    # ARC is read for importing old crawls only; damage ends the file instead of resyncing.
    pos = _skip_blank(buffer, start, size)
    while pos < size:
        line_end = buffer.find(b"\n", pos, min(size, pos + MAX_HEADER))
        if line_end < 0:
            yield DamagedRecord(filename, pos, size - pos, f"ARC header line cut off: {_TORN}")
            return
        fields = buffer[pos:line_end].rstrip(b"\r").rsplit(b" ", 4)
        if len(fields) != 5 or not fields[4].isdigit():
            yield DamagedRecord(filename, pos, size - pos,
                                "not an ARC record header line (URL IP DATE TYPE LENGTH); "
                                "is this a WARC or ARC file?")
            return
        end = line_end + 1 + int(fields[4])
        if end - pos > limit:
            yield DamagedRecord(filename, pos, min(end, size) - pos, too_large(limit), TOO_LARGE)
            pos = _skip_blank(buffer, end, size)
            continue
        if end > size:
            # The parser keeps it if its HTTP body is whole (some ARC writers miscounted).
            yield RawRecord(pos, size - pos, buffer[pos:size], False, missing=end - size)
            return
        yield RawRecord(pos, end - pos, buffer[pos:end], False)
        pos = _skip_blank(buffer, end, size)
