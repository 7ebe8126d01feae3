"""Whether a page asks not to be archived: `<meta name="robots">` and `X-Robots-Tag`.

`noarchive` says "do not keep a cached copy", which is exactly what a snapshot is;
`noindex` and `none` are honoured too, since a snapshot archive's pages are a search
index of the original. Directives aimed at one named crawler (`X-Robots-Tag: otherbot:
noarchive`, `<meta name="otherbot">`) are for that crawler only.
"""

from __future__ import annotations

import re

from kuaizhao.models import Headers

FORBIDDING = frozenset({"noarchive", "noindex", "none"})
_SCAN_BYTES = 256 * 1024  # meta tags belong in <head>; do not scan a whole huge page
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(rb"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_AGENTS = ("robots", "kuaizhao")


def _words(text: str) -> set[str]:
    return {w.strip().lower() for w in text.split(",") if w.strip()}


def directives(headers: Headers, body: bytes) -> set[str]:
    """The robots directives that apply to kuaizhao, from headers and meta tags."""
    found: set[str] = set()
    for name, value in headers:
        if name.lower() != "x-robots-tag":
            continue
        agent, sep, rest = value.partition(":")
        who = agent.strip().lower()
        if sep and "," not in who and " " not in who and who != "unavailable_after":
            if who not in _AGENTS:
                continue  # "otherbot: noarchive" is for that crawler
            value = rest
        found |= _words(value)
    for tag in _META.findall(body[:_SCAN_BYTES]):
        attrs = {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or b"")
                 for m in _ATTR.finditer(tag)}
        name = attrs.get(b"name", b"").decode("ascii", "replace").strip().lower()
        if name in _AGENTS:
            found |= _words(attrs.get(b"content", b"").decode("utf-8", "replace"))
    return found


def refusal(headers: Headers, body: bytes) -> str | None:
    """Why the page must not be archived, or None when it may be."""
    words = directives(headers, body) & FORBIDDING
    return f"the page says {', '.join(sorted(words))} (meta robots / X-Robots-Tag)" \
        if words else None
