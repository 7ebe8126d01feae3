"""Bringing a WARC or ARC file another tool wrote into the archive's warc directory.

Capture pointers name files relative to `<home>/warc`, and every reader (snapshots,
raw views, export, `reindex`) resolves them there. A foreign file therefore gets a
name inside that directory: a symbolic link under `linked/` to where the file lives
(nothing is copied, so a multi-GB crawl costs no space), or a copy under `imported/`.
The link name carries the file's SHA-256 prefix, so two files of the same name from
different crawls never collide. Either way `reindex` finds the file like any other.
"""

from __future__ import annotations

import enum
import hashlib
import os
import re
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

from kuaizhao.archive.naming import ARCHIVE_SUFFIXES
from kuaizhao.archive.scanning import GZIP_MAGIC
from kuaizhao.errors import ArchiveError, UsageError

LINKED_DIR = "linked"
COPIED_DIR = "imported"
_HASH_CHUNK = 1 << 20
_SNIFF = 4096  # bytes read (and at most decompressed) to tell whether a file is a WARC/ARC
# An ARC v1 header line: URL IP-address date content-type length (filedesc:// first).
_ARC_START = re.compile(rb"[a-zA-Z][a-zA-Z0-9+.-]*:\S* \S+ \d{14}\S* \S+ -?\d+\r?\n")


class Placement(enum.StrEnum):
    LINK = "link"  # a symbolic link to the file where it lives
    COPY = "copy"  # a copy under imported/
    IN_PLACE = "in_place"  # the file already is inside the warc directory


@dataclass(frozen=True, slots=True)
class PlacedFile:
    warc_file: str  # name relative to the warc directory, as pointers hold it
    placement: Placement


def check_archive_file(path: Path) -> Path:
    """The absolute path of a readable WARC/ARC file; UsageError saying what is wrong."""
    if not path.exists():
        raise UsageError(f"{path} does not exist; give the path of a .warc, .warc.gz, .arc "
                         "or .arc.gz file")
    if not path.is_file():
        raise UsageError(f"{path} is not a file; give WARC files, not a directory")
    if not path.name.lower().endswith(ARCHIVE_SUFFIXES):
        raise UsageError(f"{path.name} does not end in {', '.join(ARCHIVE_SUFFIXES)}; "
                         "rename it if it is a WARC or ARC file")
    problem = _not_an_archive(path)
    if problem:
        raise UsageError(f"{path}: {problem}; expected a WARC or ARC file (optionally gzip "
                         "compressed); check the file name and that the download finished")
    return path.resolve()


def _not_an_archive(path: Path) -> str | None:
    """Why the file's first bytes are no WARC or ARC record start, or None if they are."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF)
    if not head:
        return "the file is empty"
    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _SNIFF)
        except zlib.error as exc:
            return f"the file starts like gzip but does not decompress ({exc})"
    start = head.lstrip(b"\r\n")
    if start.startswith(b"WARC/") or _ARC_START.match(start):
        return None
    if not start:
        return "the file holds only blank lines"
    return f"it starts with {start[:24]!r}, not 'WARC/1.x' or an ARC header line"


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a whole file, read in 1 MB chunks (memory stays flat)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def place_file(path: Path, warc_dir: Path, sha256: str, copy: bool) -> PlacedFile:
    """Give `path` (absolute) a name inside `warc_dir`; idempotent for the same file."""
    base = warc_dir.resolve()
    if path.is_relative_to(base):
        return PlacedFile(path.relative_to(base).as_posix(), Placement.IN_PLACE)
    try:
        if copy:
            return PlacedFile(_copy(path, base, sha256), Placement.COPY)
        return PlacedFile(_link(path, base, sha256), Placement.LINK)
    except OSError as exc:
        raise ArchiveError(f"cannot place {path} in the archive's warc directory {base}: {exc}; "
                           "check free space and permissions") from exc


def _link(path: Path, base: Path, sha256: str) -> str:
    relative = f"{LINKED_DIR}/{sha256[:16]}-{path.name}"
    link = base / relative
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink():
        if link.resolve() == path:
            return relative
        link.unlink()  # a link left by an earlier import of a file since moved
    link.symlink_to(path)
    return relative


def _copy(path: Path, base: Path, sha256: str) -> str:
    folder = base / COPIED_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name in (path.name, f"{sha256[:16]}-{path.name}"):
        target = folder / name
        if target.exists():
            if file_sha256(target) == sha256:
                return f"{COPIED_DIR}/{name}"
            continue
        partial = folder / f".{name}.part"  # not an archive suffix: readers ignore it
        shutil.copyfile(path, partial)
        with partial.open("rb") as handle:
            os.fsync(handle.fileno())
        partial.rename(target)
        return f"{COPIED_DIR}/{name}"
    raise ArchiveError(f"{folder} already holds different files named {path.name} and "
                       f"{sha256[:16]}-{path.name}; move one aside and import again")
