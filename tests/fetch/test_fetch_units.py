"""The pure parts of fetch, tested without a server."""

from __future__ import annotations

import gzip
import socket
import zlib
from datetime import UTC, datetime

import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from kuaizhao.errors import BlockedAddressError
from kuaizhao.fetch import FetchOptions, PublicOnlyResolver, resolve_is_public
from kuaizhao.fetch.content_coding import decode_content
from kuaizhao.fetch.retry import backoff_delay, is_retryable_status, parse_retry_after
from kuaizhao.fetch.robots import policy_from_result
from kuaizhao.models import FetchOutcome, FetchResult, HttpExchange

NOW = datetime(2024, 2, 7, 13, 0, tzinfo=UTC)


def test_parse_retry_after() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Wed, 07 Feb 2024 13:00:30 GMT", NOW) == 30.0
    assert parse_retry_after("Wed, 07 Feb 2024 12:00:00 GMT", NOW) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-5") is None


def test_retryable_statuses_and_backoff() -> None:
    assert [s for s in (200, 304, 400, 404, 408, 429, 500, 503) if is_retryable_status(s)] == [
        408, 429, 500, 503]
    assert [backoff_delay(n, 0.5, jitter=False) for n in range(4)] == [0.5, 1.0, 2.0, 4.0]
    assert all(1.0 <= backoff_delay(1, 1.0, jitter=True) <= 2.0 for _ in range(50))


def test_decode_content_codings() -> None:
    data = "正文".encode() * 100
    assert decode_content(data, None, 10_000).body == data
    assert decode_content(gzip.compress(data), "gzip", 10_000).body == data
    assert decode_content(zlib.compress(data), "deflate", 10_000).body == data
    raw_deflate = zlib.compressobj(wbits=-15)
    raw = raw_deflate.compress(data) + raw_deflate.flush()
    assert decode_content(raw, "deflate", 10_000).body == data
    twice = gzip.compress(zlib.compress(data))
    assert decode_content(twice, "deflate, gzip", 10_000).body == data
    bomb = decode_content(gzip.compress(b"\0" * 1_000_000), "gzip", 10_000)
    assert bomb.too_large
    assert bomb.body is None
    cut = decode_content(gzip.compress(data)[:-20], "gzip", 10_000)
    assert cut.truncated
    junk = decode_content(b"not gzip at all", "gzip", 10_000)
    assert junk.body is None
    assert "could not be decoded" in (junk.error or "")
    assert "unsupported" in (decode_content(data, "zstd-ish", 10_000).error or "")


def _robots_result(status: int | None, body: bytes = b"",
                   outcome: FetchOutcome = FetchOutcome.OK) -> FetchResult:
    if status is None:
        return FetchResult("http://a.example/robots.txt", outcome, (), "refused")
    exchange = HttpExchange("GET", "http://a.example/robots.txt", (), status, "", "1.1", (),
                            body, body, NOW)
    return FetchResult("http://a.example/robots.txt", outcome, (exchange,))


def test_robots_policy_from_each_kind_of_answer() -> None:
    ok = policy_from_result(_robots_result(
        200, b"User-agent: kuaizhao\nDisallow: /x\nCrawl-delay: 3\n\nUser-agent: *\nDisallow: /"),
        "kuaizhao", 0, 100, 10)
    assert ok.allows("http://a.example/y", "kuaizhao")
    assert not ok.allows("http://a.example/x/1", "kuaizhao")
    assert ok.crawl_delay == 3.0
    assert ok.expires_at == 100
    gone = policy_from_result(_robots_result(404, outcome=FetchOutcome.GONE), "kuaizhao", 0,
                              100, 10)
    assert gone.allows("http://a.example/anything", "kuaizhao")
    for status in (500, 503, 429):
        err = policy_from_result(_robots_result(status, outcome=FetchOutcome.HTTP_ERROR),
                                 "kuaizhao", 0, 100, 10)
        assert not err.allows("http://a.example/anything", "kuaizhao")
        assert err.expires_at == 10
        assert err.failure is None
    down = policy_from_result(_robots_result(None, outcome=FetchOutcome.CONNECTION_ERROR),
                              "kuaizhao", 0, 100, 10)
    assert not down.allows("http://a.example/", "kuaizhao")
    assert down.failure is FetchOutcome.CONNECTION_ERROR


def test_options_validation_and_robots_agent() -> None:
    assert FetchOptions().robots_agent == "kuaizhao"
    with pytest.raises(ValueError, match="max_body_bytes"):
        FetchOptions(max_body_bytes=0)
    with pytest.raises(ValueError, match="retries"):
        FetchOptions(retries=-1)
    with pytest.raises(ValueError, match="user_agent"):
        FetchOptions(user_agent=" ")


class _FixedResolver(AbstractResolver):
    """Answers every name with fixed addresses, like a rebinding DNS server would."""

    def __init__(self, addresses: list[str]) -> None:
        self.addresses = addresses

    async def resolve(self, host: str, port: int = 0,
                      family: socket.AddressFamily = socket.AF_INET) -> list[ResolveResult]:
        return [{"hostname": host, "host": a, "port": port, "family": family, "proto": 0,
                 "flags": 0} for a in self.addresses]

    async def close(self) -> None:
        return None


async def test_public_only_resolver_filters_and_refuses() -> None:
    mixed = PublicOnlyResolver(_FixedResolver(["10.0.0.7", "93.184.215.14"]))
    assert [r["host"] for r in await mixed.resolve("news.example", 80)] == ["93.184.215.14"]
    rebinding = PublicOnlyResolver(_FixedResolver(["127.0.0.1", "169.254.169.254"]))
    with pytest.raises(BlockedAddressError, match=r"169\.254\.169\.254"):
        await rebinding.resolve("news.example", 80)
    with pytest.raises(BlockedAddressError):
        await PublicOnlyResolver(_FixedResolver(["93.184.215.14"])).resolve("localhost", 80)


async def test_resolve_is_public_for_local_names() -> None:
    assert not await resolve_is_public("localhost")
    assert not await resolve_is_public("127.0.0.1")
