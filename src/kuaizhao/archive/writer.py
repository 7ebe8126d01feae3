"""Appending records to WARC files, crash-safely.

Each writer session opens new files only (created exclusively, never reopened), so a
process killed mid-write can tear at most the last record of its own file; every
earlier record, and every file another session wrote, stays intact. Records are
written, flushed and (by option) fsynced before `write_exchange` returns their
pointers, so a pointer the database commits afterwards always points at whole bytes.
Files are written under their final names so pointers stay valid; readers tolerate
a torn last record instead. A writer holds an exclusive `flock` on the file it is
writing, so other processes (`kuaizhao warc push`) can tell a finished file from one
still growing; `on_finished` hears of each file once it is closed for good.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip as gzip_module
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from kuaizhao.archive.naming import check_prefix, warc_filename
from kuaizhao.archive.records import (
    CaptureRecords,
    RecordKind,
    RevisitOf,
    WarcRecord,
    build_capture,
    build_warcinfo,
)
from kuaizhao.errors import ArchiveError
from kuaizhao.models import ArchivedExchange, Headers, HttpExchange, WarcPointer

_GZIP_LEVEL = 6  # zlib's default: close to 9 in size on HTML, several times faster
_OPEN_ATTEMPTS = 100


@dataclass(frozen=True, slots=True)
class WarcOptions:
    directory: Path
    max_file_bytes: int = 1_000_000_000  # start a new file rather than grow past this
    prefix: str = "kuaizhao"
    gzip: bool = True  # one gzip member per record (.warc.gz), so any record can be seeked to
    software: str = "kuaizhao/0.1"
    fsync: bool = True

    def __post_init__(self) -> None:
        if self.max_file_bytes <= 0:
            raise ArchiveError(
                f"max_file_bytes must be positive, got {self.max_file_bytes}; "
                "1000000000 (1 GB) is the usual WARC file size"
            )
        check_prefix(self.prefix)


def encode_member(record: WarcRecord, gzip: bool) -> bytes:
    """A record's bytes as stored: its own gzip member, or plain."""
    data = record.to_bytes()
    # mtime=0 keeps the member deterministic: the record's time is in WARC-Date.
    return gzip_module.compress(data, compresslevel=_GZIP_LEVEL, mtime=0) if gzip else data


def file_in_use(path: Path) -> bool:
    """Whether a live writer (any process) still holds `path` open for appending."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing drops the shared lock, if it was taken
    return False


class WarcWriter:
    """Writes exchanges to rotating WARC files; one writer per process, thread-safe.

    `on_finished(name)` is called with each file's relative name once it is closed
    (rotated, or the writer closed); it must not raise, and runs under the writer's lock.
    """

    def __init__(self, options: WarcOptions,
                 on_finished: Callable[[str], None] | None = None) -> None:
        self._options = options
        self._on_finished = on_finished
        self._token = secrets.token_hex(3)  # keeps machines sharing a directory apart
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._name = ""
        self._size = 0
        self._records_in_file = 0
        self._warcinfo_id: str | None = None
        self._serial = 0
        self._closed = False

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def current_file(self) -> str | None:
        """Name of the file now being written (relative to the directory), if any."""
        return self._name if self._fd is not None else None

    def write_exchange(
        self,
        exchange: HttpExchange,
        revisit_of: RevisitOf | None = None,
        warc_fields: Headers = (),
    ) -> ArchivedExchange:
        """Store one exchange as response (or revisit) + request records; return pointers.

        `warc_fields` adds named fields to the response record (see `build_capture`).
        When this returns, the bytes are on disk (fsynced if the option is on).
        """
        with self._lock:
            if self._closed:
                raise ArchiveError("this WarcWriter is closed; open a new one to write more")
            capture, members = self._prepare(exchange, revisit_of, warc_fields)
            if (
                self._fd is not None
                and self._records_in_file > 0
                and self._size + len(members[0]) + len(members[1]) > self._options.max_file_bytes
            ):
                self._close_file()
                capture, members = self._prepare(exchange, revisit_of, warc_fields)
            response_offset = self._size
            self._append(members[0] + members[1])
            self._records_in_file += 2
            response = WarcPointer(self._name, response_offset, len(members[0]))
            request = WarcPointer(self._name, response_offset + len(members[0]), len(members[1]))
            return ArchivedExchange(
                url=exchange.url,
                record_id=capture.response.record_id,
                response=response,
                request=request,
                payload_digest=capture.payload_digest,
                is_revisit=capture.kind is not RecordKind.RESPONSE,
                fetched_at=exchange.fetched_at,
                status=exchange.status,
            )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._close_file()

    # ------------------------------------------------------------------ internals

    def _prepare(
        self, exchange: HttpExchange, revisit_of: RevisitOf | None, warc_fields: Headers
    ) -> tuple[CaptureRecords, tuple[bytes, bytes]]:
        """Build the records for the current file (opening one first if needed)."""
        if self._fd is None:
            self._open_file()
        capture = build_capture(exchange, revisit_of, self._warcinfo_id, warc_fields)
        members = (encode_member(capture.response, self._options.gzip),
                   encode_member(capture.request, self._options.gzip))
        return capture, members

    def _open_file(self) -> None:
        directory = self._options.directory
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(
                f"cannot create the WARC directory {directory}: {exc}; "
                "check the path and its permissions"
            ) from exc
        for _ in range(_OPEN_ATTEMPTS):
            created = datetime.now(UTC)
            name = warc_filename(self._options.prefix, created, self._serial, os.getpid(),
                                 self._options.gzip, self._token)
            self._serial += 1
            try:
                fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                continue  # another writer in this process started a file this microsecond
            except OSError as exc:
                raise ArchiveError(
                    f"cannot create WARC file {directory / name}: {exc}; "
                    "check free space and permissions of the WARC directory"
                ) from exc
            break
        else:
            raise ArchiveError(f"could not find a free WARC file name in {directory}")
        with contextlib.suppress(OSError):  # a file system without locks still gets written
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fd, self._name, self._size, self._records_in_file = fd, name, 0, 0
        warcinfo = build_warcinfo(name, self._options.software, created)
        self._warcinfo_id = warcinfo.record_id
        self._append(encode_member(warcinfo, self._options.gzip))
        if self._options.fsync:
            self._fsync_directory()

    def _append(self, data: bytes) -> None:
        fd = self._fd
        assert fd is not None
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            if self._options.fsync:
                os.fsync(fd)
        except OSError as exc:
            path = self._options.directory / self._name
            # Cut the partial record off so the file ends cleanly, and never write to
            # this file again: the next exchange opens a new one.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, self._size)
            self._close_file()
            raise ArchiveError(
                f"could not write WARC records to {path}: {exc}; the capture was not "
                "stored. Check free disk space and permissions"
            ) from exc
        self._size += len(data)

    def _fsync_directory(self) -> None:
        # The new file's name must survive a crash too, not only its contents.
        fd = os.open(self._options.directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _close_file(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        self._warcinfo_id = None
        try:
            if self._options.fsync:
                os.fsync(fd)
        except OSError as exc:
            raise ArchiveError(
                f"could not flush WARC file {self._options.directory / self._name} to disk: "
                f"{exc}; its last records may be lost. Check the disk"
            ) from exc
        finally:
            os.close(fd)
            if self._on_finished is not None:
                self._on_finished(self._name)
