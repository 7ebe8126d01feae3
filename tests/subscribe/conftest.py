from __future__ import annotations

from collections.abc import Iterator

import pytest

from kuaizhao.store import Store, open_url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A new archive database on each backend: every subscription test runs on both."""
    s = open_url(database_url)
    yield s
    s.close()
