"""The article body: trafilatura finds the main text, our layer cleans it.

trafilatura in precision mode scored best among the tools measured (docs/extraction.md);
on Chinese pages it still keeps byline lines, editor lines, photo credits and
copyright footers, so each output paragraph is checked against those shapes. Lines
that are bylines are handed back parsed, not just dropped: a 本文转自 or 责任编辑
inside the body is still evidence. A body that looks like chrome or covers little of
the page's prose is then judged against other methods' bodies (judge.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import lxml.html
from trafilatura.settings import MANUALLY_CLEANED

from kuaizhao.extract.bylines import BylineField, parse_byline
from kuaizhao.extract.candidates import declared_lines, readability_lines, trafilatura_text
from kuaizhao.extract.captions import is_credit_line
from kuaizhao.extract.density import densest_block_lines
from kuaizhao.extract.judge import (
    DECLARED,
    Candidate,
    choose,
    needs_candidates,
    signals,
    trim_edges,
)
from kuaizhao.extract.textlines import Line
from kuaizhao.extract.title import norm

_FOOTER = re.compile(
    r"版权所有|版权声明|copyright|©|未经(?:书面)?(?:许可|授权)|(?:禁止|严禁|不得)转载|违者必究|"
    r"免责声明|all rights reserved|ICP备|icp证|举报电话|违法和不良信息",
    re.I,
)
_FURNITURE = re.compile(
    r"^[【\[]?\s*(?:分享到?|打印|关闭(?:窗口)?|收藏|返回顶部|返回列表|字号|扫一扫|点击(?:进入|查看)|"
    r"相关(?:新闻|阅读|文章|推荐)|推荐阅读|热门推荐|延伸阅读|上一篇|下一篇|责任编辑|纠错)",
)
_MAX_FOOTER_LINE = 200
# Short calls to action and staff credits left over around the text (扫码阅读全文,
# 打开APP, 校对：…, Advertisement): on a short line they are never the story itself.
_PROMPT = re.compile(
    r"扫码|扫一扫|二维码|阅读全文|阅读原文|查看原文|展开全文|点击(?:查看|阅读|进入|关注)|"
    r"关注(?:我们|公众号|微信)|微信公众号|打开\s*(?:APP|客户端)|下载\s*(?:APP|客户端)|"
    r"^[（(]?(?:责任编辑|编辑|校对|审核|审校|监制|终审|责编|值班编辑|出品|策划|统筹)\s*[:：]|"
    r"^(?:advertisement|sponsored|read more:?|related:?|sign up for .{0,40}newsletter.*)$",
    re.I,
)
_MAX_PROMPT_LINE = 40
# Below this many word characters trafilatura's output is not trusted on its own.
_MIN_TRAFILATURA_CHARS = 150
# The quick pass is trusted when its body holds at least this share of the page's prose.
_QUICK_COVERAGE = 0.4
# A precision body under this share of the page's prose is a sliver (see _run_trafilatura).
_SLIVER = 1 / 8
_EXTENDS_SHARE = 0.8
_INLINE_VALUE_END = re.compile(r"[\s，。；;]")


@dataclass(frozen=True, slots=True)
class BodyResult:
    paragraphs: tuple[str, ...]
    bylines: tuple[BylineField, ...]
    credits: tuple[str, ...]
    rule: str


@dataclass(frozen=True, slots=True)
class PageProse:
    """What the rest of the page says about where its prose is.

    `prose_chars`: unlinked prose on the whole page (see `prose_chars`); `link_texts`:
    the page's link anchors without whitespace; `article_body`: its JSON-LD articleBody.
    """

    prose_chars: int = 0
    link_texts: frozenset[str] = frozenset()
    article_body: str | None = None


_Cleaned = tuple[list[str], list[BylineField], list[str]]


def extract_body(
    tree: lxml.html.HtmlElement, url: str | None, title: str, fast: bool,
    page: PageProse | None = None,
) -> BodyResult:
    """Paragraphs of the main text of `tree` (which loses its invisible elements).

    `page.prose_chars` decides whether trafilatura's quick pass is trusted (module
    docstring); a body the judge doubts is compared with other methods' (`judge.py`).
    """
    page = page or PageProse()
    _drop_invisible(tree)
    _unwrap_layout_tables(tree)
    raw, rule = _run_trafilatura(tree, url, fast, page.prose_chars)
    title_n = norm(title)
    result = _clean(raw.splitlines(), title_n)
    if len(norm("".join(result[0]))) < _MIN_TRAFILATURA_CHARS:
        fallback = _clean(densest_block_lines(tree), title_n)
        if len(norm("".join(fallback[0]))) > len(norm("".join(result[0]))):
            result, rule = fallback, "text-density fallback"
    doubt = needs_candidates(result[0], signals(result[0], page.link_texts), page.prose_chars,
                             page.article_body)
    if doubt and not fast:  # fast mode trades quality for speed; it skips the judge too
        result, rule = _judged(tree, url, title_n, page, (rule, result), doubt)
    paragraphs, bylines, credits = result
    return BodyResult(tuple(paragraphs), tuple(bylines), tuple(credits), rule)


def _judged(
    tree: lxml.html.HtmlElement, url: str | None, title_n: str, page: PageProse,
    first: tuple[str, _Cleaned], doubt: str,
) -> tuple[_Cleaned, str]:
    """The first body against the other methods' (candidates.py), chosen by the judge;
    the rule records which won and why."""
    # readability too reads the tree with nav, aside, footer … detached: it scores no
    # article there, and copying and scoring half the elements halves its cost.
    with _hidden_chrome(tree):
        recall = trafilatura_text(tree, url, "recall", fast=False) or ""
        readable = readability_lines(tree)
    found: list[tuple[str, list[str]]] = [
        ("trafilatura recall", recall.splitlines()),
        ("readability-lxml", readable),
        (DECLARED, declared_lines(page.article_body)),
    ]
    if first[0] != "text-density fallback":
        found.append(("text density", densest_block_lines(tree)))
    options = [first, *((method, _clean(lines, title_n)) for method, lines in found if lines)]
    verdict = choose([Candidate(m, tuple(c[0]), m == DECLARED) for m, c in options],
                     page.link_texts)
    method, (paragraphs, bylines, credits) = options[verdict.index]
    others = [c[0] for i, (_, c) in enumerate(options) if i != verdict.index]
    trimmed = list(trim_edges(paragraphs, others, page.link_texts))
    note = f"; {len(paragraphs) - len(trimmed)} chrome lines at its edges dropped" if len(
        trimmed) < len(paragraphs) else ""
    return (trimmed, bylines, credits), f"{method}; judge ({doubt}): {verdict.reason}{note}"


# trafilatura deletes these itself, but only after running its pruning XPaths over the
# whole raw tree, where they are a fifth of all elements: deleting them first is faster.
_INVISIBLE = ("style", "svg", "noscript", "template", "iframe", "object", "embed", "canvas")


def _drop_invisible(tree: lxml.html.HtmlElement) -> None:
    body = tree.find("body")
    if body is None:
        return
    doomed = [el for el in body.iter(*_INVISIBLE, "script")
              if el.tag != "script" or el.get("type") != "application/ld+json"]
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:  # keep the text that follows the element
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


# A table that lays out the page (tables inside tables, a cell holding prose, a single
# row or column, as on older government and university sites) is a stack of blocks, not
# data: trafilatura would print it row by row as "| … |", a whole article in one cell.
_LAYOUT_CELL_CHARS = 200
_TABLE_PARTS = ("tbody", "thead", "tfoot", "tr", "td", "th")


def _unwrap_layout_tables(tree: lxml.html.HtmlElement) -> None:
    body = tree.find("body")
    if body is None:
        return
    for table in list(body.iter("table")):
        parts = [el for el in table.iter(*_TABLE_PARTS)
                 if next(el.iterancestors("table"), None) is table]
        if _is_layout(table, parts):
            for el in (table, *parts):
                el.tag = "div"


def _is_layout(table: lxml.html.HtmlElement, parts: list[lxml.html.HtmlElement]) -> bool:
    rows = [el for el in parts if el.tag == "tr"]
    cells = [el for el in parts if el.tag in ("td", "th")]
    if len(rows) < 2 or len(cells) < 2 * len(rows) - 1 or table.find(".//table") is not None:
        return True  # one row, one column (each row a single cell), or tables in tables
    return any(len(el.text_content()) > _LAYOUT_CELL_CHARS for el in cells)


# trafilatura's cleaning deletes these subtrees too (its MANUALLY_CLEANED list), and the
# whole <head>, but only after copying the raw tree and running its pruning XPaths over
# it, which call a Python regex per element; on news pages they hold about half of all
# elements (metadata, navigation, footers, asides, buttons). Left to trafilatura: <form>
# (a form wrapping the whole page is demoted, not deleted), <figure> (one holding a table
# becomes a div), <math> (formulas are salvaged), and JSON-LD scripts (read to recognise
# forum pages, whose comments are the content).
_CLEANED_ANYWAY = tuple(sorted(set(MANUALLY_CLEANED) - {"form", "figure", "math", "head"}))


@contextmanager
def _hidden_chrome(tree: lxml.html.HtmlElement) -> Iterator[None]:
    """Detach the subtrees trafilatura would delete anyway (above), their tails left in
    place, while the block runs; then put everything back as it was.

    Detached rather than deleted: trafilatura's recall mode undoes its cleaning when no
    paragraph survives it, and the density fallback and htmldate read the whole page.
    """
    outermost: list[lxml.html.HtmlElement] = []
    head, body = tree.find("head"), tree.find("body")
    if head is not None:
        outermost.extend(el for el in head if not _is_json_ld(el))
    if body is not None:
        for el in body.iter(*_CLEANED_ANYWAY):
            if not _is_json_ld(el) and (not outermost or outermost[-1] not in el.iterancestors()):
                outermost.append(el)
    detached: list[tuple[lxml.html.HtmlElement, lxml.html.HtmlElement, bool, str | None]] = []
    for el in outermost:
        parent = el.getparent()
        prev = el.getprevious()
        anchor, after = (prev, True) if prev is not None else (parent, False)
        kept = anchor.tail if after else anchor.text
        if el.tail:
            merged = (kept or "") + el.tail
            if after:
                anchor.tail = merged
            else:
                anchor.text = merged
        detached.append((el, anchor, after, kept))
        parent.remove(el)  # lxml moves the tail along with the element
    try:
        yield
    finally:
        for el, anchor, after, kept in reversed(detached):
            if after:
                anchor.tail = kept
                anchor.addnext(el)
            else:
                anchor.text = kept
                anchor.insert(0, el)


def _is_json_ld(el: lxml.html.HtmlElement) -> bool:
    return bool(el.tag == "script" and el.get("type") == "application/ld+json")


def prose_chars(lines: list[Line]) -> int:
    """Characters in the page's unlinked lines of 40+ characters: roughly the article
    plus whatever other prose the page carries, a yardstick for a body's coverage."""
    return sum(len(line.text) for line in lines if len(line.text) >= 40 and not line.links)


