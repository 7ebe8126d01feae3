"""Building records and the small pure pieces around them."""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from archive_exchanges import BASE_TIME, build_exchange

from kuaizhao.archive import (
    DamagedRecord,
    WarcOptions,
    WarcWriter,
    iter_warc,
    list_warc_files,
    payload_digest,
)
from kuaizhao.archive.digest import digest_matches
from kuaizhao.archive.naming import warc_filename
from kuaizhao.archive.payload import dechunk, decode_payload
from kuaizhao.archive.records import (
    PROFILE_IDENTICAL,
    PROFILE_NOT_MODIFIED,
    RecordKind,
    RevisitOf,
    build_capture,
    choose_record_kind,
    request_head,
    response_head,
    warc_date,
)
from kuaizhao.errors import ArchiveError

EMPTY_SHA1 = "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ"


def test_payload_digest_is_base32_sha1_of_raw_body() -> None:
    assert payload_digest(b"") == EMPTY_SHA1
    body = "新闻".encode("gbk")
    expected = base64.b32encode(hashlib.sha1(body).digest()).decode()  # noqa: S324
    assert payload_digest(body) == f"sha1:{expected}"


@pytest.mark.parametrize(
    "declared",
    [
        EMPTY_SHA1,
        EMPTY_SHA1.lower(),
        "sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709",  # hex
        "sha1:2jmj7l5rSw0yVb/vlWAYkK/YBwk=",  # base64
        "sha1:2jmj7l5rSw0yVb_vlWAYkK_YBwk=",  # url-safe base64
        "sha256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    ],
)
def test_digest_matches_every_spelling_other_tools_use(declared: str) -> None:
    assert digest_matches(declared, b"") is True
    assert digest_matches(declared, b"x") is False


def test_digest_that_cannot_be_checked_is_not_a_mismatch() -> None:
    assert digest_matches("nohash:ABC", b"") is None
    assert digest_matches("no-label-at-all", b"") is None
    assert digest_matches("sha1:1112H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ", b"") is False


def test_warc_date_keeps_microseconds_in_utc() -> None:
    assert warc_date(BASE_TIME) == "2024-02-07T13:02:00.123456Z"
    shanghai = timezone(timedelta(hours=8))
    assert warc_date(datetime(2024, 2, 7, 21, 2, tzinfo=shanghai)) == "2024-02-07T13:02:00Z"
    with pytest.raises(ArchiveError, match="time zone"):
        warc_date(datetime(2024, 2, 7))


def test_chunked_transfer_encoding_is_renamed_so_readers_do_not_dechunk() -> None:
    head = response_head(build_exchange(chunked=True, content_encoding="gzip"))
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nX-Crawler-Transfer-Encoding: chunked\r\n" in head
    assert b"\r\nTransfer-Encoding" not in head
    assert b"Content-Encoding: gzip\r\n" in head
    assert head.endswith(b"\r\n\r\n")


def test_request_head_has_origin_form_target_and_host() -> None:
    head = request_head(build_exchange(url="https://news.example.cn:8443/a/b?id=3&x=%E4#frag"))
    lines = head.decode().split("\r\n")
    assert lines[0] == "GET /a/b?id=3&x=%E4 HTTP/1.1"
    assert lines[1] == "Host: news.example.cn:8443"
    assert "User-Agent: kuaizhao-test/0.1" in lines


def test_header_values_cannot_break_the_record() -> None:
    exchange = build_exchange(headers=(("X-Evil", "a\r\nWARC-Type: bad"), ("X-Name", "北京")))
    head = response_head(exchange)
    assert b"X-Evil: a  WARC-Type: bad\r\n" in head
    assert "X-Name: 北京\r\n".encode() in head


@pytest.mark.parametrize(
    ("status", "same_digest", "has_original", "expected"),
    [
        (200, True, False, RecordKind.RESPONSE),
        (200, False, True, RecordKind.RESPONSE),
        (200, True, True, RecordKind.REVISIT_IDENTICAL),
        (304, False, True, RecordKind.REVISIT_NOT_MODIFIED),
        (304, False, False, RecordKind.RESPONSE),
    ],
)
def test_choose_record_kind(
    status: int, same_digest: bool, has_original: bool, expected: RecordKind
) -> None:
    digest = payload_digest(b"body")
    original = RevisitOf("<urn:uuid:1>", "http://a/", BASE_TIME,
                         digest.lower() if same_digest else payload_digest(b"other"))
    assert choose_record_kind(status, digest, original if has_original else None) is expected


def test_identical_revisit_holds_headers_only() -> None:
    exchange = build_exchange()
    original = RevisitOf("urn:uuid:0000", "https://news.example.cn/a/1.html",
                         BASE_TIME - timedelta(days=1), payload_digest(exchange.raw_body))
    capture = build_capture(exchange, original, "<urn:uuid:info>")
    record = capture.response
    fields = dict(record.headers)
    assert record.record_type == "revisit"
    assert fields["WARC-Profile"] == PROFILE_IDENTICAL
    assert fields["WARC-Refers-To"] == "<urn:uuid:0000>"
    assert fields["WARC-Refers-To-Date"] == "2024-02-06T13:02:00.123456Z"
    assert fields["WARC-Payload-Digest"] == original.payload_digest
    assert record.block == response_head(exchange)
    assert fields["Content-Length"] == str(len(record.block))
    request_fields = dict(capture.request.headers)
    assert request_fields["WARC-Concurrent-To"] == record.record_id
    assert request_fields["WARC-Warcinfo-ID"] == "<urn:uuid:info>"


def test_not_modified_revisit_carries_the_original_digest() -> None:
    exchange = build_exchange(status=304, reason="Not Modified", body=b"")
    original = RevisitOf("<urn:uuid:1>", exchange.url, BASE_TIME, payload_digest(b"old page"))
    capture = build_capture(exchange, original)
    assert capture.kind is RecordKind.REVISIT_NOT_MODIFIED
    assert dict(capture.response.headers)["WARC-Profile"] == PROFILE_NOT_MODIFIED
    assert capture.payload_digest == payload_digest(b"old page")


def test_file_names_sort_in_write_order(tmp_path: Path) -> None:
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    names = [
        warc_filename("kuaizhao", t0, 0, 99999, True),
        warc_filename("kuaizhao", t0 + timedelta(microseconds=1), 0, 7, True),
        warc_filename("kuaizhao", t0 + timedelta(microseconds=1), 1, 7, False),
        warc_filename("kuaizhao", t0 + timedelta(days=400), 12, 7, True),
    ]
    (tmp_path / "imported").mkdir()
    for name in [*reversed(names), "notes.txt", "imported/old.arc.gz"]:
        (tmp_path / name).write_bytes(b"")
    assert [p.relative_to(tmp_path).as_posix() for p in list_warc_files(tmp_path)] == [
        *names, "imported/old.arc.gz"]
    assert list_warc_files(tmp_path / "missing") == []


def test_decode_payload_undoes_chunking_and_content_encoding() -> None:
    body = "正文".encode() * 100
    zipped = gzip.compress(body)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(zipped[i:i + 50]), zipped[i:i + 50])
                       for i in range(0, len(zipped), 50)) + b"0\r\n\r\n"
    headers = (("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip"))
    assert dechunk(chunked) == zipped
    assert decode_payload(chunked, headers).body == body
    raw_deflate = zlib.compressobj(wbits=-15)
    deflated = raw_deflate.compress(body) + raw_deflate.flush()
    assert decode_payload(deflated, (("content-encoding", "deflate"),)).body == body


