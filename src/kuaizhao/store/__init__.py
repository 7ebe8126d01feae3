"""Database access: the `Store` interface and its backends (SQLite embedded by default)."""

from __future__ import annotations

from kuaizhao.config import Settings
from kuaizhao.store.base import Store
from kuaizhao.store.sqlite import SqliteStore


def open_store(settings: Settings) -> Store:
    """The archive's database, created and migrated on first use."""
    return SqliteStore.open(settings.database_path)


__all__ = ["SqliteStore", "Store", "open_store"]
