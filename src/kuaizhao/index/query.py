"""The search query language, parsed into a `Query` value.

    科技创新 无锡            both words (AND)
    "exact phrase"          a phrase; an unclosed quote runs to the end of the query
    华为 OR 小米            either word
    -广告   NOT 广告         leave out articles holding the word
    category:国内  source:人民网  since:2024-02-01  until:2024-02-29
    status:changed  status:removed   edited after publication / gone at the source

Words are matched as phrases of their tokens, so `COVID-19` and `e-mail` mean what
they look like. Operators are recognised only in the shapes above; anything else a
user types (`NEAR(`, `*`, `^`, `title:`, SQL) is ordinary text, and `tokens.fts_match`
quotes every term before FTS5 sees it. Parsing is lenient where the intent is clear
(a dangling OR is ignored) and raises `QueryError` only when nothing sensible can be
run: a query that is too long, has nothing to look for, or carries a bad date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from kuaizhao.errors import QueryError

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
_FILTERS = ("category", "source", "since", "until", "status")
STATUSES = ("changed", "removed")
# A quoted string (possibly unclosed), or a run of non-space characters that may
# itself contain a quoted part (`category:"a b"`).
# Control characters and lone surrogates carry no words; FTS5 would read NUL as the
# end of the query string.
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_TOKEN = re.compile(r'"[^"]*(?:"|$)|(?:[^\s"]+(?:"[^"]*(?:"|$))?)+')


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed search: AND of `groups` (each an OR of terms), minus `exclude`, filtered."""

    groups: tuple[tuple[str, ...], ...] = ()
    exclude: tuple[str, ...] = ()
    category: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    status: str | None = None  # "changed" or "removed" (at the source)

    @property
    def terms(self) -> tuple[str, ...]:
        """Every term to look for, in query order: what snippets highlight."""
        return tuple(t for group in self.groups for t in group)

    @property
    def has_terms(self) -> bool:
        return bool(self.groups)


def _has_token(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _unquote(text: str) -> str:
    if text.startswith('"'):
        text = text[1:-1] if len(text) > 1 and text.endswith('"') else text[1:]
    return text.strip()


def _date(name: str, value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise QueryError(
            f"{name}: expects a date written YYYY-MM-DD (for example 2024-02-07), "
            f"got {value[:40]!r}", code="not_a_date", name=name, value=value[:40]
        ) from None


def _status(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if value not in STATUSES:
        raise QueryError(f"status: expects one of {', '.join(STATUSES)}, got {value[:40]!r}",
                         code="query_unknown_status", choices=", ".join(STATUSES))
    return value


def _filter(token: str) -> tuple[str, str] | None:
    name, sep, value = token.partition(":")
    if not sep or name.lower() not in _FILTERS:
        return None
    value = _unquote(value)
    if not value:
        raise QueryError(f"{name}: needs a value after the colon, for example {name}:国内",
                         code="query_needs_value", name=name)
    return name.lower(), value


def parse_query(
    q: str,
    *,
    category: str | None = None,
    source: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    status: str | None = None,
) -> Query:
    """Parse a user's query; keyword arguments (from API parameters) win over the text.

    Raises `QueryError` for a query longer than `MAX_QUERY_CHARS`, more than
    `MAX_TERMS` terms, an unreadable date, `since` after `until`, or exclusions with
    nothing to look for. An empty query with no terms is a valid filter-only `Query`.
    """
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}. "
            "Shorten it to the words that matter.", code="query_too_long", length=len(q),
            limit=MAX_QUERY_CHARS,
        )
    q = _CONTROL.sub(" ", q)
    groups: list[list[str]] = []
    exclude: list[str] = []
    filters: dict[str, str] = {}
    pending_or = False
    after_term = False  # OR joins two positive terms; anything else in between breaks it
    negate_next = False
    for raw in _TOKEN.findall(q):
        if raw == "OR":
            pending_or = after_term
            continue
        if raw in ("AND", "NOT"):
            negate_next = raw == "NOT"
            continue
        negate = negate_next or (raw.startswith("-") and len(raw) > 1)
        negate_next = False
        body = raw[1:] if raw.startswith("-") and len(raw) > 1 else raw
        found = _filter(body) if not body.startswith('"') else None
        if found is not None and not negate:
            filters[found[0]] = found[1]
            pending_or = after_term = False
            continue
        term = _unquote(body)
        if not _has_token(term):
            continue  # punctuation only: nothing an index could match
        if negate:
            exclude.append(term)
            pending_or = after_term = False
            continue
        if pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
        after_term = True
    count = sum(map(len, groups)) + len(exclude)
    if count > MAX_TERMS:
        raise QueryError(f"the query has {count} terms; the limit is {MAX_TERMS}",
                         code="query_too_many_terms", count=count, limit=MAX_TERMS)
    if exclude and not groups:
        raise QueryError(
            "the query only excludes words; add at least one word to look for",
            code="query_only_excludes",
        )
    query = Query(
        groups=tuple(tuple(dict.fromkeys(g)) for g in groups),
        exclude=tuple(dict.fromkeys(exclude)),
        category=filters.get("category"),
        source=filters.get("source"),
        since=_date("since", filters.get("since")),
        until=_date("until", filters.get("until")),
        status=_status(filters.get("status")),
    )
    return with_filters(query, category=category, source=source, since=since, until=until,
                        status=status)


def with_filters(
    query: Query,
    *,
    category: str | None = None,
    source: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
    status: str | None = None,
) -> Query:
    """`query` with the given filters set (None leaves a filter as it was)."""
    changed = replace(
        query,
        category=category.strip() or None if category is not None else query.category,
        source=source.strip() or None if source is not None else query.source,
        since=_date("since", since) if since is not None else query.since,
        until=_date("until", until) if until is not None else query.until,
        status=_status(status or None) if status is not None else query.status,
    )
    if changed.since and changed.until and changed.since > changed.until:
        raise QueryError(
            f"since ({changed.since}) is after until ({changed.until}); swap them",
            code="dates_reversed", since=changed.since, until=changed.until,
        )
    return changed
