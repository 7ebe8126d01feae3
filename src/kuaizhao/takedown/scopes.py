"""What a removal covers, as pure functions mirroring the store's SQL predicate.

The store marks rows with the SQL form of `covers` (store/tables/takedowns.py,
`COVERS`); this Python form decides whether the crawler may fetch a URL at all and is
what the tests hold the SQL to.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

from kuaizhao.errors import UsageError
from kuaizhao.store.takedown_rows import Scope, ScopeKind

MAX_VALUE = 2_000


def covers(scope: Scope, *, url: str, source_name: str | None, captured_at: datetime,
           payload_digest: str) -> bool:
    """Whether `scope` covers one capture."""
    if scope.captured_from is not None and captured_at < scope.captured_from:
        return False
    if scope.captured_until is not None and captured_at >= scope.captured_until:
        return False
    match scope.kind:
        case ScopeKind.SNAPSHOT:
            return url == scope.value and payload_digest == scope.payload_digest
        case ScopeKind.URL:
            return url == scope.value
        case ScopeKind.PREFIX:
            return url.startswith(scope.value)
        case ScopeKind.SOURCE:
            return source_name == scope.value


def blocks_fetch(scopes: Iterable[Scope], url: str, source_name: str | None) -> bool:
    """Whether an active removal forbids capturing `url` again.

    A removal of a URL, prefix or source with no upper capture date covers every future
    capture, so fetching would only write bytes nobody may see; one snapshot, or a
    date-bounded removal, does not stop later captures.
    """
    for scope in scopes:
        if scope.captured_until is not None or scope.kind is ScopeKind.SNAPSHOT:
            continue
        if ((scope.kind is ScopeKind.URL and url == scope.value)
                or (scope.kind is ScopeKind.PREFIX and url.startswith(scope.value))
                or (scope.kind is ScopeKind.SOURCE and source_name == scope.value)):
            return True
    return False


def http_url(text: str, what: str) -> str:
    """`text` as an absolute http(s) URL, or a UsageError naming `what`."""
    value = text.strip()
    if len(value) > MAX_VALUE:
        raise UsageError(f"the {what} is {len(value)} characters long; at most {MAX_VALUE}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"the {what} {value[:100]!r} is not an http(s) address; give it "
                         "in full, starting with https:// or http://", code="not_a_url",
                         value=value[:100])
    return value


def make_scope(kind: ScopeKind | str, value: str, *, payload_digest: str | None = None,
               captured_from: datetime | None = None, captured_until: datetime | None = None,
               embargo_until: datetime | None = None) -> Scope:
    """A checked scope: the value fits its kind, the date range is not empty."""
    try:
        kind = ScopeKind(kind)
    except ValueError:
        raise UsageError(f"unknown scope {kind!r}; use snapshot, url, prefix or source") from None
    if kind is ScopeKind.SOURCE:
        value = value.strip()
        if not value or len(value) > 200:
            raise UsageError("give the source's name as the sources file spells it")
    else:
        value = http_url(value, "prefix" if kind is ScopeKind.PREFIX else "URL")
        if kind is ScopeKind.PREFIX and not urlsplit(value).path:
            # "https://host" alone would also match "https://host.evil"; insist on a path.
            raise UsageError(f"the prefix {value!r} has no path; end the host with / "
                             f"(e.g. {value}/) so it does not match other hosts")
    if kind is ScopeKind.SNAPSHOT and not payload_digest:
        raise UsageError("a snapshot scope needs the snapshot's payload digest")
    if captured_from and captured_until and captured_until <= captured_from:
        raise UsageError("the date range is empty: the end must come after the start")
    return Scope(kind, value, payload_digest if kind is ScopeKind.SNAPSHOT else None,
                 captured_from, captured_until, embargo_until)


def describe(scope: Scope) -> str:
    """A one-line description for the admin pages, the audit log and the CLI."""
    text = f"{scope.kind.value} {scope.value}"
    if scope.payload_digest:
        text += f" [{scope.payload_digest}]"
    if scope.captured_from or scope.captured_until:
        low = scope.captured_from.isoformat() if scope.captured_from else "…"
        high = scope.captured_until.isoformat() if scope.captured_until else "…"
        text += f" captured {low} – {high}"
    if scope.embargo_until:
        text += f" until {scope.embargo_until.isoformat()}"
    return text