def _clean(
    raw_lines: list[str], title_n: str
) -> tuple[list[str], list[BylineField], list[str]]:
    paragraphs: list[str] = []
    bylines: list[BylineField] = []
    credits: list[str] = []
    for line in raw_lines:
        line = " ".join(line.split())
        if not line:
            continue
        if not paragraphs and title_n and norm(line) == title_n:
            continue  # the headline repeated at the top of the body
        kept = _classify(line, bylines, credits)
        if kept:
            paragraphs.append(kept)
    return paragraphs, bylines, credits


def _classify(line: str, bylines: list[BylineField], credits: list[str]) -> str | None:
    """Return the part of `line` that is body text; file the rest as byline or credit."""
    fields = parse_byline(line)
    if fields and fields[0].start <= 2 and fields[0].field == "photo":
        credits.append(line)  # "◎ 图：@人民日报微博截图": a photo credit, kept as a caption
        return None
    if fields and fields[0].start <= 2:
        tail = _inline_remainder(line, fields)
        bylines.extend(fields if tail is None else fields[:1])
        return tail
    if is_credit_line(line):
        credits.append(line)
        return None
    if len(line) <= _MAX_FOOTER_LINE and (_FOOTER.search(line) or _FURNITURE.match(line)):
        return None
    if len(line) <= _MAX_PROMPT_LINE and _PROMPT.search(line):
        return None
    return line


