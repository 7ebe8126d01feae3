"""Where WARC files live: the local directory and an S3 bucket on a real loopback server."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from archive_exchanges import build_exchange

from kuaizhao.archive import WarcOptions, WarcWriter, iter_warc, read_response
from kuaizhao.archive.reader import iter_stored, read_record_bytes
from kuaizhao.archive.s3 import S3WarcStorage, push
from kuaizhao.archive.storage import (
    LocalWarcStorage,
    Publisher,
    StorageOptions,
    open_storage,
    relative_parts,
)
from kuaizhao.archive.writer import file_in_use
from kuaizhao.errors import ArchiveError, CorruptRecord
from s3_server import KEY_ID, SECRET, client, moto_s3, new_bucket


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_s3() as url:
        yield url


def _s3(endpoint: str, directory: Path, prefix: str = "site/warc") -> S3WarcStorage:
    storage = open_storage(StorageOptions("s3", directory, new_bucket(endpoint), prefix,
                                          endpoint, "us-east-1", KEY_ID, SECRET))
    assert isinstance(storage, S3WarcStorage)
    return storage


def _write(directory: Path, pages: int = 6, **options: object) -> list[str]:
    with WarcWriter(WarcOptions(directory=directory, fsync=False, **options)) as writer:  # type: ignore[arg-type]
        for i in range(pages):
            writer.write_exchange(build_exchange(f"https://news.example.cn/a/{i}.html",
                                                 f"<p>第{i}篇</p>".encode() * 50))
    return LocalWarcStorage(directory).list_files()


@pytest.mark.parametrize("name", ["../x.warc.gz", "/etc/passwd", "a/../../b.warc.gz", "",
                                  "a\\..\\b.warc.gz", "."])
def test_names_that_leave_the_archive_are_refused_everywhere(
    name: str, tmp_path: Path, endpoint: str
) -> None:
    (tmp_path / "warc").mkdir()
    (tmp_path / "x.warc.gz").write_bytes(b"outside")
    local = LocalWarcStorage(tmp_path / "warc")
    s3 = _s3(endpoint, tmp_path / "warc")
    with pytest.raises(ArchiveError, match="relative path inside the WARC directory"):
        relative_parts(name)
    for storage in (local, s3):
        assert not storage.exists(name)
        with pytest.raises(ArchiveError, match="relative path inside"):
            storage.read_range(name, 0, 7)
    with pytest.raises(ArchiveError):
        s3.key(name)


def test_keys_stay_under_the_prefix(tmp_path: Path, endpoint: str) -> None:
    s3 = _s3(endpoint, tmp_path, prefix="/a/b/")
    assert s3.key("linked/x.warc.gz") == "a/b/linked/x.warc.gz"
    assert s3.description == f"s3://{s3.bucket}/a/b"


def test_writer_names_carry_a_token_so_machines_never_collide(tmp_path: Path) -> None:
    first = _write(tmp_path / "one", pages=1)
    second = _write(tmp_path / "two", pages=1)
    pattern = re.compile(rf"^kuaizhao-\d{{20}}-00000-{os.getpid()}-[0-9a-f]{{6}}\.warc\.gz$")
    assert all(pattern.match(n) for n in first + second), first + second
    assert first[0].rsplit("-", 1)[1] != second[0].rsplit("-", 1)[1]


def test_a_file_being_written_is_in_use_until_closed(tmp_path: Path) -> None:
    finished: list[str] = []
    writer = WarcWriter(WarcOptions(directory=tmp_path, fsync=False), on_finished=finished.append)
    archived = writer.write_exchange(build_exchange())
    path = tmp_path / archived.response.filename
    assert file_in_use(path)
    assert LocalWarcStorage(tmp_path).finished_files() == []
    assert finished == []
    writer.close()
    assert not file_in_use(path)
    assert finished == [archived.response.filename]
    assert LocalWarcStorage(tmp_path).finished_files() == [archived.response.filename]


def test_upload_is_idempotent_and_never_overwrites_other_bytes(
    tmp_path: Path, endpoint: str
) -> None:
    [name] = _write(tmp_path)
    s3 = _s3(endpoint, tmp_path)
    data = (tmp_path / name).read_bytes()
    first = s3.upload(name)
    assert first.uploaded
    assert first.sha256 == hashlib.sha256(data).hexdigest()
    assert not s3.upload(name).uploaded
    head = client(s3._client.meta.endpoint_url).head_object(Bucket=s3.bucket, Key=s3.key(name))
    assert head["ContentLength"] == len(data)
    assert head["Metadata"]["sha256"] == first.sha256
    (tmp_path / name).write_bytes(data + b"tampered")
    with pytest.raises(ArchiveError, match="already exists with different content"):
        s3.upload(name)
    assert s3.remote_sha256(name) == first.sha256  # the object was left as it was


def test_an_object_put_by_another_tool_is_recognised_by_its_bytes(
    tmp_path: Path, endpoint: str
) -> None:
    [name] = _write(tmp_path)
    s3 = _s3(endpoint, tmp_path)
    client(endpoint).put_object(Bucket=s3.bucket, Key=s3.key(name),
                                Body=(tmp_path / name).read_bytes())  # no sha256 metadata
    assert not s3.upload(name).uploaded


def test_pointers_stay_valid_when_the_file_moves_to_the_bucket(
    tmp_path: Path, endpoint: str
) -> None:
    [name] = _write(tmp_path)
    local = LocalWarcStorage(tmp_path)
    entries = list(iter_warc(tmp_path / name, tmp_path))
    before = [(read_record_bytes(local, e.pointer), read_response(tmp_path, e.pointer).payload)
              for e in entries]
    s3 = _s3(endpoint, tmp_path)
    report = push(s3, delete_local=True)
    assert report.deleted == [name]
    assert not (tmp_path / name).exists()
    assert s3.list_files() == [name]
    after = [(read_record_bytes(s3, e.pointer), read_response(s3, e.pointer).payload)
             for e in entries]
    assert after == before
    assert list(iter_stored(s3, name)) == entries  # the whole file, fetched for scanning
    with pytest.raises(ArchiveError, match="missing"):
        read_response(tmp_path, entries[0].pointer)


def test_reads_prefer_the_local_copy_and_report_short_and_missing_files(
    tmp_path: Path, endpoint: str
) -> None:
    [name] = _write(tmp_path)
    s3 = _s3(endpoint, tmp_path)
    s3.upload(name)
    size = (tmp_path / name).stat().st_size
    assert s3.read_range(name, size - 4, 100) == (tmp_path / name).read_bytes()[-4:]
    (tmp_path / name).unlink()
    assert s3.read_range(name, size - 4, 100) == s3.read_range(name, size - 4, 4)
    assert s3.read_range(name, size + 10, 5) == b""
    [entry] = list(iter_stored(s3, name))[:1]
    beyond = entry.pointer.__class__(name, size - 2, 50)
    with pytest.raises(CorruptRecord, match="file was truncated or the pointer is wrong"):
        read_record_bytes(s3, beyond)
    assert not s3.exists("kuaizhao-none.warc.gz")
    with pytest.raises(ArchiveError, match=r"neither in .* nor at s3://"):
        s3.read_range("kuaizhao-none.warc.gz", 0, 10)


def test_push_leaves_files_still_being_written(tmp_path: Path, endpoint: str) -> None:
    done = _write(tmp_path)
    s3 = _s3(endpoint, tmp_path)
    with WarcWriter(WarcOptions(directory=tmp_path, fsync=False)) as writer:
        growing = writer.write_exchange(build_exchange()).response.filename
        report = push(s3, delete_local=True)
        assert report.in_use == [growing]
        assert report.uploaded == done
        assert (tmp_path / growing).exists()
        assert s3.unpublished() == []
    assert s3.unpublished() == [growing]  # closed now: left over, as after a crash
    assert push(s3).uploaded == [growing]


def test_the_publisher_uploads_each_file_the_writer_finishes(
    tmp_path: Path, endpoint: str
) -> None:
    s3 = _s3(endpoint, tmp_path)
    leftover = _write(tmp_path / "crashed", pages=1)[0]
    (tmp_path / "crashed" / leftover).replace(tmp_path / leftover)
    publisher = Publisher(s3)
    publisher.submit_leftovers()
    options = WarcOptions(directory=tmp_path, fsync=False, max_file_bytes=3000)
    with WarcWriter(options, on_finished=publisher.submit) as writer:
        for i in range(8):
            writer.write_exchange(build_exchange(f"https://news.example.cn/b/{i}.html",
                                                 os.urandom(1500)))
    publisher.close()
    local = s3.local.list_files()
    assert len(local) > 3
    assert sorted(s3.remote_files()) == sorted(local)
    assert leftover in local


def test_a_failed_upload_is_logged_and_the_file_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, endpoint: str
) -> None:
    [name] = _write(tmp_path)
    s3 = _s3(endpoint, tmp_path)
    client(endpoint).delete_bucket(Bucket=s3.bucket)
    publisher = Publisher(s3)
    publisher.submit(name)
    publisher.close()
    assert (tmp_path / name).exists()
    assert "could not publish" in caplog.text
    assert "kuaizhao warc push" in caplog.text


def test_storage_options_are_checked() -> None:
    with pytest.raises(ArchiveError, match="needs a bucket"):
        StorageOptions("s3", Path("w"))
    with pytest.raises(ArchiveError, match="unknown"):
        StorageOptions("ftp", Path("w"))
    with pytest.raises(ArchiveError, match="relative path"):
        StorageOptions("s3", Path("w"), bucket="b", prefix="a/../..")
    assert isinstance(open_storage(StorageOptions("local", Path("w"))), LocalWarcStorage)
