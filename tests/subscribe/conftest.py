from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kuaizhao.store import SqliteStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore.open(tmp_path / "k.sqlite3")
    yield s
    s.close()
