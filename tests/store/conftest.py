"""`store`: a new archive database on each backend (SQLite file, PostgreSQL schema)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kuaizhao.store import Store, open_url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    s = open_url(database_url)
    yield s
    s.close()

