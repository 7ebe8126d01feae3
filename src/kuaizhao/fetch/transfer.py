"""One HTTP request and its response, read within the limits, as an `HttpExchange`.

Every network failure becomes an `Attempt` with an outcome and a message; nothing
here raises for something the network did.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp

from kuaizhao.errors import BlockedAddressError
from kuaizhao.fetch.content_coding import decode_content
from kuaizhao.models import FetchOutcome, Headers, HttpExchange

_CHUNK = 1 << 16
_NO_BODY = frozenset({204, 304})


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one request went: an exchange when a whole response came back, else an
    outcome and error. `retryable` marks connection errors worth another try."""

    exchange: HttpExchange | None = None
    outcome: FetchOutcome | None = None
    error: str | None = None
    retryable: bool = False


def _headers(raw: tuple[tuple[bytes, bytes], ...]) -> Headers:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)


def _peer_ip(response: aiohttp.ClientResponse) -> str | None:
    """The address the response came from. aiohttp hands a connection back to the pool
    as soon as a small body has arrived, before we see the response, so fall back to
    the response's protocol (private, hence getattr) which keeps the transport."""
    conn = response.connection
    transport = conn.transport if conn is not None else None
    if transport is None:
        protocol = getattr(response, "_protocol", None)
        transport = getattr(protocol, "transport", None)
    peer = transport.get_extra_info("peername") if transport is not None else None
    return str(peer[0]) if peer else None


def _declared_length(response: aiohttp.ClientResponse) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


async def _read_raw(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The body as sent, or None once it passes `limit` (nothing partial is kept)."""
    raw = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        raw += chunk
        if len(raw) > limit:
            return None
    return bytes(raw)


async def request_once(session: aiohttp.ClientSession, url: str, headers: dict[str, str],
                       *, timeout: aiohttp.ClientTimeout, max_body_bytes: int) -> Attempt:
    """GET `url` once, without following redirects, and read it within the limits."""
    fetched_at = datetime.now(UTC)
    try:
        async with session.get(url, headers=headers, allow_redirects=False,
                               timeout=timeout) as response:
            ip = _peer_ip(response)  # the connector's AddressGuard already allowed it
            declared = _declared_length(response)
            if declared is not None and declared > max_body_bytes:
                return Attempt(outcome=FetchOutcome.TOO_LARGE, error=(
                    f"Content-Length {declared} exceeds max_body_bytes={max_body_bytes}"))
            raw = await _read_raw(response, max_body_bytes)
            if raw is None:
                return Attempt(outcome=FetchOutcome.TOO_LARGE, error=(
                    f"body passed max_body_bytes={max_body_bytes} while reading; discarded"))
            status = response.status
            if declared is not None and status not in _NO_BODY and len(raw) != declared:
                return Attempt(outcome=FetchOutcome.TRUNCATED, error=(
                    f"received {len(raw)} of {declared} bytes announced by Content-Length"))
            decoded = decode_content(raw, response.headers.get("Content-Encoding"),
                                     max_body_bytes)
            if decoded.body is None:
                outcome = (FetchOutcome.TOO_LARGE if decoded.too_large else
                           FetchOutcome.TRUNCATED if decoded.truncated else
                           FetchOutcome.HTTP_ERROR)
                return Attempt(outcome=outcome, error=decoded.error)
            request_headers = tuple(response.request_info.headers.items())
            version = response.version
            return Attempt(exchange=HttpExchange(
                method="GET", url=url, request_headers=request_headers, status=status,
                reason=response.reason or "",
                http_version=f"{version.major}.{version.minor}" if version else "1.1",
                response_headers=_headers(response.raw_headers), raw_body=raw,
                body=decoded.body, fetched_at=fetched_at, ip_address=ip))
    except BlockedAddressError as exc:
        return Attempt(outcome=FetchOutcome.BLOCKED_ADDRESS, error=str(exc))
    except (aiohttp.ClientConnectorCertificateError, aiohttp.ClientSSLError,
            ssl.SSLError) as exc:
        return Attempt(outcome=FetchOutcome.TLS_ERROR, error=f"TLS failed for {url}: {exc}")
    except TimeoutError:
        return Attempt(outcome=FetchOutcome.TIMEOUT,
                       error=f"no complete response from {url} within {timeout.total} s")
    except aiohttp.ClientPayloadError as exc:
        return Attempt(outcome=FetchOutcome.TRUNCATED,
                       error=f"the server closed before the body was complete: {exc}")
    except aiohttp.ClientResponseError as exc:
        return Attempt(outcome=FetchOutcome.HTTP_ERROR,
                       error=f"invalid HTTP response from {url}: {exc.message}")
    except (aiohttp.ClientError, OSError) as exc:
        return Attempt(outcome=FetchOutcome.CONNECTION_ERROR, retryable=True,
                       error=f"cannot connect to {url}: {exc or type(exc).__name__}")
