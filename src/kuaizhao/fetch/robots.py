"""robots.txt per RFC 9309, fetched once per host and cached.

How the fetch of robots.txt ended decides the policy (§2.3.1): a parsed file is
obeyed; 4xx ("unavailable") allows everything; a server error, 429 or an unreachable
host disallows everything until `robots_error_ttl` passes and it is tried again.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from protego import Protego

from kuaizhao.models import FetchOutcome, FetchResult

# RFC 9309 §2.5: crawlers must parse at least 500 KiB; beyond that may be ignored.
MAX_ROBOTS_BYTES = 500 * 1024
# The spellings protego also reads as a user-agent line ("User agent foo", "useragent:").
_USER_AGENT_LINE = re.compile(r"^([ \t]*user[- \t]?agent)(?:[ \t]*:|[ \t]+)([^\n]*)$", re.I | re.M)
_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]*")


def _product(value: str) -> str:
    """The product token a user-agent value starts with, as Google's reference parser
    reads it: `Kuaizhao/1.0 (+https://...)` -> `kuaizhao`."""
    match = _PRODUCT_TOKEN.match(value.strip())
    return match.group(0).lower() if match else ""


def groups_for(text: str, token: str) -> str:
    """robots.txt with each user-agent line reduced to what RFC 9309 §2.2.1 matches.

    The line names our crawler when its product token equals ours, case-insensitively
    and whatever version follows (`kuaizhao/1.0`, `Kuaizhao`); it is `*`, the default
    group; otherwise it names another crawler and is emptied, which still ends the
    group before it. protego alone would miss `kuaizhao/1.0` and take `kuai` for us.
    """
    ours = _product(token)

    def rewrite(match: re.Match[str]) -> str:
        value = match.group(2).split("#", 1)[0].strip()
        if value == "*" or value.startswith(("* ", "*\t")):
            return f"{match.group(1)}: *"
        return f"{match.group(1)}: {ours}" if ours and _product(value) == ours else (
            f"{match.group(1)}:")

    return _USER_AGENT_LINE.sub(rewrite, text)


@dataclass(frozen=True, slots=True)
class RobotsPolicy:
    """What one host's robots.txt allows, and until when this answer stands."""

    rules: Protego | None  # None: the whole host is allowed or disallowed
    allow_all: bool
    reason: str
    expires_at: float
    crawl_delay: float | None = None
    # Set when robots.txt got no HTTP answer at all (refused, timeout, TLS): the host
    # is down, and a page fetch reports that rather than "disallowed".
    failure: FetchOutcome | None = None

    def allows(self, url: str, token: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return bool(self.rules.can_fetch(url, token))


def policy_from_result(result: FetchResult, token: str, now: float, ttl: float,
                       error_ttl: float) -> RobotsPolicy:
    """Turn the fetch of `/robots.txt` into a policy (pure; tested on its own)."""
    final = result.final
    robots_url = result.url
    if result.outcome is FetchOutcome.OK and final is not None:
        # utf-8-sig: a byte-order mark would otherwise hide the first group's first line.
        text = final.body[:MAX_ROBOTS_BYTES].decode("utf-8-sig", errors="replace")
        rules = Protego.parse(groups_for(text, token))
        delay = rules.crawl_delay(token)
        return RobotsPolicy(rules, True, f"{robots_url} (HTTP {final.status})", now + ttl,
                            float(delay) if delay is not None else None)
    status = final.status if final is not None else None
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsPolicy(None, True, f"{robots_url} is unavailable (HTTP {status}): "
                            "RFC 9309 allows crawling everything", now + ttl)
    what = f"HTTP {status}" if status is not None else (result.error or result.outcome.value)
    return RobotsPolicy(None, False, f"{robots_url} is unreachable ({what}): RFC 9309 says "
                        "assume everything is disallowed; it is tried again later",
                        now + error_ttl, failure=None if final is not None else result.outcome)


class RobotsCache:
    """One policy per host key, fetched on first use and refreshed after it expires.
    Concurrent first uses of a host wait for the one fetch instead of each fetching."""

    def __init__(self, fetch_robots: Callable[[str], Awaitable[FetchResult]], token: str,
                 ttl: float, error_ttl: float) -> None:
        self._fetch_robots = fetch_robots
        self._token = token
        self._ttl = ttl
        self._error_ttl = error_ttl
        self._policies: dict[str, RobotsPolicy] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def policy(self, key: str) -> RobotsPolicy:
        loop = asyncio.get_running_loop()
        cached = self._policies.get(key)
        if cached is not None and cached.expires_at > loop.time():
            return cached
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            cached = self._policies.get(key)
            if cached is not None and cached.expires_at > loop.time():
                return cached
            result = await self._fetch_robots(f"{key}/robots.txt")
            policy = policy_from_result(result, self._token, loop.time(), self._ttl,
                                        self._error_ttl)
            self._policies[key] = policy
            return policy
