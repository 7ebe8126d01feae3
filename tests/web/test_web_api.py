"""JSON twins answer in the shapes the app's own OpenAPI description declares."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from httpx import AsyncClient
from openapi_schema_validator import OAS31Validator
from web_archive import SEED_CAPTION, SEED_TITLE, SEED_URL, Archive


@pytest.fixture(scope="module")
def spec(app: Any) -> dict[str, Any]:
    schema: dict[str, Any] = app.openapi()
    return schema


def validate(spec: dict[str, Any], route: str, status: int, body: Any) -> None:
    """Check `body` against the schema the description gives `route` for `status`."""
    content = spec["paths"][route]["get"]["responses"][str(status)]["content"]
    schema = dict(content["application/json"]["schema"])
    schema["components"] = spec["components"]
    OAS31Validator(schema).validate(body)


async def test_openapi_describes_every_json_twin(client: AsyncClient) -> None:
    spec = (await client.get("/api/v1/openapi.json")).json()
    for route in ("/api/v1/home", "/api/v1/snapshots/{snapshot_id}",
                  "/api/v1/snapshots/{snapshot_id}/related", "/api/v1/search",
                  "/api/v1/lookup", "/api/v1/categories/{name}", "/api/v1/sources/{name}",
                  "/api/v1/categories", "/api/v1/sources", "/api/v1/takedown",
                  "/snapshots/{snapshot_id}/warc"):
        assert route in spec["paths"], route
    assert all(not p.startswith(("/search", "/lookup")) for p in spec["paths"])


async def test_snapshot_json_has_article_and_provenance(client: AsyncClient, archive: Archive,
                                                  spec: dict[str, Any]) -> None:
    sid = archive.ids["seed"]
    r = await client.get(f"/api/v1/snapshots/{sid}")
    assert r.status_code == 200
    data = r.json()
    validate(spec, "/api/v1/snapshots/{snapshot_id}", 200, data)
    assert data["url"] == SEED_URL
    assert data["captured_at"].startswith("2024-02-07T15:45:08")
    assert data["payload_digest"].startswith("sha1:")
    assert data["warc"]["filename"].endswith(".warc.gz")
    assert data["warc"]["length"] > 0
    article = data["article"]
    assert article["title"] == SEED_TITLE
    assert article["category"] == "国内"
    assert article["source"] == "人民资讯"
    assert article["reposted_from"] == "人民网-江苏频道"
    assert article["published_at"] == "2024-02-07T21:02:00+08:00"
    assert SEED_CAPTION in article["captions"]
    assert SEED_CAPTION not in article["paragraphs"]
    assert data["original_snapshot_id"] == archive.ids["original"]


async def test_related_json(client: AsyncClient, archive: Archive, spec: dict[str, Any]) -> None:
    r = await client.get(f"/api/v1/snapshots/{archive.ids['seed']}/related?limit=5")
    assert r.status_code == 200
    validate(spec, "/api/v1/snapshots/{snapshot_id}/related", 200, r.json())
    hits = r.json()["hits"]
    # The archive holds 25 科技创新 reports besides the seed: more than the limit.
    assert len(hits) == 5
    ids = [h["id"] for h in hits]
    assert len(set(ids)) == 5
    # Not the seed itself or another version of its URL; first the article it reposts,
    # which shares every key term (the fixture puts the two in no common story).
    assert not set(ids) & {archive.ids["seed"], archive.ids["seed_v2"]}
    assert ids[0] == archive.ids["original"]
    assert all("科技创新" in h["title"] + h["snippet"] for h in hits), hits


async def test_search_json_pages_with_next(client: AsyncClient, spec: dict[str, Any]) -> None:
    r = await client.get("/api/v1/search", params={"q": "科技创新", "limit": 10})
    assert r.status_code == 200
    data = r.json()
    validate(spec, "/api/v1/search", 200, data)
    assert data["total"] > 10
    assert len(data["hits"]) == 10
    hit = data["hits"][0]
    assert {"id", "url", "title", "published_at", "source", "category", "snippet",
            "score"} <= set(hit)
    assert data["next"].startswith("/api/v1/search?")
    following = (await client.get(data["next"])).json()
    assert following["offset"] == 10
    assert {h["id"] for h in following["hits"]}.isdisjoint({h["id"] for h in data["hits"]})


async def test_search_json_filters(client: AsyncClient, spec: dict[str, Any]) -> None:
    r = await client.get("/api/v1/search", params={"q": "科技创新", "category": "国内",
                                             "since": "2024-02-01", "sort": "newest"})
    assert r.status_code == 200
    validate(spec, "/api/v1/search", 200, r.json())
    assert {h["category"] for h in r.json()["hits"]} == {"国内"}


async def test_errors_json_match_the_description(client: AsyncClient, spec: dict[str, Any]) -> None:
    r = await client.get("/api/v1/search", params={"q": "科技", "sort": "sideways"})
    assert r.status_code == 400
    validate(spec, "/api/v1/search", 400, r.json())
    missing = await client.get("/api/v1/snapshots/424242")
    assert missing.status_code == 404
    validate(spec, "/api/v1/snapshots/{snapshot_id}", 404, missing.json())


async def test_lookup_json_marks_changes(client: AsyncClient, spec: dict[str, Any]) -> None:
    r = await client.get("/api/v1/lookup", params={"url": SEED_URL})
    assert r.status_code == 200
    data = r.json()
    validate(spec, "/api/v1/lookup", 200, data)
    assert data["total"] == 3
    assert [c["changed"] for c in data["captures"]] == [False, False, True]
    assert [c["is_revisit"] for c in data["captures"]] == [False, True, False]
    assert data["captures"][0]["wayback_url"] == f"/web/20240207154508/{SEED_URL}"


async def test_listing_json(client: AsyncClient, spec: dict[str, Any]) -> None:
    r = await client.get(f"/api/v1/categories/{quote('科技')}", params={"limit": 20})
    assert r.status_code == 200
    data = r.json()
    validate(spec, "/api/v1/categories/{name}", 200, data)
    assert data["total"] == 25
    assert data["next"] is not None
    assert (await client.get(data["next"])).json()["offset"] == 20
    src = (await client.get(f"/api/v1/sources/{quote('人民资讯')}")).json()
    validate(spec, "/api/v1/sources/{name}", 200, src)
    assert src["total"] == 1  # one article URL; listings show its newest version


async def test_home_categories_sources_takedown_json(client: AsyncClient,
                                               spec: dict[str, Any]) -> None:
    for route in ("/api/v1/home", "/api/v1/categories", "/api/v1/sources",
                  "/api/v1/takedown"):
        r = await client.get(route)
        assert r.status_code == 200, route
        validate(spec, route, 200, r.json())
    home = (await client.get("/api/v1/home")).json()
    assert home["stats"]["snapshots"] >= 30
    assert home["stats"]["revisits"] == 1
