"""Database access: the `Store` interface and its backends (SQLite embedded by default,
PostgreSQL when `database_url` names a server)."""

from __future__ import annotations

from pathlib import Path

from kuaizhao.config import Settings
from kuaizhao.store.base import Store
from kuaizhao.store.sqlite import SqliteStore

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(url: str) -> bool:
    return url.startswith(POSTGRES_SCHEMES)


def open_url(url: str) -> Store:
    """The database `url` names (`sqlite:///PATH` or `postgresql://…`), migrated."""
    if is_postgres_url(url):
        # Imported here so an embedded archive never loads the PostgreSQL driver.
        from kuaizhao.store.postgres import PostgresStore

        return PostgresStore.open(url)
    return SqliteStore.open(Path(url.removeprefix("sqlite:///")))


def open_store(settings: Settings) -> Store:
    """The archive's database, created and migrated on first use."""
    url: str = settings.values["database_url"]
    return open_url(url if url else f"sqlite:///{settings.database_path}")


__all__ = ["SqliteStore", "Store", "is_postgres_url", "open_store", "open_url"]
