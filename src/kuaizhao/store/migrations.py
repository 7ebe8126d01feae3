"""Append-only schema migrations: numbered SQL files per backend, applied in order.

A released migration file is never edited; a change is a new file. The applied
versions are recorded in `schema_migrations`, so opening an archive written by a newer
kuaizhao (a version this program does not know) is refused instead of guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

from kuaizhao.errors import MigrationError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


def migrations_for(backend: str) -> list[Migration]:
    folder = resources.files("kuaizhao.store") / "sql" / backend
    found = []
    for entry in folder.iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda mig: mig.version)
    versions = [mig.version for mig in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"{backend} migrations are not numbered 1..N without gaps: {versions}")
    return found


def pending(backend: str, applied: set[int]) -> list[Migration]:
    known = migrations_for(backend)
    newest = max((m.version for m in known), default=0)
    unknown = sorted(v for v in applied if v > newest)
    if unknown:
        raise MigrationError(
            f"the database has schema version {unknown[-1]}, newer than this kuaizhao knows "
            f"({newest}); upgrade kuaizhao before opening this archive"
        )
    return [m for m in known if m.version not in applied]
