"""A fresh PostgreSQL schema per test, on the server the tests run against.

`KUAIZHAO_TEST_POSTGRES` names the server (default: the local one on 127.0.0.1:5432,
user postgres, as on the CI machine). Every test gets its own schema in the
`kuaizhao_test` database, selected through the connection's search_path, and the
schema is dropped afterwards, so tests never see each other's rows.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import psycopg

SERVER = os.environ.get("KUAIZHAO_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
DATABASE = "kuaizhao_test"
# Every test that takes `database_url` (or a fixture built on it) runs once per backend.
BACKENDS = ("sqlite", "postgresql")


def _ensure_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
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
    admin = f"{SERVER}/{DATABASE}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{admin}?options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