def test_decode_payload_reports_what_it_could_not_undo() -> None:
    truncated = decode_payload(gzip.compress(b"x" * 1000)[:20], (("Content-Encoding", "gzip"),))
    assert truncated.error is not None
    assert "truncated" in truncated.error
    plain = decode_payload(b"<html>", (("Content-Encoding", "gzip"),))
    assert plain.body == b"<html>"
    assert plain.error is not None
    brotli = decode_payload(b"\x8b", (("Content-Encoding", "br"),))
    assert brotli.error is not None
    assert "not supported" in brotli.error
    not_chunked = decode_payload(b"<html>", (("Transfer-Encoding", "chunked"),))
    assert not_chunked.body == b"<html>"
    assert not_chunked.error is not None


def test_extra_warc_fields_go_on_the_response_and_are_checked(tmp_path: Path) -> None:
    with WarcWriter(WarcOptions(tmp_path, fsync=False)) as writer:
        archived = writer.write_exchange(build_exchange(), None, (("Kuaizhao-Link-Kind", "feed"),))
        with pytest.raises(ArchiveError, match="not allowed"):
            writer.write_exchange(build_exchange(), None, (("WARC-Type", "x"),))
    (entry,) = iter_warc(tmp_path / archived.response.filename)
    assert not isinstance(entry, DamagedRecord)
    assert entry.warc_header("kuaizhao-link-kind") == "feed"
