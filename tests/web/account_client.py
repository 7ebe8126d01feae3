"""Helpers for the account web tests: an app over its own archive, and form posting
the way a browser does it (the CSRF token read from the page)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from web_archive import Archive, build_archive

from kuaizhao.config import load_settings
from kuaizhao.web.app import create_app

sys.path.insert(0, str(Path(__file__).parents[1] / "subscribe"))

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def account_app(home: Path, database_url: str = "", **settings: Any) -> tuple[FastAPI, Archive]:
    archive = build_archive(home, database_url)
    configured = load_settings(home=str(home), environ={},
                               overrides={"database_url": database_url, **settings})
    return create_app(archive.store, configured), archive


def client(app: FastAPI, base_url: str = "http://testserver") -> AsyncClient:
    return AsyncClient(transport=ASGITransport(app=app), base_url=base_url,
                       follow_redirects=False)


def csrf_of(page: Response) -> str:
    found = _CSRF.search(page.text)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def post_form(c: AsyncClient, page_path: str, action: str,
                    data: dict[str, str]) -> Response:
    page = await c.get(page_path)
    return await c.post(action, data={"csrf": csrf_of(page), **data})


PASSWORD = "password-1"  # noqa: S105 - the test accounts' password


async def sign_up(c: AsyncClient, name: str, password: str = PASSWORD) -> Response:
    response = await post_form(c, "/signup", "/signup",
                               {"name": name, "password": password, "password2": password})
    assert response.status_code == 303, response.text[:500]
    return response


async def subscribe(c: AsyncClient, target: str, kind: str = "search", name: str = "") -> int:
    response = await post_form(c, "/me/subscriptions", "/me/subscriptions",
                               {"kind": kind, "target": target, "name": name})
    assert response.status_code == 303, response.text[:500]
    return int(response.headers["location"].rsplit("/", 1)[1])