def _inline_remainder(line: str, fields: list[BylineField]) -> str | None:
    """'本文转自：人民网-江苏频道 2月5日，无锡市…' keeps the text after the label value."""
    first = fields[0]
    if len(first.value) <= 40 or first.field not in {"reposted_from", "source", "original_title"}:
        return None
    value_start = line.index(first.value, first.start)
    cut = _INLINE_VALUE_END.search(line, value_start)
    if cut is None:
        return None
    head_value = line[value_start:cut.start()]
    rest = line[cut.end():].strip()
    fields[0] = BylineField(first.field, first.label, head_value, first.start)
    return rest or None


def _run_trafilatura(
    tree: lxml.html.HtmlElement, url: str | None, fast: bool, prose: int
) -> tuple[str, str]:
    """trafilatura's quick pass (no readability/justext comparison) first; the full
    cascade only when the quick body is missing or covers under `_QUICK_COVERAGE` of the
    page's prose. On the eval pages that reruns ~1 page in 10 and scores the same as
    always running the full cascade, at about twice the speed. Balanced mode only when
    precision kept a sliver of the prose, and only if it extends that text (2 of 378
    eval pages). trafilatura works on a copy of the tree it is given, so every run
    starts from the same tree."""
    with _hidden_chrome(tree):
        text = trafilatura_text(tree, url, "precision", fast=True)
        if text is None:
            return "", "none: markup too deeply nested"
        rule = "trafilatura precision fast"
        if not fast and (len(text) < _QUICK_COVERAGE * prose or not text):
            retry = trafilatura_text(tree, url, "precision", fast=False)
            if retry:
                text, rule = retry, "trafilatura precision"
            if _MIN_TRAFILATURA_CHARS <= len(text) < _SLIVER * prose:
                # Precision mode kept a sliver (headline, byline) and dropped the body on
                # some layouts (an Urdu news site: 547 of 6,823 characters): balanced mode
                # reads the same text further.
                balanced = trafilatura_text(tree, url, "balanced", fast=False) or ""
                if len(balanced) >= 2 * len(text) and _extends(balanced, text):
                    text, rule = balanced, "trafilatura balanced"
    if not text:
        text = trafilatura_text(tree, url, "recall", fast=fast) or ""
        rule = "trafilatura recall"
    return text, rule


def _extends(longer: str, shorter: str) -> bool:
    """True when `longer` holds (nearly) every line of `shorter`: the same article read
    further, not another part of the page."""
    lines = [line for line in shorter.splitlines() if line.strip()]
    return sum(line in longer for line in lines) >= _EXTENDS_SHARE * len(lines)
