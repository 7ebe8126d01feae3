"""The app's start-up: the page thread pool sized by the `web_threads` setting."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from anyio import to_thread

from kuaizhao.config import load_settings
from kuaizhao.store import open_store
from kuaizhao.web.app import create_app


async def test_web_threads_sizes_the_page_thread_pool(tmp_path: Path) -> None:
    settings = load_settings(home=str(tmp_path), environ={}, overrides={"web_threads": 3})
    store = open_store(settings)
    app = create_app(store, settings)
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    # What uvicorn does on start and stop (the ASGI lifespan protocol).
    running = asyncio.create_task(app(scope, inbox.get, outbox.put))
    try:
        assert (await asyncio.wait_for(outbox.get(), 60))["type"] == "lifespan.startup.complete"
        assert to_thread.current_default_thread_limiter().total_tokens == 3
        await inbox.put({"type": "lifespan.shutdown"})
        assert (await asyncio.wait_for(outbox.get(), 60))["type"] == "lifespan.shutdown.complete"
        await running
    finally:
        store.close()
