"""One psycopg connection made to speak the SQL the table modules are written in.

The table modules use `?` placeholders and expect SQLite's value shapes; here `?`
becomes `%s`, Python booleans travel as integers (the flag columns are integers on
both backends), and integral `numeric` results (PostgreSQL's `sum()` of a bigint)
come back as `int`, as they do from SQLite.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.adapt import Dumper, Loader
from psycopg.postgres import types as pg_types

from kuaizhao.errors import StoreError


@lru_cache(maxsize=2048)
def pyformat(sql: str) -> str:
    """`?` placeholders to psycopg's `%s`, and literal `%` escaped, outside quotes."""
    out: list[str] = []
    quote = ""
    for ch in sql:
        if quote:
            quote = "" if ch == quote else quote
            out.append("%%" if ch == "%" else ch)
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class _BoolAsInt(Dumper):
    oid = pg_types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class _Number(Loader):
    def load(self, data: Any) -> Any:
        value = Decimal(bytes(data).decode())
        return int(value) if value == value.to_integral_value() else float(value)


def connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection (transactions are explicit), adapted as above."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot connect to the PostgreSQL database in database_url: {exc}".strip()
            + "; check that the server runs, that the database exists and that the user "
            "may connect (see docs/postgresql.md)"
        ) from exc
    conn.adapters.register_dumper(bool, _BoolAsInt)
    conn.adapters.register_loader("numeric", _Number)
    return conn
