"""Making crawled text safe to show, with search terms marked.

Everything from a crawled page reaches the browser either through Jinja's autoescape or
through these functions, which escape first and add only `<mark>` themselves. Links are
made only from http(s) URLs, so a stored `javascript:` or `data:` link stays text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from markupsafe import Markup, escape

_MAX_TERMS = 12
_OPERATORS = {"and", "or", "not"}
_FIELD = re.compile(r"^[a-z_]+:", re.I)
_TRIM = "\"'()[]{}*+“”‘’「」《》"
# Entities the store's snippet escaping produces; anything else after `&` is re-escaped.
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_MARK_TAG = re.compile(r"(</?mark>)")


def query_terms(query: str | None) -> tuple[str, ...]:
    """The words a search query looks for, for highlighting (not for searching).

    Field filters (`source:x`), operators and negated words (`-x`) are dropped, quotes
    and brackets trimmed; longer terms come first so `科技创新` wins over `科技`.
    """
    if not query:
        return ()
    seen: dict[str, None] = {}
    for raw in query.split():
        if raw.startswith("-") or raw.lower() in _OPERATORS or _FIELD.match(raw):
            continue
        term = raw.strip(_TRIM)
        if term and term.lower() not in _OPERATORS:
            seen.setdefault(term, None)
        if len(seen) >= _MAX_TERMS:
            break
    return tuple(sorted(seen, key=len, reverse=True))


def highlight(text: str, terms: tuple[str, ...]) -> Markup:
    """`text` escaped, with each occurrence of a term wrapped in `<mark>`."""
    if not terms or not text:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(str(escape(text[last:match.start()])))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))  # noqa: S704 - built from escaped pieces and our own tags


def clean_snippet(snippet: str) -> Markup:
    """A store snippet (escaped text with `<mark>`) made safe even if the backend slipped.

    Idempotent on well-formed snippets; any other `<`, `>` or bare `&` is escaped, so a
    snippet can never carry markup of its own.
    """
    out: list[str] = []
    depth = 0
    for part in _MARK_TAG.split(snippet):
        if part == "<mark>":
            depth += 1
            out.append(part)
        elif part == "</mark>":
            if depth:
                depth -= 1
                out.append(part)
        else:
            out.append(_escape_loose(part))
    out.extend("</mark>" for _ in range(depth))
    return Markup("".join(out))  # noqa: S704 - every text piece is escaped above


def _escape_loose(text: str) -> str:
    pieces: list[str] = []
    last = 0
    for match in _ENTITY.finditer(text):
        pieces.append(_escape_chars(text[last:match.start()]))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(_escape_chars(text[last:]))
    return "".join(pieces)


def _escape_chars(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;"))


def http_url(value: str | None) -> str | None:
    """`value` if it is an absolute http(s) URL with a host, else None (never a link)."""
    if not value:
        return None
    candidate = value.strip()
    if any(ord(ch) < 0x20 or ch in "\x7f " for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate
