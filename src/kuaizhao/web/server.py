"""Running the site: `serve()` opens the store, serves it with uvicorn, closes it.

The store is opened in the calling thread before uvicorn starts its event loop there,
and closed when the server stops (Ctrl-C or SIGTERM), so no request outlives it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import uvicorn

from kuaizhao.config import Settings
from kuaizhao.store import Store, open_store
from kuaizhao.web.app import create_app

log = logging.getLogger(__name__)


def serve(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    store_factory: Callable[[Settings], Store] = open_store,
    log_level: str = "info",
) -> None:
    """Serve the archive until interrupted; host/port default to the settings'."""
    store = store_factory(settings)
    try:
        app = create_app(store, settings)
        bind_host = host or settings.host
        bind_port = settings.port if port is None else port
        log.info("serving %s at http://%s:%d/", settings.home, bind_host, bind_port)
        # No proxy_headers: X-Forwarded-For is believed only from the `trusted_proxies`
        # setting's addresses, which web/clients.py checks.
        uvicorn.run(app, host=bind_host, port=bind_port, log_level=log_level,
                    proxy_headers=False, server_header=False)
    finally:
        store.close()
