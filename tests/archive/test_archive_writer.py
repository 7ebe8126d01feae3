"""Writing many exchanges, then reading every file back independently with warcio."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from archive_exchanges import build_exchange
from warcio.archiveiterator import ArchiveIterator

from kuaizhao.archive import (
    DamagedRecord,
    RevisitOf,
    WarcEntry,
    WarcOptions,
    WarcWriter,
    iter_warc,
    list_warc_files,
    payload_digest,
    read_response,
)
from kuaizhao.archive.records import PROFILE_IDENTICAL, PROFILE_NOT_MODIFIED
from kuaizhao.errors import ArchiveError
from kuaizhao.models import ArchivedExchange, HttpExchange

WARCIO = str(Path(sys.executable).parent / "warcio")
GBK_PAGE = "<html><head><title>国内新闻</title></head><p>座谈会现场。无锡日报供图</p></html>"


@dataclass(frozen=True)
class Written:
    exchange: HttpExchange
    archived: ArchivedExchange


def _crawl(writer: WarcWriter) -> list[Written]:
    """A day of crawling: plain, gzip-encoded, GBK, chunked, 304s, revisits, changes."""
    written: list[Written] = []

    def write(exchange: HttpExchange, revisit_of: RevisitOf | None = None) -> ArchivedExchange:
        archived = writer.write_exchange(exchange, revisit_of)
        written.append(Written(exchange, archived))
        return archived

    for n in range(12):
        url = f"https://news.example.cn/2024/{n}.html"
        body = f"<html><p>第{n}条新闻 {'正文' * n * 50}</p></html>".encode()
        kind = n % 4
        first = write(build_exchange(
            url,
            GBK_PAGE.encode("gbk") if kind == 2 else body,
            headers=(("Content-Type", "text/html" if kind == 2 else "text/html; charset=utf-8"),),
            content_encoding="gzip" if kind == 1 else None,
            chunked=kind == 3,
            seconds=n,
            ip_address=None if n == 5 else "203.0.113.7",
        ))
        original = RevisitOf(first.record_id, url, first.fetched_at, first.payload_digest)
        later = build_exchange(url, GBK_PAGE.encode("gbk") if kind == 2 else body,
                               headers=(("Content-Type", "text/html"),),
                               content_encoding="gzip" if kind == 1 else None,
                               seconds=3600 + n)
        write(later, original)  # unchanged: a revisit
        write(build_exchange(url, b"", status=304, reason="Not Modified", headers=(),
                             seconds=7200 + n), original)
        write(build_exchange(url, body + b"<p>updated</p>", seconds=9000 + n), original)
    write(build_exchange("https://news.example.cn/gone", b"", status=304, reason="Not Modified",
                         headers=(), seconds=10_000))  # 304 with no earlier capture
    return written


@pytest.fixture(params=[True, False], ids=["gzip", "plain"])
def crawl(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, list[Written]]:
    directory = tmp_path / "warc"
    with WarcWriter(WarcOptions(directory, gzip=request.param, max_file_bytes=20_000)) as writer:
        written = _crawl(writer)
    return directory, written


def test_archived_exchange_says_what_was_stored(crawl: tuple[Path, list[Written]]) -> None:
    _, written = crawl
    kinds = [(w.archived.is_revisit, w.archived.status) for w in written[:4]]
    assert kinds == [(False, 200), (True, 200), (True, 304), (False, 200)]
    for w in written:
        assert w.archived.url == w.exchange.url
        assert w.archived.fetched_at == w.exchange.fetched_at
        if w.archived.status == 200:
            assert w.archived.payload_digest == payload_digest(w.exchange.raw_body)
    assert written[2].archived.payload_digest == written[0].archived.payload_digest
    assert not written[-1].archived.is_revisit  # a 304 with nothing to refer to


def test_warcio_reads_every_record_and_verifies_every_digest(
    crawl: tuple[Path, list[Written]],
) -> None:
    directory, written = crawl
    by_id = {w.archived.record_id: w for w in written}
    seen = 0
    for path in list_warc_files(directory):
        with path.open("rb") as handle:
            records = ArchiveIterator(handle, check_digests=True)
            types = []
            response_id = None
            for record in records:
                types.append(record.rec_type)
                assert record.rec_headers.protocol == "WARC/1.1"
                content = record.content_stream().read()
                assert record.digest_checker.passed is not False, record.digest_checker.problems
                if record.rec_type == "warcinfo":
                    assert record.rec_headers.get_header("WARC-Filename") == path.name
                    assert b"software: kuaizhao/0.1" in content
                    continue
                headers = record.rec_headers
                if record.rec_type == "request":
                    assert headers.get_header("WARC-Concurrent-To") == response_id
                    assert record.http_headers.protocol == "GET"
                    continue
                response_id = headers.get_header("WARC-Record-ID")
                w = by_id.pop(response_id)
                seen += 1
                pointer = w.archived.response
                assert pointer.filename == path.name
                assert pointer.offset == records.get_record_offset()
                assert headers.get_header("WARC-Target-URI") == w.exchange.url
                assert headers.get_header("WARC-Date").startswith("2024-02-07T")
                assert headers.get_header("WARC-Date").endswith(".123456Z")
                assert headers.get_header("WARC-IP-Address") == w.exchange.ip_address
                assert record.http_headers.get_statuscode() == str(w.exchange.status)
                assert record.http_headers.get_header("Transfer-Encoding") is None
                if record.rec_type == "revisit":
                    assert content == b""
                    profile = headers.get_header("WARC-Profile")
                    assert profile == (PROFILE_NOT_MODIFIED if w.exchange.status == 304
                                       else PROFILE_IDENTICAL)
                    assert headers.get_header("WARC-Refers-To-Target-URI") == w.exchange.url
                    assert headers.get_header("WARC-Refers-To")
                else:
                    # warcio undoes the gzip content-encoding and must not de-chunk again.
                    assert content == w.exchange.body
            assert types[0] == "warcinfo"
            assert types.count("warcinfo") == 1
    assert not by_id
    assert seen == len(written)


def test_warcio_check_cli_passes(crawl: tuple[Path, list[Written]]) -> None:
    directory, _ = crawl
    files = [str(p) for p in list_warc_files(directory)]
    result = subprocess.run([WARCIO, "check", "-v", *files], capture_output=True, text=True,
                            check=False, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest pass" in result.stdout
    assert "failed" not in result.stdout


def test_every_pointer_rereads_its_record(crawl: tuple[Path, list[Written]]) -> None:
    directory, written = crawl
    by_id = {w.archived.record_id: w for w in written}
    for w in written:
        stored = read_response(directory, w.archived.response)
        assert stored.record_id == w.archived.record_id
        assert stored.target_uri == w.exchange.url
        assert stored.date == w.exchange.fetched_at
        assert stored.status == w.exchange.status
        assert stored.is_revisit == w.archived.is_revisit
        assert stored.digest_problems == ()
        assert stored.decode_error is None
        if w.archived.is_revisit:
            assert stored.raw_payload == b""
            original = by_id[str(stored.refers_to)]
            assert stored.refers_to_date == original.exchange.fetched_at
            assert stored.refers_to_uri == original.exchange.url
            assert stored.payload_digest == w.archived.payload_digest
        else:
            assert stored.raw_payload == w.exchange.raw_body
            assert stored.payload == w.exchange.body
        assert stored.ip_address == w.exchange.ip_address


def test_iter_warc_finds_every_capture_with_its_request(
    crawl: tuple[Path, list[Written]],
) -> None:
    directory, written = crawl
    entries: list[WarcEntry] = []
    for path in list_warc_files(directory):
        for item in iter_warc(path, directory):
            assert not isinstance(item, DamagedRecord), item
            entries.append(item)
    assert [e.pointer for e in entries] == [w.archived.response for w in written]
    assert [e.request for e in entries] == [w.archived.request for w in written]
    gbk = next(e for e in entries if e.header("Content-Type") == "text/html" and e.raw_payload)
    assert gbk.payload.decode("gbk") == GBK_PAGE
    chunked = next(e for e in entries if e.header("X-Crawler-Transfer-Encoding"))
    assert chunked.payload == chunked.raw_payload
    assert all(e.request_method == "GET" for e in entries)


def test_rotation_starts_new_files_each_with_warcinfo(
    crawl: tuple[Path, list[Written]],
) -> None:
    directory, written = crawl
    files = list_warc_files(directory)
    assert len(files) >= 3
    in_write_order = list(dict.fromkeys(w.archived.response.filename for w in written))
    assert [f.name for f in files] == in_write_order
    for path in files:
        size = path.stat().st_size
        exchanges = [w for w in written if w.archived.response.filename == path.name]
        largest = max(w.archived.response.length + (w.archived.request.length
                      if w.archived.request else 0) for w in exchanges)
        assert size <= 20_000 or (len(exchanges) == 1 and largest > 15_000)


def test_each_session_opens_a_new_file_and_leaves_old_ones_alone(tmp_path: Path) -> None:
    options = WarcOptions(tmp_path, fsync=False)
    with WarcWriter(options) as first:
        a = first.write_exchange(build_exchange())
    before = (tmp_path / a.response.filename).read_bytes()
    with WarcWriter(options) as second:
        b = second.write_exchange(build_exchange(seconds=1))
        c = second.write_exchange(build_exchange(seconds=2))
    assert b.response.filename != a.response.filename
    assert c.response.filename == b.response.filename
    assert (tmp_path / a.response.filename).read_bytes() == before
    assert [p.name for p in list_warc_files(tmp_path)] == [a.response.filename,
                                                           b.response.filename]


def test_writer_refuses_after_close_and_bad_options(tmp_path: Path) -> None:
    writer = WarcWriter(WarcOptions(tmp_path, fsync=False))
    writer.close()
    with pytest.raises(ArchiveError, match="closed"):
        writer.write_exchange(build_exchange())
    with pytest.raises(ArchiveError, match="prefix"):
        WarcOptions(tmp_path, prefix="my-crawl")
    with pytest.raises(ArchiveError, match="max_file_bytes"):
        WarcOptions(tmp_path, max_file_bytes=0)
    assert list_warc_files(tmp_path) == []  # nothing written, no empty files


def test_unwritable_directory_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with WarcWriter(WarcOptions(blocker / "warc")) as writer, \
            pytest.raises(ArchiveError, match="cannot create the WARC directory"):
        writer.write_exchange(build_exchange())
