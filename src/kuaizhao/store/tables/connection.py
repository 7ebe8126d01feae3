"""The SQL primitives every table module uses; each backend supplies them.

The table modules are written once, in the SQL that SQLite and PostgreSQL share
(`?` placeholders, `INSERT … ON CONFLICT`, `RETURNING`, window functions), so the
two backends cannot drift apart: what differs is only how a statement reaches the
database (`store/sqlite.py`, `store/postgres/`) and the search engine behind it.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...


class TableBase:
    """Statements against the backend's connections; `_lock` serialises the writing
    one. Writes go inside `transaction()`, which commits on success and rolls back on
    error; several reads that must agree with each other go inside `_reading()`."""

    _lock: AbstractContextManager[object]

    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _reading(self) -> AbstractContextManager[object]:
        """Around reads that must see one state: the search engine's queries."""
        raise NotImplementedError

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def _run(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        raise NotImplementedError

    def _many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        raise NotImplementedError

    def _is_conflict(self, exc: BaseException) -> bool:
        """Whether `exc` is the database refusing a duplicate (a UNIQUE constraint)."""
        raise NotImplementedError

    def _insert(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run an INSERT into a table with an `id` key and return the new row's id."""
        row = self._one(sql + " RETURNING id", params)
        return int(row[0])


def upsert(table: str, key: str, columns: Sequence[str]) -> str:
    """INSERT of `columns` that replaces the other columns of an existing `key` row."""
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key)
    return (f"INSERT INTO {table} ({names}) VALUES ({marks(columns)}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}")


def marks(values: Sequence[object]) -> str:
    """Placeholders for an `IN (…)` list of `values`."""
    return ",".join("?" * len(values))
