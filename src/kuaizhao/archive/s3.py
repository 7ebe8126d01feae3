"""WARC files in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, ...) via boto3.

The object of file `name` is `<prefix>/<name>`. Finished files are uploaded whole (an
object cannot be appended to), idempotently: an object already holding the same bytes
(same size and SHA-256, the digest kept in the object's `sha256` metadata) is left
alone, and one holding different bytes is never overwritten, because records never
change. Reads take the local copy when there is one and a ranged GET otherwise, so a
pointer works before, during and after a file moves to the bucket.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
from boto3.exceptions import S3UploadFailedError
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from kuaizhao.archive.naming import in_write_order, is_archive_name
from kuaizhao.archive.storage import LocalWarcStorage, StorageOptions, relative_parts, unlink_local
from kuaizhao.archive.writer import file_in_use
from kuaizhao.errors import ArchiveError

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

_CHUNK = 1 << 20
_MISSING = ("NoSuchKey", "404", "NotFound")


def s3_client(options: StorageOptions) -> S3Client:
    """A client for the configured endpoint; empty credentials use boto3's own chain."""
    config = Config(
        # S3-compatible servers (MinIO, Ceph) rarely have per-bucket host names.
        s3={"addressing_style": "path"} if options.endpoint_url else {},
        retries={"mode": "standard", "max_attempts": 5},
        connect_timeout=10,
        read_timeout=60,
    )
    return boto3.session.Session().client(
        "s3",
        endpoint_url=options.endpoint_url or None,
        region_name=options.region or None,
        aws_access_key_id=options.access_key_id or None,
        aws_secret_access_key=options.secret_access_key or None,
        config=config,
    )


@dataclass(frozen=True, slots=True)
class Uploaded:
    filename: str
    size: int
    sha256: str
    uploaded: bool  # False: the bucket already held these bytes


