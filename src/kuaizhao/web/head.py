"""HEAD answered as GET without the body, for every GET route (RFC 9110 §9.3.2).

Link checkers, uptime monitors and Memento clients (`memento_client` reads a memento's
status and `Link` headers from a HEAD) need the GET answer's status and headers.
Running the GET handler and dropping the body keeps them identical — Content-Type,
Content-Length, Memento-Datetime, Link — with no second code path to drift; a route
without GET still answers 405. The OpenAPI document lists only GET, as HEAD is implied.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """Pure ASGI middleware: routes a HEAD as a GET and sends the headers only."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)
