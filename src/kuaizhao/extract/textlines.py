"""The page as visible lines of text, in document order.

Bylines (发布时间 / 来源 / 本文转自 …) live in short lines of inline markup around the
headline; reading them from lines rather than from particular elements is what lets
one set of patterns work on sites whose markup differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html

SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "iframe", "select", "textarea",
     "button", "object", "canvas"}
)
BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "header", "footer", "nav", "aside", "main", "ul", "ol",
     "li", "dl", "dt", "dd", "table", "tr", "td", "th", "tbody", "thead", "h1", "h2", "h3", "h4",
     "h5", "h6", "blockquote", "pre", "figure", "figcaption", "form", "br", "hr", "address",
     "center", "body", "html"}
)
# Deeper than this is not real markup; the walk stops there so hostile nesting stays cheap.
MAX_DEPTH = 200


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    links: tuple[tuple[str, str], ...]  # (anchor text, href)
    tag: str  # the block element that holds the line
    heading: bool


def page_lines(root: lxml.html.HtmlElement, max_lines: int = 5000) -> list[Line]:
    """Visible text of `root` cut into lines at block elements, blank lines dropped."""
    lines: list[Line] = []
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    state: dict[str, str] = {"tag": "body"}

    def flush() -> None:
        text = " ".join("".join(parts).split())
        if text:
            tag = state["tag"]
            lines.append(Line(text, tuple(links), tag, tag in {"h1", "h2", "h3"}))
        parts.clear()
        links.clear()

    for event, el, depth in _walk(root):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in BLOCK_TAGS:
                flush()
                state["tag"] = tag
            if el.text and tag not in SKIP_TAGS:
                parts.append(el.text)
            if tag == "a" and depth < MAX_DEPTH:
                href = el.get("href")
                label = " ".join(el.text_content().split())
                if href and label:
                    links.append((label, href))
        else:
            if tag in BLOCK_TAGS:
                flush()
            if el.tail:
                parts.append(el.tail)
        if len(lines) >= max_lines:
            break
    flush()
    return lines


def _walk(root: lxml.html.HtmlElement) -> Iterator[tuple[str, lxml.html.HtmlElement, int]]:
    """Start/end events without recursion, skipping invisible subtrees."""
    stack: list[tuple[lxml.html.HtmlElement, int, bool]] = [(root, 0, False)]
    while stack:
        el, depth, done = stack.pop()
        if done:
            yield "end", el, depth
            continue
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in SKIP_TAGS or depth > MAX_DEPTH:
            if el.tail:
                yield "end", el, depth  # keep the tail text of skipped elements
            continue
        yield "start", el, depth
        stack.append((el, depth, True))
        stack.extend((child, depth + 1, False) for child in reversed(el))
