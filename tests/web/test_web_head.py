"""HEAD is GET without the body on every GET route: same status and headers (RFC 9110
§9.3.2), as link checkers and Memento clients (`memento_client`) read them."""

from __future__ import annotations

from urllib.parse import quote

import link_header
from fastapi import FastAPI
from httpx import AsyncClient
from routes_walk import fill, routes
from web_archive import SEED_URL, Archive

# Headers that must agree between HEAD and GET (the others, e.g. a fresh CSRF cookie,
# may legitimately differ between two requests).
COMPARED = ("content-type", "content-length", "link", "memento-datetime", "location", "vary",
            "content-security-policy", "allow")


def _values(archive: Archive) -> dict[str, str]:
    return {"snapshot_id": str(archive.ids["seed"]), "other": str(archive.ids["seed_v2"]),
            "url": SEED_URL, "timestamp": "20240207154508", "name": quote("国内"),
            "story_id": "1"}


async def test_every_get_route_answers_head_like_get(client: AsyncClient, app: FastAPI,
                                                     archive: Archive) -> None:
    seen = 0
    for method, template in routes(app):
        if method != "GET":
            continue
        path = fill(template, _values(archive), "1")
        got, head = await client.get(path), await client.head(path)
        assert head.status_code == got.status_code, path
        assert head.content == b"", path
        for name in COMPARED:
            assert head.headers.get(name) == got.headers.get(name), (path, name)
        seen += 1
    assert seen > 40
    for path in ("/static/site.css", "/api/v1/openapi.json", "/feeds/categories/国内.atom"):
        got, head = await client.get(path), await client.head(path)
        assert (head.status_code, head.headers["content-length"], head.content) == (
            got.status_code, got.headers["content-length"], b"")


async def test_head_where_there_is_no_get_is_405_with_allow(client: AsyncClient) -> None:
    response = await client.head("/logout")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


async def test_memento_client_reads_the_memento_with_head(client: AsyncClient,
                                                          archive: Archive) -> None:
    """What memento_client does: HEAD the TimeGate, follow to the URI-M, HEAD it."""
    gate = await client.head(f"/timegate/{SEED_URL}",
                             headers={"Accept-Datetime": "Wed, 07 Feb 2024 16:00:00 GMT"})
    assert gate.status_code == 302
    assert gate.headers["vary"] == "accept-datetime"
    memento = await client.head(gate.headers["location"])
    assert memento.status_code == 200
    assert memento.headers["memento-datetime"] == "Wed, 07 Feb 2024 15:45:08 GMT"
    rels = {rel for link in link_header.parse(memento.headers["link"]).links
            for rel in link.rel.split()}
    assert {"original", "timegate", "timemap", "memento"} <= rels
    wayback = await client.head(f"/web/20240207154508/{SEED_URL}")
    assert wayback.status_code == 302
    assert wayback.headers["location"] == f"/snapshots/{archive.ids['seed']}"
