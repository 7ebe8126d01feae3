"""The article body: trafilatura finds the main text, our layer cleans it.

trafilatura in precision mode scored best among the tools measured (docs/extraction.md);
on Chinese pages it still keeps byline lines, editor lines, photo credits and
copyright footers, so each output paragraph is checked against those shapes. Lines
that are bylines are handed back parsed, not just dropped: a 本文转自 or 责任编辑
inside the body is still evidence.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import lxml.html
import trafilatura

from kuaizhao.extract.bylines import BylineField, parse_byline
from kuaizhao.extract.captions import is_credit_line
from kuaizhao.extract.density import densest_block_lines
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
# Below this many word characters trafilatura's output is not trusted on its own.
_MIN_TRAFILATURA_CHARS = 150
_INLINE_VALUE_END = re.compile(r"[\s，。；;]")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BodyResult:
    paragraphs: tuple[str, ...]
    bylines: tuple[BylineField, ...]
    credits: tuple[str, ...]
    rule: str


def extract_body(
    tree: lxml.html.HtmlElement, url: str | None, title: str, fast: bool
) -> BodyResult:
    """Paragraphs of the main text of `tree` (which trafilatura may modify)."""
    raw, rule = _run_trafilatura(tree, url, fast)
    title_n = norm(title)
    result = _clean(raw.splitlines(), title_n)
    if len(norm("".join(result[0]))) < _MIN_TRAFILATURA_CHARS:
        fallback = _clean(densest_block_lines(tree), title_n)
        if len(norm("".join(fallback[0]))) > len(norm("".join(result[0]))):
            result, rule = fallback, "text-density fallback"
    paragraphs, bylines, credits = result
    return BodyResult(tuple(paragraphs), tuple(bylines), tuple(credits), rule)


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
    if fields and fields[0].start <= 2:
        tail = _inline_remainder(line, fields)
        bylines.extend(fields if tail is None else fields[:1])
        return tail
    if is_credit_line(line):
        credits.append(line)
        return None
    if len(line) <= _MAX_FOOTER_LINE and (_FOOTER.search(line) or _FURNITURE.match(line)):
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


def _run_trafilatura(tree: lxml.html.HtmlElement, url: str | None, fast: bool) -> tuple[str, str]:
    rule = "trafilatura precision" + (" fast" if fast else "")
    try:
        text = trafilatura.extract(
            tree, url=url, favor_precision=True, fast=fast, include_comments=False,
            include_tables=True, include_images=False, with_metadata=False, deduplicate=False,
        )
    except RecursionError:
        log.warning("trafilatura hit the recursion limit on %s; treating body as empty", url)
        return "", "none: markup too deeply nested"
    if not text:
        try:
            text = trafilatura.extract(tree, url=url, favor_recall=True, fast=fast,
                                       include_comments=False, with_metadata=False)
        except RecursionError:
            return "", "none: markup too deeply nested"
        rule = "trafilatura recall"
    return text or "", rule
