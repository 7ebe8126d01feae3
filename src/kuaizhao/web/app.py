"""The ASGI application: pages, their JSON twins under /api/v1, static files, headers.

`create_app(store, settings)` takes an open store; the caller owns and closes it.
Handlers are plain functions run in the server's thread pool (the store serialises its
own access). Swagger/ReDoc pages are off: they load scripts from a CDN, which neither
the CSP nor an offline archive allows; the OpenAPI description is at
/api/v1/openapi.json.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

from anyio import to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from kuaizhao.config import Settings
from kuaizhao.store.base import Store
from kuaizhao.web import (
    account,
    account_api,
    admin_sources,
    error_pages,
    feeds,
    home,
    listings,
    lookup,
    memento,
    openapi,
    raw,
    search,
    snapshots,
    subscriptions,
    subscriptions_api,
    takedown,
    takedown_admin,
    versions,
    websub,
)
from kuaizhao.web.head import HeadAsGet
from kuaizhao.web.render import Site, make_environment
from kuaizhao.web.security import SecurityHeaders

OPENAPI_URL = "/api/v1/openapi.json"
STATIC = Path(__file__).parent / "static"

_DESCRIPTION = """JSON twins of every page of a kuaizhao news snapshot archive.

Errors are `{"error": message, "status": code}`: 400 for a bad parameter or query,
404 for something the archive does not hold, 410 for removed content, 503 when the
archive cannot be read. Times are ISO 8601 with their offset.
"""


def create_app(store: Store, settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Pages are rendered in a thread pool (anyio's, 40 threads by default). Python
        # runs one thread at a time, so 40 requests sharing it all finish late: under 50
        # concurrent readers a 50 ms search page took seconds. A few threads serve the
        # requests nearly in arrival order instead (p99 in docs/benchmarks.md).
        to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title=f"{settings.site_name} API",
        version="1",
        description=_DESCRIPTION,
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
    )
    app.state.site = Site(store=store, settings=settings, env=make_environment(),
                          zone=ZoneInfo(settings.default_timezone))
    error_pages.install(app)
    openapi.install(app)
    modules = (home, snapshots, raw, lookup, search, listings, takedown, memento, versions,
               account, account_api, subscriptions, subscriptions_api, feeds,
               admin_sources, websub, takedown_admin)
    for module in modules:
        app.include_router(module.router)
    app.state.routes = [route for module in modules for route in module.router.routes]
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)  # outermost: the routes and headers below see a GET
    return app
