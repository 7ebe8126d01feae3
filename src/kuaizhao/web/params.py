"""Turning path and query parameters into values, or into a clear 400/404.

Handlers take every parameter as text and parse it here, so a malformed id, page or
date gets a message saying what to send instead of a validation dump or a 500.
A path id that is not ASCII digits within the databases' integer range answers 404:
no such thing can exist, exactly as for a well-formed id that is not there. Query
parameters that are malformed answer 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from starlette.convertors import Convertor, register_url_convertor

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.web.highlight import http_url

MAX_ID = 2**63 - 1  # the largest integer key either database backend can hold
# Ids in JSON bodies: the largest integer every JSON reader keeps exact (a double).
MAX_JSON_ID = 2**53 - 1
MAX_PAGE = 10_000
MAX_LIMIT = 100
MAX_OFFSET = MAX_PAGE * MAX_LIMIT
MAX_QUERY_CHARS = 500
MAX_URL_CHARS = 4096
SORTS = ("relevance", "newest")


class Digits(Convertor[str]):
    """`{name:digits}`: a path segment of ASCII digits only, for an id beside literal
    paths (`/admin/takedown/remove` is then no id, and a GET there answers 405)."""

    regex = "[0-9]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("digits", Digits())


def path_id(text: str, missing: str, code: str = "item_not_found") -> int:
    """A numeric path id: ASCII digits within range, else NotFound(`missing`).

    `str.isdigit` alone accepts '¹' and '٣', which `int()` then refuses or reads; and an
    id past 2**63-1 overflows SQLite's binding. Either way the id names nothing.
    """
    if not (text.isascii() and text.isdigit()) or len(text) > 19 or int(text) > MAX_ID:
        raise NotFound(missing, code=code, id=text[:40])
    return int(text)


def snapshot_id(text: str) -> int:
    return path_id(text, f"no snapshot with id {text[:40]!r}; snapshot ids are whole "
                         "numbers such as /snapshots/1", "snapshot_not_found")


def _count(name: str, text: str | None, default: int, low: int, high: int) -> int:
    if text is None or text == "":
        return default
    stripped = text.strip()
    if not (stripped.isascii() and stripped.isdigit()) or len(stripped) > 9:
        raise UsageError(f"parameter {name}={text[:40]!r} is not a whole number; "
                         f"use a number from {low} to {high}", code="not_a_number",
                         name=name, value=text[:40])
    value = int(stripped)
    if not low <= value <= high:
        raise UsageError(f"parameter {name}={value} is out of range; "
                         f"use a number from {low} to {high}", code="number_out_of_range",
                         name=name, value=value, low=low, high=high)
    return value


def page(text: str | None) -> int:
    return _count("page", text, 1, 1, MAX_PAGE)


def limit(text: str | None, default: int = 20) -> int:
    return _count("limit", text, default, 1, MAX_LIMIT)


def offset(text: str | None) -> int:
    return _count("offset", text, 0, 0, MAX_OFFSET)


def day(name: str, text: str | None) -> str | None:
    """An ISO date or date-time, passed on as given once it is known to parse."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    try:
        if len(value) == 10:
            date.fromisoformat(value)
        else:
            datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"parameter {name}={text[:40]!r} is not a date; "
                         "use YYYY-MM-DD, e.g. 2024-02-07", code="not_a_date", name=name,
                         value=text[:40]) from None
    return value


def sort(text: str | None) -> str:
    if text is None or text == "":
        return "relevance"
    if text not in SORTS:
        raise UsageError(f"parameter sort={text[:40]!r} is not supported; "
                         f"use one of: {', '.join(SORTS)}", code="bad_sort", value=text[:40])
    return text


def query(text: str | None) -> str:
    """Search text, stripped; control characters and overlong queries are refused."""
    value = (text or "").strip()
    if len(value) > MAX_QUERY_CHARS:
        raise UsageError(f"the query is {len(value)} characters long; "
                         f"use at most {MAX_QUERY_CHARS}", code="query_too_long",
                         length=len(value), limit=MAX_QUERY_CHARS)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        raise UsageError("the query contains control characters; use plain words",
                         code="query_control_characters")
    return value


def name(kind: str, text: str | None) -> str | None:
    """A category or source filter value (free text, bounded)."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    if len(value) > 200 or any(ord(ch) < 0x20 for ch in value):
        raise UsageError(f"parameter {kind} is not a usable name; "
                         "use a name as listed on the site", code="bad_name", name=kind)
    return value


def lookup_url(text: str | None) -> str | None:
    """The URL to look up; None when absent, UsageError when it is not an http(s) URL."""
    if text is None or not text.strip():
        return None
    value = text.strip()
    if len(value) > MAX_URL_CHARS:
        raise UsageError(f"the URL is {len(value)} characters long; "
                         f"use at most {MAX_URL_CHARS}", code="url_too_long",
                         length=len(value), limit=MAX_URL_CHARS)
    if http_url(value) is None:
        raise UsageError(f"{value[:80]!r} is not an http or https URL; "
                         "enter an address such as https://example.com/news/1.html",
                         code="not_a_url", value=value[:80])
    return value


def path_url(path_part: str, query: str, example: str) -> str:
    """The archived page's URL in a path (`/timegate/<url>`, `/web/<ts>/<url>`): the rest
    of the path plus the request's query, which belongs to that URL. Proxies and browsers
    fold "https://" in a path to "https:/"; the slash is put back."""
    target = path_part + (f"?{query}" if query else "")
    for scheme in ("http:/", "https:/"):
        if target.startswith(scheme) and not target.startswith(scheme + "/"):
            target = scheme + "/" + target[len(scheme):]
    if http_url(target) is None:
        raise UsageError(f"{target[:80]!r} is not an http or https URL; put the archived "
                         f"page's full URL after the prefix, e.g. {example}", code="not_a_url",
                         value=target[:80])
    return target


@dataclass(frozen=True, slots=True)
class Pages:
    """Page arithmetic for listings and search results.

    `reachable` is how many results the backend pages through at most (the search
    engines stop at an offset): no page link leads past it to an error page.
    """

    page: int
    per_page: int
    total: int
    reachable: int | None = None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def _shown(self) -> int:
        return self.total if self.reachable is None else min(self.total, self.reachable)

    @property
    def pages(self) -> int:
        return max(1, -(-self._shown // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self._shown
