"""A fresh PostgreSQL schema per test, on the server the tests run against.

`KUAIZHAO_TEST_POSTGRES` names the server; unset, it is the local one on
127.0.0.1:5432 (user postgres, as on the CI machine) or, where none answers, a
throwaway cluster started for the session (`postgres_cluster.py`), or none: then every
PostgreSQL test is skipped with one reason. The server is found on the first test that
needs it, so a run of SQLite-only tests never starts one. Every test gets its own
schema in the `kuaizhao_test` database, selected through the connection's search_path,
and the schema is dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import psycopg
import pytest

from postgres_cluster import ExplicitServerDown, Server, find_server

DATABASE = "kuaizhao_test"
# Every test that takes `database_url` (or a fixture built on it) runs once per backend.
BACKENDS = ("sqlite", "postgresql")


_found: list[Server] = []


def session_server() -> Server | None:
    """The server of this session, if a test has asked for it yet."""
    return _found[0] if _found else None


def server_url() -> str:
    """The server's URL (without a database); skips the test when there is none."""
    if not _found:
        try:
            _found.append(find_server())
        except ExplicitServerDown as exc:
            pytest.exit(str(exc), returncode=4)
    url = _found[0].url
    if url is None:
        pytest.skip(_found[0].note)
    return url


def _ensure_database() -> None:
    with psycopg.connect(f"{server_url()}/postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,))
        if found.fetchone() is None:
            # Another test process may make it first.
            with contextlib.suppress(psycopg.errors.DuplicateDatabase):
                conn.execute(f"CREATE DATABASE {DATABASE} TEMPLATE template0 ENCODING 'UTF8'")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL whose search_path is a new, empty schema."""
    _ensure_database()
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = f"{server_url()}/{DATABASE}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{admin}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
