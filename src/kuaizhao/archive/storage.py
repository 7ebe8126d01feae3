"""Where WARC files live: a directory (local or shared), or an S3-compatible object store.

A pointer names its file by the path relative to the WARC directory
(`WarcPointer.filename`). Every place keys a file by that same name — the file
`<directory>/<name>`, the object `<prefix>/<name>` in the bucket — so a pointer stays
valid whichever place holds the file, and when the file moves between them.

The writer always writes into the local directory: a WARC file is appended and fsynced
record by record, which an object store cannot do. `publish(name)` is called for each
finished file; in S3 mode it uploads the file (`archive.s3`), and reads then find it
locally first and in the bucket otherwise.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from kuaizhao.archive.naming import in_write_order, is_archive_file
from kuaizhao.archive.writer import file_in_use
from kuaizhao.errors import ArchiveError, KuaizhaoError

log = logging.getLogger(__name__)

LOCAL = "local"
S3 = "s3"


class WarcStorage(Protocol):
    """What readers, the crawler and `kuaizhao warc push` need from where files live."""

    @property
    def description(self) -> str:
        """Where the files are, for messages (a directory, or s3://bucket/prefix)."""
        ...

    def read_range(self, filename: str, offset: int, length: int) -> bytes:
        """Up to `length` bytes from `offset` (fewer only where the file ends)."""
        ...

    def exists(self, filename: str) -> bool:
        """Whether some place holds the file; False for a name outside the archive."""
        ...

    def list_files(self) -> list[str]:
        """Every WARC/ARC file's relative name, ours first in write order."""
        ...

    def publish(self, filename: str) -> None:
        """A local file is finished: make it durable wherever this storage keeps files."""
        ...

    def unpublished(self) -> list[str]:
        """Finished local files not yet published (left over by a crash, or never pushed)."""
        ...

    def local_copy(self, filename: str) -> AbstractContextManager[Path]:
        """A local path holding the whole file, for scanning it from start to end."""
        ...


def relative_parts(filename: str) -> tuple[str, ...]:
    """The parts of a pointer's file name, refusing any name that leaves the archive."""
    relative = PurePosixPath(filename)
    if (relative.is_absolute() or not relative.parts or "\\" in filename
            or any(part in ("..", ".") for part in relative.parts)):
        raise ArchiveError(
            f"WARC file name {filename!r} must be a relative path inside the WARC "
            "directory; the database row holding it is damaged (run `kuaizhao reindex`)"
        )
    return relative.parts


class LocalWarcStorage:
    """WARC files in one directory: `<home>/warc`, or a shared one (`warc_dir`) on NFS."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def description(self) -> str:
        return str(self.directory)

    def path(self, filename: str) -> Path:
        # Joined by name, not resolved: imported files are symbolic links under
        # warc/linked/ to where they live (see archive.foreign).
        return self.directory.joinpath(*relative_parts(filename))

    def read_range(self, filename: str, offset: int, length: int) -> bytes:
        path = self.path(filename)
        try:
            with path.open("rb") as handle:
                handle.seek(offset)
                return handle.read(length)
        except FileNotFoundError:
            raise ArchiveError(
                f"WARC file {path} is missing; restore it from backup, or run "
                "`kuaizhao reindex` so the database no longer points into it"
            ) from None
        except OSError as exc:
            raise ArchiveError(f"cannot read WARC file {path}: {exc}; check the disk "
                               "and its permissions") from exc

    def exists(self, filename: str) -> bool:
        try:
            return self.path(filename).is_file()
        except ArchiveError:
            return False

    def list_files(self) -> list[str]:
        if not self.directory.is_dir():
            return []  # a fresh archive
        return in_write_order(p.relative_to(self.directory).as_posix()
                              for p in self.directory.rglob("*") if is_archive_file(p))

    def finished_files(self) -> list[str]:
        """Local files no live writer holds open any more."""
        return [name for name in self.list_files() if not file_in_use(self.path(name))]

    def publish(self, filename: str) -> None:
        """Nothing to do: the file already is where it stays."""

    def unpublished(self) -> list[str]:
        return []

    @contextmanager
    def local_copy(self, filename: str) -> Iterator[Path]:
        path = self.path(filename)
        if not path.is_file():
            raise ArchiveError(f"WARC file {path} is missing; restore it from backup, or run "
                               "`kuaizhao reindex` so the database no longer points into it")
        yield path


@dataclass(frozen=True, slots=True)
class StorageOptions:
    """Plain values that choose and configure the storage (built from the settings)."""

    kind: str  # LOCAL or S3
    directory: Path  # where the writer writes; in S3 mode, the local staging directory
    bucket: str = ""
    prefix: str = ""
    endpoint_url: str = ""  # empty: AWS itself
    region: str = ""
    access_key_id: str = ""  # empty: boto3's own chain (AWS_* variables, profiles, roles)
    secret_access_key: str = ""

    def __post_init__(self) -> None:
        if self.kind not in (LOCAL, S3):
            raise ArchiveError(f"WARC storage {self.kind!r} is unknown; use 'local' or 's3'")
        if self.kind == S3 and not self.bucket:
            raise ArchiveError("WARC storage 's3' needs a bucket: set s3_bucket "
                               "(env KUAIZHAO_S3_BUCKET)")
        if self.prefix.strip("/"):
            relative_parts(self.prefix.strip("/"))


def open_storage(options: StorageOptions) -> WarcStorage:
    local = LocalWarcStorage(options.directory)
    if options.kind == LOCAL:
        return local
    from kuaizhao.archive.s3 import S3WarcStorage, s3_client  # boto3 only when asked for

    return S3WarcStorage(local, options.bucket, options.prefix, s3_client(options))


class Publisher:
    """Publishes finished files on one background thread, so uploads never stall a crawl.

    A failure is logged, not raised: the file stays in the local directory, and the
    next crawl's start or `kuaizhao warc push` publishes it.
    """

    def __init__(self, storage: WarcStorage) -> None:
        self._storage = storage
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warc-publish")

    def submit(self, filename: str) -> None:
        self._pool.submit(self._publish, filename)

    def submit_leftovers(self) -> None:
        """Queue every finished local file the storage does not hold yet."""
        self._pool.submit(self._leftovers)

    def close(self) -> None:
        """Wait for every queued upload."""
        self._pool.shutdown(wait=True)

    def _publish(self, filename: str) -> None:
        try:
            self._storage.publish(filename)
        except Exception as exc:  # the thread's last stop: nobody else would hear of it
            log.warning("could not publish %s to %s: %s; it stays in the local directory "
                        "until `kuaizhao warc push`", filename, self._storage.description, exc)

    def _leftovers(self) -> None:
        try:
            names = self._storage.unpublished()
        except KuaizhaoError as exc:
            log.warning("could not list unpublished WARC files: %s", exc)
            return
        for name in names:
            self._publish(name)


def unlink_local(path: Path) -> None:
    """Remove a local copy once it is safe elsewhere; the directory entry must go too."""
    path.unlink()
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