def file_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 (hex) of a local file."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class S3WarcStorage:
    """Files in `local` (the writer's directory) first, then in `bucket` under `prefix`."""

    def __init__(self, local: LocalWarcStorage, bucket: str, prefix: str,
                 client: S3Client) -> None:
        self.local = local
        self.bucket = bucket
        self._prefix = tuple(p for p in prefix.split("/") if p)
        self._client = client

    @property
    def description(self) -> str:
        return f"s3://{self.bucket}/{'/'.join(self._prefix)}"

    def key(self, filename: str) -> str:
        """The object key of a file; the name's checks keep it under the prefix."""
        return "/".join((*self._prefix, *relative_parts(filename)))

    def read_range(self, filename: str, offset: int, length: int) -> bytes:
        if self.local.exists(filename):
            return self.local.read_range(filename, offset, length)
        if offset < 0 or length <= 0:
            return b""
        key = self.key(filename)
        try:
            answer = self._call(self._client.get_object, Bucket=self.bucket, Key=key,
                                Range=f"bytes={offset}-{offset + length - 1}")
        except _Missing:
            raise ArchiveError(
                f"WARC file {filename} is neither in {self.local.description} nor at "
                f"s3://{self.bucket}/{key}; restore it, or run `kuaizhao reindex` so the "
                "database no longer points into it") from None
        except _BadRange:
            return b""  # the offset lies past the end: the reader reports the short read
        data: bytes = answer["Body"].read()
        return data

    def exists(self, filename: str) -> bool:
        try:
            return self.local.exists(filename) or self._head(self.key(filename)) is not None
        except ArchiveError:
            return False

    def remote_files(self) -> list[str]:
        """Every WARC/ARC file in the bucket under the prefix, by relative name."""
        start = "/".join(self._prefix) + "/" if self._prefix else ""
        names = []
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=start)
        try:
            for page in pages:
                for item in page.get("Contents", []):
                    name = item.get("Key", "")[len(start):]
                    if is_archive_name(name) and self._valid(name):
                        names.append(name)
        except (BotoCoreError, ClientError) as exc:
            raise self._failure("list", start, exc) from exc
        return names

    def list_files(self) -> list[str]:
        return in_write_order(set(self.local.list_files()) | set(self.remote_files()))

    def publish(self, filename: str) -> None:
        self.upload(filename)

    def unpublished(self) -> list[str]:
        remote = set(self.remote_files())
        return [name for name in self.local.finished_files() if name not in remote]

    def upload(self, filename: str) -> Uploaded:
        """Put a finished local file into the bucket, unless it holds these bytes already."""
        path = self.local.path(filename)
        size, sha = file_digest(path)
        key = self.key(filename)
        if self._matches(key, filename, size, sha):
            return Uploaded(filename, size, sha, uploaded=False)
        try:
            self._client.upload_file(str(path), self.bucket, key,
                                     ExtraArgs={"Metadata": {"sha256": sha}})
        except (BotoCoreError, ClientError, S3UploadFailedError) as exc:
            raise self._failure("upload", key, exc) from exc
        if not self._matches(key, filename, size, sha):
            raise ArchiveError(f"s3://{self.bucket}/{key} does not hold {filename} after "
                               "uploading it; the local file is kept. Retry `kuaizhao warc push`")
        return Uploaded(filename, size, sha, uploaded=True)

    def remote_sha256(self, filename: str) -> str:
        """SHA-256 of the object's bytes as the bucket returns them (read in full)."""
        key = self.key(filename)
        digest = hashlib.sha256()
        try:
            answer = self._call(self._client.get_object, Bucket=self.bucket, Key=key)
            for chunk in answer["Body"].iter_chunks(_CHUNK):
                digest.update(chunk)
        except _Missing:
            raise ArchiveError(f"s3://{self.bucket}/{key} does not exist") from None
        except (BotoCoreError, ClientError) as exc:
            raise self._failure("read", key, exc) from exc
        return digest.hexdigest()

    @contextmanager
    def local_copy(self, filename: str) -> Iterator[Path]:
        if self.local.exists(filename):
            yield self.local.path(filename)
            return
        key = self.key(filename)
        with tempfile.TemporaryDirectory(prefix="kuaizhao-warc-") as scratch:
            target = Path(scratch) / filename.replace("/", "_")
            try:
                self._client.download_file(self.bucket, key, str(target))
            except ClientError as exc:
                if _code(exc) in _MISSING:
                    raise ArchiveError(
                        f"WARC file {filename} is neither in {self.local.description} nor at "
                        f"s3://{self.bucket}/{key}; restore it or run `kuaizhao reindex`"
                    ) from None
                raise self._failure("download", key, exc) from exc
            except BotoCoreError as exc:
                raise self._failure("download", key, exc) from exc
            yield target

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _valid(name: str) -> bool:
        try:
            relative_parts(name)
        except ArchiveError:
            return False
        return True

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            answer: dict[str, Any] = dict(self._call(self._client.head_object,
                                                     Bucket=self.bucket, Key=key))
        except _Missing:
            return None
        return answer

    def _matches(self, key: str, filename: str, size: int, sha: str) -> bool:
        """Whether the object holds these bytes; raises if it holds different ones."""
        head = self._head(key)
        if head is None:
            return False
        remote_size = head.get("ContentLength")
        remote_sha = head.get("Metadata", {}).get("sha256")
        if remote_size == size and remote_sha is None:
            remote_sha = self.remote_sha256(filename)  # put there by another tool
        if remote_size == size and remote_sha == sha:
            return True
        raise ArchiveError(
            f"s3://{self.bucket}/{key} already exists with different content "
            f"({remote_size} bytes, SHA-256 {remote_sha}) than {self.local.path(filename)} "
            f"({size} bytes, SHA-256 {sha}); WARC files never change, so it is not "
            "overwritten. Find out which copy is right and remove the other")

    def _call(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        try:
            return method(**kwargs)
        except ClientError as exc:
            code = _code(exc)
            if code in _MISSING:
                raise _Missing from None
            if code == "InvalidRange":
                raise _BadRange from None
            raise self._failure("reach", kwargs.get("Key", ""), exc) from exc
        except BotoCoreError as exc:
            raise self._failure("reach", kwargs.get("Key", ""), exc) from exc

    def _failure(self, action: str, key: str, exc: Exception) -> ArchiveError:
        return ArchiveError(
            f"could not {action} s3://{self.bucket}/{key}: {exc}; check s3_endpoint_url, "
            "the bucket name and the credentials (s3_access_key_id / AWS_* variables)")


class _Missing(Exception):
    """The object does not exist (an internal signal, never leaves this module)."""


class _BadRange(Exception):
    """The requested range starts past the object's end."""


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@dataclass
class PushReport:
    uploaded: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)  # the bucket held the same bytes
    in_use: list[str] = field(default_factory=list)  # still being written: left alone
    deleted: list[str] = field(default_factory=list)
    bytes_uploaded: int = 0

    def summary(self) -> str:
        return (f"{len(self.uploaded)} WARC files uploaded ({self.bytes_uploaded} bytes), "
                f"{len(self.already)} already in the bucket, {len(self.in_use)} still being "
                f"written and left for later, {len(self.deleted)} local copies removed")


def push(storage: S3WarcStorage, *, delete_local: bool = False,
         progress: Callable[[str], None] | None = None) -> PushReport:
    """Upload every finished local file; with `delete_local`, drop each verified copy.

    A local copy is removed only after the object has been read back in full and its
    SHA-256 equals the local file's.
    """
    report = PushReport()
    for name in storage.local.list_files():
        path = storage.local.path(name)
        if file_in_use(path):
            report.in_use.append(name)
            continue
        done = storage.upload(name)
        if done.uploaded:
            report.uploaded.append(name)
            report.bytes_uploaded += done.size
        else:
            report.already.append(name)
        if delete_local:
            remote = storage.remote_sha256(name)
            if remote != done.sha256:
                raise ArchiveError(
                    f"s3://{storage.bucket}/{storage.key(name)} reads back with SHA-256 "
                    f"{remote}, not {done.sha256} as {path}; the local copy is kept")
            unlink_local(path)
            report.deleted.append(name)
        if progress:
            progress(name)
    return report
