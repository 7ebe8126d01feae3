"""The Fetcher: kuaizhao's only network client.

`fetch(url)` follows redirects by hand so each hop is its own `HttpExchange`,
checks robots.txt for every URL it requests, paces each host, retries what is worth
retrying, and always returns a `FetchResult` — a network failure is an outcome, not
an exception.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urlsplit

import aiohttp

from kuaizhao.errors import UsageError
from kuaizhao.fetch.addresses import AddressGuard, PublicOnlyResolver
from kuaizhao.fetch.content_coding import ACCEPT_ENCODING
from kuaizhao.fetch.options import FetchOptions, Validators
from kuaizhao.fetch.politeness import Politeness, SharedPacing
from kuaizhao.fetch.retry import backoff_delay, is_retryable_status, parse_retry_after
from kuaizhao.fetch.robots import RobotsCache
from kuaizhao.fetch.transfer import Attempt, request_once
from kuaizhao.models import FetchOutcome, FetchResult, HttpExchange
from kuaizhao.urls import DEFAULT_PORTS, host_key, normalize_url

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _header(exchange: HttpExchange, name: str) -> str | None:
    for key, value in exchange.response_headers:
        if key.lower() == name:
            return value
    return None


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or DEFAULT_PORTS[parts.scheme]


def _outcome_for_status(status: int) -> FetchOutcome:
    if 200 <= status < 300:
        return FetchOutcome.OK
    if status == 304:
        return FetchOutcome.NOT_MODIFIED
    if status in (404, 410):
        return FetchOutcome.GONE
    return FetchOutcome.HTTP_ERROR


class Fetcher:
    """An async context manager owning one aiohttp session, its politeness state and
    its robots.txt cache. Share one Fetcher among all concurrent fetches."""

    def __init__(self, options: FetchOptions | None = None,
                 pacing: SharedPacing | None = None) -> None:
        self.options = options or FetchOptions()
        self._pacing = pacing
        self._session: aiohttp.ClientSession | None = None
        self._politeness: Politeness | None = None
        self._robots: RobotsCache | None = None
        self._guard = AddressGuard(self.options.allow_private_addresses,
                                   self.options.own_hosts)

    async def __aenter__(self) -> Fetcher:
        opts = self.options
        connector = aiohttp.TCPConnector(limit=opts.total_concurrency, limit_per_host=0,
                                         resolver=PublicOnlyResolver(guard=self._guard),
                                         socket_factory=self._guard.socket_factory,
                                         use_dns_cache=True)
        self._session = aiohttp.ClientSession(
            connector=connector, auto_decompress=False, trust_env=False,
            # Stateless: what a capture shows never depends on what was fetched before.
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"User-Agent": opts.user_agent}, skip_auto_headers=("Accept-Encoding",),
        )
        self._politeness = Politeness(opts.host_concurrency, opts.total_concurrency,
                                      opts.min_host_interval, self._pacing)
        self._robots = RobotsCache(self._fetch_robots_txt, opts.robots_agent, opts.robots_ttl,
                                   opts.robots_error_ttl)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None

    def _state(self) -> tuple[aiohttp.ClientSession, Politeness, RobotsCache]:
        if self._session is None or self._politeness is None or self._robots is None:
            raise RuntimeError("use `async with Fetcher(options) as fetcher:` before fetching")
        return self._session, self._politeness, self._robots

    def host_stats(self) -> dict[str, tuple[int, int, float]]:
        """Per host key: (requests made, requests in flight, seconds between starts)."""
        return self._state()[1].stats()

    async def robots_allows(self, url: str) -> bool:
        """Whether robots.txt lets kuaizhao fetch `url` (fetching robots.txt if needed)."""
        _, _, robots = self._state()
        url = normalize_url(url)
        policy = await robots.policy(host_key(url))
        return policy.allows(url, self.options.robots_agent)

    async def fetch(self, url: str, validators: Validators | None = None) -> FetchResult:
        """GET `url`, conditional when `validators` are given. Raises only UsageError
        for a URL that is not http(s); every network outcome is a FetchResult."""
        return await self._fetch_chain(normalize_url(url), validators,
                                       check_robots=self.options.obey_robots)

    async def _fetch_robots_txt(self, robots_url: str) -> FetchResult:
        return await self._fetch_chain(robots_url, None, check_robots=False)

    async def _fetch_chain(self, url: str, validators: Validators | None,
                           check_robots: bool) -> FetchResult:
        _, politeness, robots = self._state()
        started = datetime.now(UTC)
        exchanges: list[HttpExchange] = []
        current = url
        for _hop in range(self.options.max_redirects + 1):
            if not self._guard.allows_host(*_host_port(current)):
                return FetchResult(url, FetchOutcome.BLOCKED_ADDRESS, tuple(exchanges), (
                    f"{current} points at a private, loopback or link-local address; refused "
                    "(crawl_allow_private, or a source whose own URL names it, allows it)"),
                    started)
            if check_robots:
                policy = await robots.policy(host_key(current))
                politeness.set_crawl_delay(host_key(current), min(
                    policy.crawl_delay or 0.0, self.options.max_crawl_delay))
                if not policy.allows(current, self.options.robots_agent):
                    if policy.failure is not None:
                        return FetchResult(url, policy.failure, tuple(exchanges),
                                           f"not requested: {policy.reason}", started)
                    return FetchResult(url, FetchOutcome.ROBOTS_DISALLOWED, tuple(exchanges),
                                       f"{current} is disallowed by {policy.reason}", started)
            attempt = await self._request_with_retries(current, validators if not exchanges
                                                       else None)
            if attempt.exchange is None:
                assert attempt.outcome is not None
                return FetchResult(url, attempt.outcome, tuple(exchanges), attempt.error,
                                   started)
            exchange = attempt.exchange
            exchanges.append(exchange)
            location = _header(exchange, "location")
            if exchange.status not in REDIRECT_STATUSES or not location:
                outcome = _outcome_for_status(exchange.status)
                error = attempt.error if outcome is FetchOutcome.HTTP_ERROR else None
                if outcome in (FetchOutcome.HTTP_ERROR, FetchOutcome.GONE) and error is None:
                    error = f"{current} answered HTTP {exchange.status} {exchange.reason}".strip()
                return FetchResult(url, outcome, tuple(exchanges), error, started)
            try:
                current = normalize_url(location, current)
            except UsageError as exc:
                return FetchResult(url, FetchOutcome.HTTP_ERROR, tuple(exchanges),
                                   f"redirect to an unfetchable location: {exc}", started)
        return FetchResult(url, FetchOutcome.TOO_MANY_REDIRECTS, tuple(exchanges),
                           f"more than max_redirects={self.options.max_redirects} redirects; "
                           f"last location {current}", started)

    async def _request_with_retries(self, url: str, validators: Validators | None) -> Attempt:
        session, politeness, _ = self._state()
        opts = self.options
        headers = {"Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING}
        if validators is not None and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators is not None and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        timeout = aiohttp.ClientTimeout(total=opts.timeout, sock_connect=opts.connect_timeout)
        key = host_key(url)
        attempt = Attempt(outcome=FetchOutcome.CONNECTION_ERROR, error="not attempted")
        for number in range(opts.retries + 1):
            async with politeness.slot(key):
                attempt = await request_once(session, url, headers, timeout=timeout,
                                             max_body_bytes=opts.max_body_bytes)
            status = attempt.exchange.status if attempt.exchange is not None else None
            retry = attempt.retryable or (status is not None and is_retryable_status(status))
            if not retry:
                return attempt
            delay = backoff_delay(number, opts.backoff_base, opts.backoff_jitter)
            if attempt.exchange is not None:
                wanted = parse_retry_after(_header(attempt.exchange, "retry-after"))
                if wanted is not None and wanted > opts.max_retry_after:
                    politeness.gate(key).defer(opts.max_retry_after)
                    return Attempt(exchange=attempt.exchange, error=(
                        f"{url} answered HTTP {status} asking to wait {wanted:.0f} s "
                        f"(Retry-After), more than max_retry_after={opts.max_retry_after:.0f} s; "
                        "try again later"))
                delay = max(delay, wanted or 0.0)
            if number == opts.retries:
                break
            politeness.gate(key).defer(delay)
        if attempt.exchange is not None and attempt.error is None:
            return Attempt(exchange=attempt.exchange, error=(
                f"{url} answered HTTP {attempt.exchange.status} after {opts.retries + 1} "
                "attempts"))
        return attempt
