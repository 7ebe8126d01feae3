"""The WebSub subscriber: subscribe at the hubs feeds advertise, renew leases, and
turn verified pushes (queued by the web callback, `web/websub.py`) into article URLs
due at once.

Subscription requests are form POSTs to the hub (spec §5.1), the one kind of request
the GET-only Fetcher does not make; they carry the crawler's User-Agent and the same
timeout. The hub then verifies intent with a GET to our callback, which the web app
answers from the subscription recorded here before the request is sent.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

import aiohttp

from kuaizhao.config import Settings
from kuaizhao.discover.websub import DEFAULT_LEASE, HubLinks, needs_request
from kuaizhao.errors import BlockedAddressError
from kuaizhao.fetch.addresses import AddressGuard, PublicOnlyResolver
from kuaizhao.models import LinkKind
from kuaizhao.pipeline.discovery import DiscoveryReader
from kuaizhao.pipeline.schedule import item_time
from kuaizhao.schedule import PRIORITY_PUSHED_ARTICLE
from kuaizhao.sources import SourceConfig, own_private_hosts
from kuaizhao.store.base import FrontierEntry, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WebSubOptions:
    """`callback_base` is this archive's public URL as hubs reach it (the site served
    by `kuaizhao serve`); callbacks are `<callback_base>/websub/<id>`."""

    callback_base: str
    lease_seconds: int = DEFAULT_LEASE
    user_agent: str = "kuaizhao"
    timeout: float = 30.0
    allow_private: bool = False  # the crawler's address policy (crawl_allow_private)


class WebSubSubscriber:
    def __init__(self, store: Store, options: WebSubOptions,
                 sources: dict[int, SourceConfig], clock: Callable[[], datetime]) -> None:
        self.store = store
        self.options = options
        self.sources = sources
        self.now = clock
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None

    def callback_url(self, subscription_id: int) -> str:
        return f"{self.options.callback_base.rstrip('/')}/websub/{subscription_id}"

    def maintain(self, hubs: Mapping[str, HubLinks], source_of: Mapping[str, int]) -> None:
        """Send the (re)subscription requests that are due, in the background."""
        now = self.now()
        for feed_url, links in hubs.items():
            pair = links.topic_and_hub
            if pair is None or any(t.get_name() == pair[0] for t in self._tasks):
                continue
            topic, hub = pair
            sub = self.store.websub_subscription(topic)
            if sub is not None and not needs_request(sub.state, sub.requested_at,
                                                     sub.expires_at, sub.lease_seconds, now):
                continue
            task = asyncio.create_task(self._subscribe(topic, hub, source_of.get(feed_url)),
                                       name=topic)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _subscribe(self, topic: str, hub: str, source_id: int | None) -> None:
        with self.store.transaction():
            sub = self.store.websub_request(topic, hub, source_id, secrets.token_hex(20),
                                            self.now())
        form = {"hub.mode": "subscribe", "hub.topic": topic,
                "hub.callback": self.callback_url(sub.id), "hub.secret": sub.secret,
                "hub.lease_seconds": str(self.options.lease_seconds)}
        error = None
        try:
            if self._session is None:
                # A hub is named by a feed, so it gets the crawler's address policy.
                guard = AddressGuard(self.options.allow_private,
                                     own_private_hosts(list(self.sources.values())))
                self._session = aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(resolver=PublicOnlyResolver(guard=guard),
                                                   socket_factory=guard.socket_factory),
                    headers={"User-Agent": self.options.user_agent}, trust_env=False)
            async with self._session.post(
                    hub, data=form, timeout=aiohttp.ClientTimeout(total=self.options.timeout),
                    allow_redirects=False) as response:
                body = (await response.text(errors="replace"))[:200]
                if not 200 <= response.status < 300:
                    error = f"hub {hub} answered HTTP {response.status}: {body.strip()}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"hub {hub} unreachable: {exc or type(exc).__name__}"
        except BlockedAddressError as exc:
            error = f"hub {hub} refused: {exc}"
        if error is not None:
            log.warning("WebSub subscription to %s failed: %s", topic, error)
            with self.store.transaction():
                self.store.websub_set_state(sub.id, "failed", self.now(), error=error)
        else:
            log.info("WebSub subscription to %s requested at %s", topic, hub)

    def drain(self) -> list[FrontierEntry]:
        """Article URLs announced by pushes received since the last call (call inside a
        transaction: the pushes leave the inbox with it)."""
        entries: list[FrontierEntry] = []
        now = self.now()
        for push in self.store.websub_take_pushes():
            source = self.sources.get(push.source_id) if push.source_id is not None else None
            # A push that cannot be read is dropped with a warning: left in the inbox it
            # would stop every later drain, and the feed's next poll lists its items anyway.
            read = DiscoveryReader(set()).read(LinkKind.FEED, push.topic, push.body,
                                               push.topic, source)
            if read.failure is not None:
                log.warning("WebSub push for %s dropped: %s", push.topic, read.failure)
                continue
            articles = [c for c in read.result.candidates if c.kind is LinkKind.ARTICLE]
            new = set(self.store.add_poll_items(
                push.topic, [(c.url, item_time(c, now)) for c in articles], now))
            entries += [FrontierEntry(url=c.url, source_id=push.source_id,
                                      kind=LinkKind.ARTICLE, due_at=now,
                                      priority=PRIORITY_PUSHED_ARTICLE, category_hint=c.category,
                                      title_hint=c.title)
                        for c in articles if c.url in new]
        return entries

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None


def websub_options(settings: Settings) -> WebSubOptions | None:
    """WebSub is on when the site has a public address hubs can reach (`public_url`)."""
    public: str = settings.public_url
    if not public:
        return None
    return WebSubOptions(callback_base=public, user_agent=settings.user_agent,
                         timeout=settings.fetch_timeout,
                         allow_private=settings.crawl_allow_private)
