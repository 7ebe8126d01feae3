"""Database access: the `Store` interface and its backends (SQLite embedded by default,
PostgreSQL when `database_url` names a server)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kuaizhao.store.base import Store

if TYPE_CHECKING:
    from kuaizhao.config import Settings
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
    from kuaizhao.store.sqlite import SqliteStore

    return SqliteStore.open(Path(url.removeprefix("sqlite:///")))


def open_store(settings: Settings) -> Store:
    """The archive's database, created and migrated on first use."""
    url: str = settings.values["database_url"]
    return open_url(url if url else f"sqlite:///{settings.database_path}")


def __getattr__(name: str) -> Any:
    # The SQLite backend (and the search and archive code it uses) loads on first use,
    # so that importing a row type, or starting the CLI for --help, stays cheap.
    if name == "SqliteStore":
        from kuaizhao.store.sqlite import SqliteStore

        return SqliteStore
    raise AttributeError(f"module 'kuaizhao.store' has no attribute {name!r}")


__all__ = ["SqliteStore", "Store", "is_postgres_url", "open_store", "open_url"]
