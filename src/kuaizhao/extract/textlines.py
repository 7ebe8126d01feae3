"""The page as visible lines of text, in document order.

Bylines (发布时间 / 来源 / 本文转自 …) live in short lines of inline markup around the
headline; reading them from lines rather than from particular elements is what lets
one set of patterns work on sites whose markup differs.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.etree
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
_HEADINGS = frozenset({"h1", "h2", "h3"})
# Deeper than this is not real markup; the walk stops there so hostile nesting stays cheap.
MAX_DEPTH = 200


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    links: tuple[tuple[str, str], ...]  # (anchor text, href)
    tag: str  # the block element that holds the line
    heading: bool


def page_lines(root: lxml.html.HtmlElement, max_lines: int = 5000) -> list[Line]:
    """Visible text of `root` cut into lines at block elements, blank lines dropped.

    Walks with lxml's C-level `iterwalk` (skipping invisible subtrees), which is several
    times faster than a Python stack walk; this runs on every page.
    """
    lines: list[Line] = []
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    tag = "body"
    depth = 0
    skipped: set[lxml.html.HtmlElement] = set()

    def flush(tag: str) -> None:
        if not parts and not links:
            return  # most block boundaries close an empty line
        text = " ".join("".join(parts).split())
        if text:
            lines.append(Line(text, tuple(links), tag, tag in _HEADINGS))
        parts.clear()
        links.clear()

    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        name = el.tag
        if event == "start":
            depth += 1
            if name.__class__ is not str or name in SKIP_TAGS or depth > MAX_DEPTH:
                walker.skip_subtree()  # its "end" event still comes, and adds its tail
                skipped.add(el)
                continue
            if name in BLOCK_TAGS:
                if parts or links:
                    flush(tag)
                tag = name
            text = el.text
            if text:
                parts.append(text)
            if name == "a":
                href = el.get("href")
                if href:
                    label = " ".join(el.text_content().split())
                    if label:
                        links.append((label, href))
        else:
            depth -= 1
            if (parts or links) and name in BLOCK_TAGS and el not in skipped:
                flush(tag)
            if el is not root:
                tail = el.tail
                if tail:
                    parts.append(tail)
            if len(lines) >= max_lines:
                break
    flush(tag)
    return lines
