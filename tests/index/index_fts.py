"""A real SQLite file with the migrations applied, for tests of the pure search parts."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path


def migrated(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")  # a test database need not survive power loss
    folder = resources.files("kuaizhao.store") / "sql" / "sqlite"
    for name in ("0001_core.sql", "0002_search.sql"):
        conn.executescript((folder / name).read_text(encoding="utf-8"))
    return conn
