"""Serve canned hostile sites and record every request; run inside a test's network
namespace by `hostile_web.NetNamespace.serving`, never on the host.

Usage: `python sites_server.py SPEC.json`. SPEC holds `hits` (a JSON-lines file each
request is appended to, flushed at once, so it can be read while serving) and `sites`:
`[{"host", "port", "routes": {path: reply}, "fallback": reply | null}]` where a reply
is `{"status", "headers", "body"}` (the body in base64). Prints `ready` once every
site listens; stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import base64
import json
import signal
import sys
from pathlib import Path
from typing import Any

from aiohttp import web


def _handler(site: dict[str, Any], hits: Any) -> Any:
    async def handle(request: web.Request) -> web.Response:
        hits.write(json.dumps({"host": site["host"], "port": site["port"],
                               "path": request.path_qs}) + "\n")
        hits.flush()
        reply = site["routes"].get(request.path_qs) or site["routes"].get(request.path)
        reply = reply or site.get("fallback")
        if reply is None:
            return web.Response(status=404, text="not here")
        return web.Response(status=reply["status"], headers=reply["headers"],
                            body=base64.b64decode(reply["body"]))
    return handle


async def serve(spec: dict[str, Any]) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    runners: list[web.AppRunner] = []
    with Path(spec["hits"]).open("a", encoding="utf-8") as hits:
        for site in spec["sites"]:
            app = web.Application()
            app.router.add_route("*", "/{tail:.*}", _handler(site, hits))
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, site["host"], site["port"]).start()
            runners.append(runner)
        print("ready", flush=True)
        await stop.wait()
        for runner in runners:
            await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(serve(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
