"""Fixtures: one real archive per test package, the app over it, a client."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from account_client import account_app
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from subscribe_archive import cheap_hashing
from web_archive import Archive, build_archive

from kuaizhao.web.app import create_app
from postgres import BACKENDS, postgres_schema


@pytest.fixture(scope="package", params=BACKENDS)
def archive(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """The same archive on each backend: every web test runs against both."""
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_schema()) if request.param == "postgresql" else ""
        built = build_archive(tmp_path_factory.mktemp("web-archive"), url)
        yield built
        built.store.close()


@pytest.fixture(scope="package")
def app(archive: Archive) -> FastAPI:
    return create_app(archive.store, archive.settings)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://testserver",
                           follow_redirects=False) as c:
        yield c


@pytest.fixture
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its lowest cost, for tests that sign many users up."""
    cheap_hashing(monkeypatch)


@pytest.fixture
def site(tmp_path: Path, database_url: str) -> Iterator[tuple[FastAPI, Archive]]:
    """A fresh archive with accounts, and the app over it (for tests that write)."""
    app, archive = account_app(tmp_path / "home", database_url)
    yield app, archive
    archive.store.close()
