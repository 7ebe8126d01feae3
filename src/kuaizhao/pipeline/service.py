"""`kuaizhao serve --with-crawler`: the site and the continuous crawl in one process,
for small installs.

Both run on one event loop: uvicorn serves the app while the crawler polls; a WebSub
push received by the app wakes the crawler directly. Whichever stops first (SIGTERM or
Ctrl-C reach uvicorn; SIGTERM may reach the crawler) stops the other, and the crawler
finishes the fetches in flight before the store is closed.
"""

from __future__ import annotations

import asyncio
import logging

import uvicorn

from kuaizhao.config import Settings
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.pipeline.websub import websub_options
from kuaizhao.sources import SourceConfig
from kuaizhao.store import open_store
from kuaizhao.web.app import create_app
from kuaizhao.web.websub import install_push_listener

log = logging.getLogger(__name__)


async def _both(server: uvicorn.Server, crawler: Crawler) -> None:
    crawl = asyncio.create_task(crawler.run(once=False))
    site = asyncio.create_task(server.serve())
    done, _ = await asyncio.wait({crawl, site}, return_when=asyncio.FIRST_COMPLETED)
    crawler.stop()
    server.should_exit = True
    await asyncio.gather(crawl, site)
    for task in done:
        task.result()
    log.info("crawl finished: %s", crawler.report.summary())


def serve_with_crawler(settings: Settings, sources: list[SourceConfig], *,
                       log_level: str = "info") -> None:
    store = open_store(settings)
    try:
        app = create_app(store, settings)
        crawler = Crawler(store, settings, sources, websub=websub_options(settings))
        install_push_listener(app, crawler.wake, crawler.clock.now)
        config = uvicorn.Config(app, host=settings.host, port=settings.port,
                                log_level=log_level, proxy_headers=False, server_header=False)
        log.info("serving %s at http://%s:%d/ and crawling %d sources", settings.home,
                 settings.host, settings.port, len(sources))
        asyncio.run(_both(uvicorn.Server(config), crawler))
    finally:
        store.close()
