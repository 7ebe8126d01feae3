"""A hub is named by a feed, so subscribing there follows the crawler's address
policy: a hub on a private address is refused before anything connects to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web

from kuaizhao.config import load_settings
from kuaizhao.discover.websub import HubLinks
from kuaizhao.pipeline.websub import WebSubOptions, WebSubSubscriber
from kuaizhao.store import open_store

NOW = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
TOPIC = "https://news.example.cn/rss"


@pytest.fixture
async def hub() -> AsyncIterator[tuple[str, list[str]]]:
    """A WebSub hub on loopback that accepts every subscription request."""
    seen: list[str] = []

    async def accept(request: web.Request) -> web.Response:
        seen.append((await request.post())["hub.topic"])  # type: ignore[arg-type]
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/", accept)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/", seen
    await runner.cleanup()


@pytest.mark.parametrize("allow_private", [False, True])
async def test_hub_on_a_private_address(tmp_path: Path, hub: tuple[str, list[str]],
                                        allow_private: bool) -> None:
    url, seen = hub
    store = open_store(load_settings(home=str(tmp_path), environ={}))
    subscriber = WebSubSubscriber(
        store, WebSubOptions("https://archive.example", allow_private=allow_private), {},
        lambda: NOW)
    try:
        subscriber.maintain({TOPIC: HubLinks(hubs=(url,), self_url=TOPIC)}, {})
        for _ in range(100):
            sub = store.websub_subscription(TOPIC)
            if seen or (sub is not None and sub.state == "failed"):
                break
            await asyncio.sleep(0.05)
        sub = store.websub_subscription(TOPIC)
    finally:
        await subscriber.close()
        store.close()
    assert sub is not None
    if allow_private:
        assert seen == [TOPIC]
        assert sub.state == "requested"
    else:
        assert seen == []
        assert sub.state == "failed"
        assert sub.last_error is not None
        assert "refused" in sub.last_error
        assert "private" in sub.last_error
