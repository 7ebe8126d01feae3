"""Bodies from other methods, for the judge to compare when the first body is doubtful.

Each extractor fails on different layouts: trafilatura's precision mode can take a
dense menu for the article, readability-lxml scores containers by paragraph text and
commas, the density scorer by unlinked prose, and a page's JSON-LD `articleBody` is
what its publisher says the article is. When most of them agree and the first body
does not, the first body is the one that is wrong (`judge.choose`). These run only on
doubtful pages (`judge.needs_candidates`): readability alone costs about as much as
the whole quick pass.
"""

from __future__ import annotations

import copy
import logging

import lxml.etree
import lxml.html
import trafilatura
from readability import Document
from readability.readability import Unparseable

from kuaizhao.extract.textlines import page_lines

log = logging.getLogger(__name__)


def trafilatura_text(
    tree: lxml.html.HtmlElement, url: str | None, focus: str, fast: bool
) -> str | None:
    """trafilatura's text ("" when it finds none), None when the markup is too deep.

    trafilatura works on a copy of the tree it is given, so every run starts from the
    same tree.
    """
    try:
        return trafilatura.extract(
            tree, url=url, favor_precision=focus == "precision", favor_recall=focus == "recall",
            fast=fast,
            include_comments=False, include_tables=True, include_images=False,
            with_metadata=False, deduplicate=False,
        ) or ""
    except RecursionError:
        log.warning("trafilatura hit the recursion limit on %s; treating body as empty", url)
        return None


def readability_lines(tree: lxml.html.HtmlElement) -> list[str]:
    """readability-lxml's article as lines ([] when it finds none).

    It is given a copy: it deletes hidden elements from the tree it reads.
    """
    try:
        summary = Document(copy.deepcopy(tree)).summary(html_partial=True)
    except (Unparseable, ValueError, RecursionError, lxml.etree.LxmlError) as exc:
        log.info("readability-lxml found no article: %s", exc)
        return []
    if not summary.strip():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return []
    return [line.text for line in page_lines(fragment)]


def declared_lines(article_body: str | None) -> list[str]:
    """The JSON-LD articleBody as lines (publishers write paragraphs on lines)."""
    return [line for line in (article_body or "").splitlines() if line.strip()]
