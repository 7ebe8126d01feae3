"""Cutting a WARC or ARC file into its records' bytes, noting damaged stretches.

Compressed files are split into gzip members (one record each, as WARC readers
require); uncompressed files by each record's Content-Length (WARC) or length field
(ARC). A bad stretch is reported once as a `DamagedRecord` and skipped up to the next
place a record starts; a file that stops inside a record (a torn write) ends with one
`DamagedRecord` for its tail. Each record is held in memory while it is handed out.
"""

from __future__ import annotations

import mmap
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kuaizhao.archive.entries import DamagedRecord

GZIP_MAGIC = b"\x1f\x8b\x08"
_CHUNK = 1 << 16
_MAX_HEADER = 1 << 16  # WARC named fields longer than this are not a record start
_RELEASE_EVERY = 32 << 20  # unmap pages already scanned in steps of this many bytes
_WARC_START = re.compile(rb"(?:^|\n)WARC/[01]\.\d+\r?\n")
_CONTENT_LENGTH = re.compile(rb"(?im)^content-length[ \t]*:[ \t]*(\d+)[ \t]*\r?$")
_TORN = "the file ends inside this record (a torn write or truncated copy)"


@dataclass(frozen=True, slots=True)
class RawRecord:
    offset: int
    length: int  # bytes in the file, compressed if `compressed`
    data: bytes  # the record, decompressed
    compressed: bool


@dataclass(frozen=True, slots=True)
class _Member:
    data: bytes
    length: int
    complete: bool
    error: str | None = None


def inflate_member(buffer: bytes | mmap.mmap, offset: int, end: int) -> _Member:
    """Decompress the gzip member starting at `offset`, reading no further than `end`."""
    if buffer[offset : offset + 3] != GZIP_MAGIC:
        return _Member(b"", 0, False, "no gzip member starts here")
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    pos = offset
    while pos < end:
        chunk = buffer[pos : min(pos + _CHUNK, end)]
        try:
            parts.append(decompressor.decompress(chunk))
        except zlib.error as exc:
            return _Member(b"", pos - offset, False, f"bad gzip data: {exc}")
        if decompressor.eof:
            used = len(chunk) - len(decompressor.unused_data)
            return _Member(b"".join(parts), pos + used - offset, True)
        pos += len(chunk)
    return _Member(b"".join(parts), end - offset, False)


def scan_records(path: Path, filename: str) -> Iterator[RawRecord | DamagedRecord]:
    """Every record's bytes in file order, with damaged stretches in between."""
    with path.open("rb") as handle:
        size = path.stat().st_size
        if size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
            if buffer[:2] == GZIP_MAGIC[:2]:
                records = _scan_gzip(buffer, size, filename)
            elif buffer[:5] == b"WARC/":
                records = _scan_plain_warc(buffer, size, filename)
            else:
                records = _scan_plain_arc(buffer, size, filename)
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


def _scan_gzip(buffer: mmap.mmap, size: int, filename: str) -> Iterator[RawRecord | DamagedRecord]:
    offset = 0
    while offset < size:
        member = inflate_member(buffer, offset, size)
        if member.complete:
            yield RawRecord(offset, member.length, member.data, True)
            offset += member.length
            continue
        if member.error is None:
            yield DamagedRecord(filename, offset, size - offset, f"gzip member cut off: {_TORN}")
            return
        if not buffer[offset:size].strip(b"\0\r\n\t "):
            yield DamagedRecord(filename, offset, size - offset,
                                "padding (zero bytes or blank lines) after the last record")
            return
        found = _next_good_member(buffer, offset + 1, size)
        if found is None:
            yield DamagedRecord(filename, offset, size - offset,
                                f"{member.error}; no readable gzip member follows")
            return
        yield DamagedRecord(filename, offset, found - offset,
                            f"{member.error}; skipped to the next readable gzip member")
        offset = found


def _next_good_member(buffer: mmap.mmap, start: int, size: int) -> int | None:
    """Offset of the next gzip member that decompresses completely, if any."""
    while True:
        candidate = buffer.find(GZIP_MAGIC, start, size)
        if candidate < 0:
            return None
        if inflate_member(buffer, candidate, size).complete:
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


def _scan_plain_warc(
    buffer: mmap.mmap, size: int, filename: str
) -> Iterator[RawRecord | DamagedRecord]:
    pos = _skip_blank(buffer, 0, size)
    while pos < size:
        header_end = buffer.find(b"\r\n\r\n", pos, min(size, pos + _MAX_HEADER))
        problem: str | None = None
        if buffer[pos : pos + 5] != b"WARC/":
            problem = "no WARC record starts here (Content-Length of the one before is wrong?)"
        elif header_end < 0:
            if size - pos < _MAX_HEADER:
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
                if trailer == b"\r\n\r\n" or block_end == size:
                    end = block_end + len(trailer)
                    yield RawRecord(pos, end - pos, buffer[pos:end], False)
                    pos = _skip_blank(buffer, end, size)
                    continue
                problem = "record is not followed by a blank line: its Content-Length is wrong"
        found = _next_warc_start(buffer, pos + 1, size)
        yield DamagedRecord(filename, pos, (found or size) - pos,
                            problem + ("; skipped to the next record" if found else ""))
        if found is None:
            return
        pos = found


def _scan_plain_arc(
    buffer: mmap.mmap, size: int, filename: str
) -> Iterator[RawRecord | DamagedRecord]:
    # ARC is read for importing old crawls only; damage ends the file instead of resyncing.
    pos = _skip_blank(buffer, 0, size)
    while pos < size:
        line_end = buffer.find(b"\n", pos, min(size, pos + _MAX_HEADER))
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
        if end > size:
            yield DamagedRecord(filename, pos, size - pos, f"ARC record cut off: {_TORN}")
            return
        yield RawRecord(pos, end - pos, buffer[pos:end], False)
        pos = _skip_blank(buffer, end, size)
