"""The fetcher's settings and a request's cache validators."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits and politeness for one `Fetcher`. Defaults suit crawling real sites;
    tests shrink the intervals so a suite runs in seconds."""

    user_agent: str = "kuaizhao/0.1 (+https://github.com/kuaizhao/kuaizhao; news snapshot archive)"
    timeout: float = 30.0  # total per request attempt: connect, headers and body
    connect_timeout: float = 10.0
    max_body_bytes: int = 10 * 1024 * 1024  # raw and decoded alike
    max_redirects: int = 5
    retries: int = 3  # on 408/429/5xx and connection errors
    backoff_base: float = 1.0  # seconds; doubles per attempt
    backoff_jitter: bool = True  # False gives exact delays, for tests
    max_retry_after: float = 120.0  # a longer Retry-After ends the fetch instead of waiting
    min_host_interval: float = 1.0  # seconds between request starts to one host
    max_crawl_delay: float = 60.0  # a robots.txt Crawl-delay above this is capped
    host_concurrency: int = 1
    total_concurrency: int = 16
    obey_robots: bool = True
    robots_ttl: float = 24 * 3600.0  # RFC 9309 §2.4: cache robots.txt at most a day
    robots_error_ttl: float = 600.0  # how long an unreachable robots.txt means "disallow"
    # Private, loopback and link-local addresses are refused at connect time unless
    # allowed here (the crawl_allow_private setting) or named by a source's own URL:
    # `own_hosts` holds those (host, port) pairs, see fetch/addresses.py.
    allow_private_addresses: bool = False
    own_hosts: frozenset[tuple[str, int]] = frozenset()

    def __post_init__(self) -> None:
        for name in ("timeout", "connect_timeout", "max_body_bytes", "host_concurrency",
                     "total_concurrency"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FetchOptions.{name} must be positive, got {getattr(self, name)}")
        for name in ("max_redirects", "retries", "backoff_base", "max_retry_after",
                     "min_host_interval", "max_crawl_delay", "robots_ttl", "robots_error_ttl"):
            if getattr(self, name) < 0:
                raise ValueError(f"FetchOptions.{name} must not be negative, "
                                 f"got {getattr(self, name)}")
        if not self.user_agent.strip():
            raise ValueError("FetchOptions.user_agent must identify the crawler; it is empty")

    @property
    def robots_agent(self) -> str:
        """The product token robots.txt groups are matched against (RFC 9309 §2.2.1):
        the User-Agent up to its first `/` or space, lowercased."""
        return self.user_agent.split("/", 1)[0].split(" ", 1)[0].lower()


@dataclass(frozen=True, slots=True)
class Validators:
    """What the last capture of a URL said, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None
