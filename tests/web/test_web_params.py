"""Hostile path values on every route: a malformed id is a 404, never a 500.

The cases from the attack test (issue 18): `POST /websub/%C2%B9` made `int('¹')` raise,
and a 23-digit takedown id overflowed SQLite's integer binding.
"""

from __future__ import annotations

import pytest
from account_client import client, sign_up
from fastapi import FastAPI
from httpx import AsyncClient
from routes_walk import fill, routes
from takedown_client import make_admin
from web_archive import Archive

from kuaizhao.errors import NotFound
from kuaizhao.web import params

HOSTILE = ["%C2%B9", "%D9%A3", "1" * 23, "9223372036854775808", "-1", "0x10", "1e3", "%00",
           "%20", "..%2F..", "%E4%B8%AD", ""]


async def test_every_route_answers_hostile_path_values_without_a_5xx(
        site: tuple[FastAPI, Archive], fast_argon2: None) -> None:
    app, archive = site
    async with client(app) as admin, client(app) as anonymous:
        await make_admin(admin, archive)
        csrf = (await admin.get("/api/v1/account")).json()["csrf_token"]
        checked = 0
        for method, template in routes(app):
            if "{" not in template:
                continue
            for value in HOSTILE:
                path = fill(template, {}, value)
                for c in (admin, anonymous):
                    response = await c.request(method, path, json={},
                                               headers={"X-CSRF-Token": csrf})
                    assert response.status_code < 500, (method, path, response.text[:300])
                    checked += 1
        assert checked > 500


async def test_the_reported_500s_are_404s(site: tuple[FastAPI, Archive],
                                          fast_argon2: None) -> None:
    app, archive = site
    async with client(app) as admin, client(app) as anonymous:
        assert (await anonymous.post("/websub/%C2%B9", content=b"x")).status_code == 404
        await make_admin(admin, archive)
        for path in ("/api/v1/admin/takedown/" + "1" * 23, "/admin/takedown/" + "1" * 23):
            response = await admin.get(path)
            assert response.status_code == 404, response.text[:300]
        body = (await admin.get("/api/v1/admin/takedown/" + "1" * 23)).json()
        assert "no removal request" in body["error"]
        assert "/admin/takedown" in body["error"]


async def test_a_signed_in_reader_gets_404_for_ids_out_of_range(
        site: tuple[FastAPI, Archive], fast_argon2: None) -> None:
    app, _ = site
    async with client(app) as c:
        await sign_up(c, "reader")
        for path in ("/api/v1/me/subscriptions/" + "9" * 23, "/me/subscriptions/%C2%B9",
                     "/api/v1/stories/" + "9" * 20, "/api/v1/snapshots/-1"):
            assert (await c.get(path)).status_code == 404, path


@pytest.mark.parametrize("bad", ["¹", "٣", "", "-1", "+1", " 1", "1_0",
                                 str(params.MAX_ID + 1), "1" * 23])
def test_path_id_accepts_only_ascii_digits_in_range(bad: str) -> None:
    assert params.path_id("0", "x") == 0
    assert params.path_id(str(params.MAX_ID), "x") == params.MAX_ID
    with pytest.raises(NotFound, match=r"^no such thing$"):
        params.path_id(bad, "no such thing")


async def test_machine_paths_answer_json_errors_even_when_no_route_matches(
        client: AsyncClient) -> None:
    for path in ("/timemap/json/%23%0Ax", "/timegate/a%0Ab", "/feeds/categories/nope.atom",
                 "/snapshots/abc/warc"):
        response = await client.get(path)
        assert response.status_code in (400, 404), path
        assert response.json()["status"] == response.status_code, path
