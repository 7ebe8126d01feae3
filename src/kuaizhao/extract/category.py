"""The section a page belongs to (国内, 财经, Sport …).

In order of trust: the source's own `category_rules` on the URL (the operator's
mapping), a breadcrumb trail (首页 > 国内 > 正文), a 类别/栏目 label, JSON-LD
articleSection, then section meta tags. A value from the page that is a code
("01002002050", "1004": `kuaizhao.labels`) is passed over for the next one; when the
page names no label at all, the pipeline falls back to the source's or the import's
default (docs/sources.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kuaizhao.errors import ExtractError
from kuaizhao.extract.textlines import Line
from kuaizhao.labels import is_label

_HOME = {"首页", "主页", "网站首页", "返回首页", "home", "homepage", "news", "新闻", "新闻中心",
         "正文", "内容", "详情", "详细内容", "正文内容", "文章", "当前位置", "您的位置",
         "您现在的位置",
         "位置", "you are here"}
_CRUMB_SEP = re.compile(r"\s*(?:>>|>|＞|»|›|→|/|\\|-&gt;)\s*")
_CRUMB_LEAD = re.compile(r"^(?:当前位置|您的位置|您现在的位置|现在位置|所在位置|位置)\s*[:：]?\s*")


@dataclass(frozen=True, slots=True)
class CategoryChoice:
    value: str
    rule: str
    confidence: float


def compile_rules(rules: tuple[tuple[str, str], ...]) -> list[tuple[re.Pattern[str], str]]:
    compiled = []
    for pattern, category in rules:
        try:
            compiled.append((re.compile(pattern), category))
        except re.error as exc:
            raise ExtractError(
                f"category rule {pattern!r} is not a valid regular expression ({exc}); "
                "fix it in the source's category rules"
            ) from exc
    return compiled


def category_from_url(url: str | None, rules: tuple[tuple[str, str], ...]) -> str | None:
    if not url:
        return None
    for regex, category in compile_rules(rules):
        if regex.search(url):
            return category
    return None


def breadcrumb_category(lines: list[Line], title: str) -> str | None:
    """The deepest breadcrumb item that is not home, 正文 or the headline itself."""
    for line in lines[:400]:
        text = _CRUMB_LEAD.sub("", line.text)
        if len(text) > 80 or len(line.links) < 1:
            continue
        items = [i for i in _CRUMB_SEP.split(text) if i.strip()]
        if len(items) < 2 or items[0].strip().lower() not in _HOME:
            continue
        if not _CRUMB_SEP.search(text):
            continue
        category = crumb_pick(items, title)
        if category:
            return category
    return None


def crumb_pick(items: list[str], title: str) -> str | None:
    t = re.sub(r"\W+", "", title)
    for item in reversed(items):
        item = item.strip()
        n = re.sub(r"\W+", "", item)
        if (not n or item.lower() in _HOME or (t and (n in t or t in n)) or len(item) > 20
                or not is_label(item)):
            continue
        return item
    return None


def choose_category(
    url: str | None,
    rules: tuple[tuple[str, str], ...],
    lines: list[Line],
    title: str,
    labelled: str | None,
    json_ld_crumbs: list[str],
    sections: list[tuple[str, str]],
) -> CategoryChoice | None:
    by_rule = category_from_url(url, rules)
    if by_rule:
        return CategoryChoice(by_rule, "source category_rules on URL", 0.95)
    codes: list[str] = []
    for value, rule, confidence in _page_labels(lines, title, labelled, json_ld_crumbs,
                                                sections):
        if is_label(value):
            skipped = f" (codes passed over: {', '.join(codes)})" if codes else ""
            return CategoryChoice(value, rule + skipped, confidence)
        codes.append(f"{value!r} from {rule}")
    return None


def _page_labels(
    lines: list[Line], title: str, labelled: str | None, json_ld_crumbs: list[str],
    sections: list[tuple[str, str]],
) -> Iterator[tuple[str, str, float]]:
    """What the page says its section is, most trusted first (module docstring)."""
    crumb = breadcrumb_category(lines, title)
    if crumb:
        yield crumb, "breadcrumb", 0.85
    if json_ld_crumbs:
        crumb = crumb_pick(json_ld_crumbs, title)
        if crumb:
            yield crumb, "json-ld BreadcrumbList", 0.85
    if labelled:
        yield labelled, "类别/栏目 label", 0.8
    for rule, value in sections:
        value = re.split(r"[,，;；|]", value)[0].strip()
        if value and len(value) <= 40:
            yield value, rule, 0.7
