"""Run only by test_postgres_setup.py, in a child pytest: one test on each backend."""

from __future__ import annotations

import psycopg


def test_each_backend(database_url: str) -> None:
    if database_url.startswith("postgresql://"):
        with psycopg.connect(database_url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    else:
        assert database_url.startswith("sqlite:///")
