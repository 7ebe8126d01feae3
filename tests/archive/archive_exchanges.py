"""Exchanges to archive: the kinds of responses a news crawler really gets.

A uniquely named helper module (not conftest) so imports cannot clash with other test folders.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from kuaizhao.models import HttpExchange

BASE_TIME = datetime(2024, 2, 7, 13, 2, 0, 123456, tzinfo=UTC)

MakeExchange = Callable[..., HttpExchange]


def build_exchange(
    url: str = "https://news.example.cn/a/1.html",
    body: bytes = b"<html><title>t</title><p>hello</p></html>",
    *,
    status: int = 200,
    reason: str = "OK",
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),),
    content_encoding: str | None = None,
    chunked: bool = False,
    seconds: float = 0,
    ip_address: str | None = "203.0.113.7",
) -> HttpExchange:
    raw = body
    response_headers = list(headers)
    if content_encoding == "gzip":
        raw = gzip.compress(body, mtime=0)
        response_headers.append(("Content-Encoding", "gzip"))
    if chunked:
        response_headers.append(("Transfer-Encoding", "chunked"))
    else:
        response_headers.append(("Content-Length", str(len(raw))))
    return HttpExchange(
        method="GET",
        url=url,
        request_headers=(("User-Agent", "kuaizhao-test/0.1"), ("Accept-Encoding", "gzip")),
        status=status,
        reason=reason,
        http_version="1.1",
        response_headers=tuple(response_headers),
        raw_body=raw,
        body=body,
        fetched_at=BASE_TIME + timedelta(seconds=seconds),
        ip_address=ip_address,
    )
