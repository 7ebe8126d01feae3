"""Source line breaks between Chinese characters, removed from the tree as a browser would.

Done once on the parsed tree, before anything reads it, so every text taken from it
(lines, headline, body via trafilatura, captions, breadcrumbs) shows what the page
renders: "明确知\\n悉" reads "明确知悉", while a space the page really shows between
Chinese words stays. The rule itself (CSS Text 3 segment break transformation) is
`kuaizhao.whitespace`; this module only decides which pieces of text flow together.

A break can straddle elements ("知\\n<b>悉</b>"), so the text and tails of one inline
run, from one block boundary to the next, are matched as one string. Preformatted
elements keep their breaks: there the page shows them.
"""

from __future__ import annotations

import re

import lxml.etree
import lxml.html

from kuaizhao.extract.textlines import BLOCK_TAGS
from kuaizhao.whitespace import SEGMENT_BREAK

# Text the page does not flow: scripts and styles are not shown, preformatted text
# shows its line breaks.
_KEPT = frozenset({"script", "style", "template", "pre", "textarea", "listing", "plaintext",
                   "xmp"})
# Where an inline run ends: block boxes, and replaced or line-breaking elements that sit
# between two pieces of text.
_BOUNDARIES = BLOCK_TAGS | {"head", "title", "img", "input", "video", "audio", "option",
                            "select", "svg", "math", "iframe", "object", "embed", "canvas"}

_MAYBE_WIDE = re.compile("[\u2e80-\U0010ffff]")

_Piece = tuple[lxml.html.HtmlElement, bool]  # (element, True for its tail)


def remove_segment_breaks(root: lxml.html.HtmlElement) -> None:
    """Remove, in place, the segment breaks between wide characters in `root`'s text."""
    # A page without a single wide character (most pages that are not Chinese or
    # Japanese) needs no walk. One range from the first wide code point up is a
    # superset that the regex engine tests far faster than the exact class.
    if not _MAYBE_WIDE.search("".join(root.itertext())):
        return
    run: list[_Piece] = []
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = el.tag
        kept = tag.__class__ is not str or tag in _KEPT
        if event == "start":
            if kept or tag in _BOUNDARIES:
                _fix(run)
            if kept:
                walker.skip_subtree()  # its "end" event still comes, and adds its tail
                continue
            if el.text:
                run.append((el, False))
        else:
            if kept or tag in _BOUNDARIES:
                _fix(run)
            if el is not root and el.tail:
                run.append((el, True))
    _fix(run)


def _fix(run: list[_Piece]) -> None:
    """Apply the rule to one inline run and write the pieces back; empties `run`."""
    if not run:
        return
    texts = [el.tail if is_tail else el.text for el, is_tail in run]
    pieces = [t or "" for t in texts]
    if any("\n" in t or "\r" in t for t in pieces):
        joined = "".join(pieces)
        spans = [m.span() for m in SEGMENT_BREAK.finditer(joined)]
        if spans:
            _write(run, pieces, joined, spans)
    run.clear()


def _write(run: list[_Piece], pieces: list[str], joined: str,
           spans: list[tuple[int, int]]) -> None:
    pos = 0
    first = 0  # the first span that may still overlap this piece
    for (el, is_tail), text in zip(run, pieces, strict=True):
        end = pos + len(text)
        while first < len(spans) and spans[first][1] <= pos:
            first += 1
        cursor, kept = pos, []
        for start, stop in spans[first:]:
            if start >= end:
                break
            kept.append(joined[cursor:max(start, cursor)])
            cursor = max(cursor, min(stop, end))
        kept.append(joined[cursor:end])
        new = "".join(kept)
        if new != text:
            if is_tail:
                el.tail = new or None
            else:
                el.text = new or None
        pos = end
