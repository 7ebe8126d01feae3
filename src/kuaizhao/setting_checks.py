"""The checks the settings table runs on each value: each returns a problem, or None.

Kept apart from `config.py` so the table reads as a table; the names are the words
the table uses (`check=positive`).
"""

from __future__ import annotations

import ipaddress
import itertools
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kuaizhao.errors import ConfigError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_STEP = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhdw])$")


def positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than 0"


def non_negative(value: Any) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def port(value: Any) -> str | None:
    return None if 0 < value < 65536 else "must be a port number from 1 to 65535"


def timezone(value: Any) -> str | None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "must be an IANA time zone name such as Asia/Shanghai or UTC"
    return None


def database_url(value: Any) -> str | None:
    if value == "" or value.startswith(("sqlite:///", "postgresql://", "postgres://")):
        return None
    return ("must be empty (the embedded SQLite database in the home directory), "
            "sqlite:///PATH or postgresql://USER@HOST:PORT/DATABASE")


def http_url_or_empty(value: Any) -> str | None:
    if value == "" or value.startswith(("http://", "https://")):
        return None
    return "must be empty or an http:// or https:// address such as https://news.example.org"


BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def bucket(value: Any) -> str | None:
    if value == "" or BUCKET.match(value):
        return None
    return "must be an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-'"


def key_prefix(value: Any) -> str | None:
    parts = [p for p in value.split("/") if p]
    if any(p in (".", "..") for p in parts) or "\\" in value:
        return "must be a plain key prefix such as warc or archive/warc (no '..' or '\\')"
    return None




def parse_networks(text: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """`trusted_proxies`: addresses or CIDRs separated by commas or spaces."""
    return tuple(ipaddress.ip_network(i, strict=False) for i in text.replace(",", " ").split())


def networks(value: Any) -> str | None:
    try:
        parse_networks(value)
    except ValueError as exc:
        return f"is not a list of addresses ({exc}); write e.g. 127.0.0.1, 10.0.0.0/8"
    return None


def one_of(*choices: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of: {', '.join(choices)}"

    return check


def parse_schedule(text: str) -> tuple[timedelta, ...]:
    """`"1h,6h,1d"` as ascending ages; empty text means never re-check."""
    ages: list[timedelta] = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        match = _STEP.match(part)
        if match is None:
            raise ConfigError(
                f"recheck schedule step {part!r} is not a number with a unit; "
                "write ages like 1h,6h,1d,7d,30d (units s, m, h, d, w)")
        ages.append(timedelta(seconds=float(match[1]) * _UNITS[match[2]]))
    if any(b <= a for a, b in itertools.pairwise(ages)):
        raise ConfigError(f"recheck schedule {text!r} must list ages in increasing order, "
                          "e.g. 1h,6h,1d,7d,30d")
    return tuple(ages)


def schedule_problem(text: str) -> str | None:
    """For the settings table: what is wrong with a schedule, or None."""
    try:
        parse_schedule(text)
    except ConfigError as exc:
        return str(exc)
    return None
