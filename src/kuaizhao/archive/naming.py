"""WARC file names: sortable in write order, unique across writer sessions and machines.

`{prefix}-{UTC timestamp to the microsecond}-{serial:05d}-{pid}-{token}.warc.gz`: the
fixed-width timestamp sorts files in the order they were started, the serial keeps files
one writer opened within the same microsecond in order, the pid keeps two processes
apart, and the random token keeps two machines apart that write into one shared
directory or bucket (containers often share pids). Names without the token, written
before it existed, still sort as ours.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from kuaizhao.errors import ArchiveError

#: Every kind of file the reader understands; anything else in the directory is ignored.
ARCHIVE_SUFFIXES = (".warc.gz", ".warc", ".arc.gz", ".arc")

_OWN_NAME = re.compile(
    r"^(?P<prefix>.+)-(?P<stamp>\d{20})-(?P<serial>\d{5,})-(?P<pid>\d+)(?:-[0-9a-f]+)?"
    r"\.warc(?:\.gz)?$"
)
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._]*$")


def check_prefix(prefix: str) -> None:
    """A prefix must be safe as a file name part and must not confuse `_OWN_NAME`."""
    if not _PREFIX.match(prefix):
        raise ArchiveError(
            f"WARC file prefix {prefix!r} is not allowed: use letters, digits, '.' and '_' "
            "only (no '-', '/' or spaces), starting with a letter or digit"
        )


def warc_filename(prefix: str, created: datetime, serial: int, pid: int, gzip: bool,
                  token: str = "") -> str:
    """The name of a new WARC file; `created` must be timezone-aware, `token` lowercase hex."""
    stamp = created.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    suffix = ".warc.gz" if gzip else ".warc"
    return f"{prefix}-{stamp}-{serial:05d}-{pid}{'-' + token if token else ''}{suffix}"


def writer_pid(relative: str) -> int | None:
    """The pid of the kuaizhao process that wrote a file of ours; None for other files."""
    match = _OWN_NAME.match(relative)
    return int(match["pid"]) if match and "/" not in relative else None


def is_archive_file(path: Path) -> bool:
    return path.is_file() and is_archive_name(path.name)


def is_archive_name(name: str) -> bool:
    return name.lower().endswith(ARCHIVE_SUFFIXES)


def _write_order_key(relative: str) -> tuple[int, str, int, int, str]:
    match = _OWN_NAME.match(relative)
    if match and "/" not in relative:
        return (0, match["stamp"], int(match["serial"]), int(match["pid"]), relative)
    # Files another tool wrote (imports) follow ours, in name order.
    return (1, "", 0, 0, relative)


def in_write_order(names: Iterable[str]) -> list[str]:
    """Relative file names (POSIX), ours first in write order, then others by name."""
    return sorted(names, key=_write_order_key)


def list_warc_files(directory: Path) -> list[Path]:
    """Every WARC/ARC file under `directory`, ours first in write order, then others by name.

    A missing directory holds no files (a fresh archive), which is not an error.
    """
    if not directory.is_dir():
        return []
    found = [p for p in directory.rglob("*") if is_archive_file(p)]
    return sorted(found, key=lambda p: _write_order_key(p.relative_to(directory).as_posix()))
