"""A text-density fallback for pages where trafilatura finds no body.

Some Chinese government and portal pages wrap the article in table cells or bare
<div>s with <br> line breaks, which trafilatura's paragraph model misses. Here every
container is scored by the text it holds outside links, with punctuation (，。 , .)
counted as a sign of prose, and the best container's lines become the body.
"""

from __future__ import annotations

import re

import lxml.html

from kuaizhao.extract.textlines import page_lines

_PUNCT = re.compile(r"[，。；：！？、,.;:!?]")
_CONTAINERS = ("div", "td", "article", "section", "main")
_MIN_LINE = 2


def densest_block_lines(root: lxml.html.HtmlElement, max_candidates: int = 3000) -> list[str]:
    """Lines of the container with the most unlinked prose, or [] when nothing scores."""
    best: tuple[float, lxml.html.HtmlElement | None] = (0.0, None)
    for count, el in enumerate(root.iter(*_CONTAINERS)):
        if count >= max_candidates:
            break
        text = el.text_content()
        if len(text) < 100:
            continue
        link_chars = sum(len(a.text_content()) for a in el.iter("a"))
        plain = len(text) - link_chars
        if plain <= 0 or link_chars > 0.35 * len(text):
            continue
        # Prose density: unlinked characters and punctuation, less for bigger wrappers
        # (which also hold navigation), so the tightest prose container wins.
        score = (plain + 20 * len(_PUNCT.findall(text))) / (1 + 0.002 * len(text))
        if score > best[0]:
            best = (score, el)
    if best[1] is None:
        return []
    return [line.text for line in page_lines(best[1])
            if (len(line.text) >= _MIN_LINE and not line.links) or len(line.text) > 40]
