"""What `kuaizhao migrate` copies, in which order, and what it reports (no I/O).

Every table is copied in the order of its primary key, so the last key a target table
holds is where a killed migration resumes. SQLite orders text bytewise, as
PostgreSQL's "C" collation does, so the target is asked for its last key in that
collation rather than in the database's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from kuaizhao.errors import MigrationError

# Foreign-key order. The takedown tables come after captures and snapshots: a capture
# copied while an active removal is already there would be marked by PostgreSQL's
# insert trigger, and the copied rows carry their `removed` flag already.
TABLES = (
    "sources", "frontier", "fetches", "captures", "stories", "snapshots",
    "capture_versions", "removals", "near_dup_signatures", "lsh_bands",
    "imported_files",
    "users", "sessions", "api_tokens", "subscriptions", "subscription_matches",
    "webhook_deliveries", "instance_secrets",
    "poll_state", "poll_items", "websub_subscriptions", "websub_inbox", "host_pacing",
    "takedown_requests", "takedown_scopes", "takedown_audit",
    "subscription_version",
)
# Seeded by a migration and bumped by a trigger while subscriptions are copied: its
# row is written from the source after every other table, and is not a resume point.
SETTLED = frozenset({"subscription_version"})
# Each backend keeps its own: the search index is rebuilt through the target's search
# engine, and the migrations are recorded by each database as it applies them.
NOT_COPIED = frozenset({"search_docs", "search_totals", "schema_migrations"})
_INTERNAL = re.compile(r"^(sqlite_|search_fts)")
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


# Rows per transaction; snapshot rows carry whole article texts.
DEFAULT_BATCH = 1000


@dataclass(frozen=True, slots=True)
class MigrateOptions:
    batch: int = DEFAULT_BATCH
    dry_run: bool = False


@dataclass(frozen=True, slots=True)
class TableShape:
    """A table's columns (in the source's order) and its primary key."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    text_key: tuple[bool, ...]  # which key columns are text

    def key_of(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(row[self.columns.index(k)] for k in self.key)


@dataclass(frozen=True, slots=True)
class Progress:
    """Reported after each committed batch; `table` is "search index" while indexing."""

    table: str
    done: int  # rows in the target now
    total: int  # rows in the source


@dataclass(frozen=True, slots=True)
class TableCount:
    name: str
    source: int
    target: int
    copied: int

    @property
    def matches(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True, slots=True)
class MigrateReport:
    tables: tuple[TableCount, ...]
    documents: TableCount  # searchable documents (search_docs on both backends)
    dry_run: bool

    @property
    def mismatches(self) -> list[TableCount]:
        return [t for t in (*self.tables, self.documents) if not t.matches]

    def lines(self) -> list[str]:
        """The counts as a table: after a run what was copied, after a dry run what would be."""
        last = "to copy" if self.dry_run else "copied"
        rows = [("table", "source", "target", last, "")]
        for t in (*self.tables, self.documents):
            moved = t.source - t.target if self.dry_run else t.copied
            flag = "" if self.dry_run or t.matches else "MISMATCH"
            rows.append((t.name, str(t.source), str(t.target), str(max(moved, 0)), flag))
        width = [max(len(r[i]) for r in rows) for i in range(4)]
        return [f"{r[0]:<{width[0]}}  {r[1]:>{width[1]}}  {r[2]:>{width[2]}}  "
                f"{r[3]:>{width[3]}}  {r[4]}".rstrip() for r in rows]


def copy_order(source_tables: Iterable[str], target_tables: Iterable[str]) -> list[str]:
    """The tables to copy, in order; both databases must have exactly the known ones."""
    known = set(TABLES)
    for side, names in (("archive", source_tables), ("target", target_tables)):
        found = {n for n in names if not _INTERNAL.match(n) and n not in NOT_COPIED}
        if found != known:
            extra, missing = sorted(found - known), sorted(known - found)
            raise MigrationError(
                f"the {side} database's tables are not the ones migrate knows (unknown: "
                f"{', '.join(extra) or 'none'}; missing: {', '.join(missing) or 'none'}); "
                "run the same kuaizhao version on both and report this as a bug")
    return list(TABLES)


def table_shape(name: str, source_columns: Sequence[tuple[str, int]],
                target_types: dict[str, str]) -> TableShape:
    """From SQLite's `(column, pk position)` pairs and PostgreSQL's column types."""
    columns = tuple(c for c, _ in source_columns)
    for ident in (name, *columns):
        if not _NAME.match(ident):
            raise MigrationError(f"unexpected table or column name {ident!r} in {name}")
    if set(columns) != set(target_types):
        raise MigrationError(
            f"table {name} has columns {sorted(columns)} in the archive but "
            f"{sorted(target_types)} in the target; run the same kuaizhao version on both")
    key = tuple(c for c, pk in sorted((p for p in source_columns if p[1]), key=lambda p: p[1]))
    if not key:
        raise MigrationError(f"table {name} has no primary key, so a copy cannot resume")
    return TableShape(name, columns, key, tuple(target_types[k] == "text" for k in key))


def source_batch(shape: TableShape, after: tuple[Any, ...] | None,
                 limit: int) -> tuple[str, list[Any]]:
    """SQLite: the next `limit` rows past key `after`, in key order."""
    where, args = "", []
    if after is not None:
        where = f" WHERE ({', '.join(shape.key)}) > ({', '.join('?' * len(shape.key))})"
        args = list(after)
    return (f"SELECT {', '.join(shape.columns)} FROM {shape.name}{where}"
            f" ORDER BY {', '.join(shape.key)} LIMIT ?", [*args, limit])


def source_row(shape: TableShape) -> str:
    """SQLite: the row with a given key."""
    match = " AND ".join(f"{k} = ?" for k in shape.key)
    return f"SELECT {', '.join(shape.columns)} FROM {shape.name} WHERE {match}"


def target_last(shape: TableShape) -> str:
    """PostgreSQL: the row with the last key in SQLite's order."""
    order = ", ".join(f'{k} COLLATE "C" DESC' if text else f"{k} DESC"
                      for k, text in zip(shape.key, shape.text_key, strict=True))
    return f"SELECT {', '.join(shape.columns)} FROM {shape.name} ORDER BY {order} LIMIT 1"


def copy_into(shape: TableShape) -> str:
    return f"COPY {shape.name} ({', '.join(shape.columns)}) FROM STDIN"


def upsert(shape: TableShape) -> str:
    """PostgreSQL: write a row over the one with the same key (for `SETTLED` tables)."""
    updates = ", ".join(f"{c} = excluded.{c}" for c in shape.columns if c not in shape.key)
    return (f"INSERT INTO {shape.name} ({', '.join(shape.columns)}) VALUES "
            f"({', '.join(['%s'] * len(shape.columns))}) "
            f"ON CONFLICT ({', '.join(shape.key)}) DO UPDATE SET {updates}")


def foreign_row(shape: TableShape, target: Sequence[Any], source: Sequence[Any] | None,
                target_count: int, source_count: int) -> str | None:
    """Why the target's rows are not (a first part of) this archive's, or None.

    Only the last row is compared: a resumed copy continues after it, and a database
    that holds another archive, or this archive after it went on crawling, differs
    there first.
    """
    key = dict(zip(shape.key, shape.key_of(target), strict=True))
    if target_count > source_count:
        return (f"its table {shape.name} has {target_count} rows, this archive "
                f"{source_count}")
    if source is None:
        return f"its {shape.name} row {key} is not in this archive"
    if tuple(source) != tuple(target):
        return f"its {shape.name} row {key} differs from this archive's"
    return None
