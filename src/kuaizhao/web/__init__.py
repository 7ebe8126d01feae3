"""The snapshot site: server-rendered pages (zh/en) with JSON twins under /api/v1.

`kuaizhao.web.app.create_app(store, settings)` builds the ASGI app;
`kuaizhao.web.server.serve(settings, ...)` runs it with uvicorn.
"""
