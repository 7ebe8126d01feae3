"""The headline, without the site name that <title> usually carries.

Candidates: JSON-LD headline, og:title, the page's <h1>s, and <title>. A <title>
like "无锡:放大“三个效应” 打造产业科技创新高地_人民资讯" is cut at separators and the
segment that matches another candidate (or the longest) is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

_SEPARATORS = re.compile(r"\s*(?:_|\||｜|丨|--|—|–|-\s|\s-|·|::|»|/\s)\s*")
_H_SCORE = {"h1": 1.0, "h2": 0.6}


@dataclass(frozen=True, slots=True)
class TitleChoice:
    value: str
    rule: str
    confidence: float
    site_name: str | None  # what the <title> carried besides the headline, if anything


def norm(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def choose_title(
    root: lxml.html.HtmlElement, declared: list[tuple[str, str]]
) -> TitleChoice | None:
    """The best headline among declared candidates, headings and <title>."""
    head_title = ""
    title_el = root.find(".//title")
    if title_el is not None:
        head_title = " ".join(title_el.text_content().split())
    headings = _headings(root)
    site_name = None
    segments = [s for s in _SEPARATORS.split(head_title) if s.strip()] if head_title else []
    if len(segments) > 1:
        site_name = segments[-1] if len(segments[-1]) < len(segments[0]) else segments[0]

    # 1. a heading that <title> or a declared title agrees with
    refs = [norm(v) for _, v in declared] + [norm(head_title)]
    for text, tag in headings:
        n = norm(text)
        if len(n) >= 4 and any(n == r or (r.startswith(n) and len(n) > 0.4 * len(r)) or
                               (n in r and len(n) > 0.6 * len(r)) for r in refs if r):
            return TitleChoice(text, f"{tag} matching title/meta", 0.95, site_name)
    # 2. a declared title (JSON-LD headline, og:title) with any site suffix removed
    for rule, value in declared:
        cleaned = _strip_site(value, site_name)
        if cleaned:
            return TitleChoice(cleaned, rule, 0.85, site_name)
    # 3. <title> segments: the one matching a heading, else the longest
    if segments:
        heads = [norm(t) for t, _ in headings]
        for seg in segments:
            if any(norm(seg) and norm(seg) in h for h in heads):
                return TitleChoice(seg.strip(), "<title> segment matching heading", 0.8, site_name)
        best = max(segments, key=len).strip()
        return TitleChoice(best, "<title> longest segment", 0.6, site_name)
    if headings:
        text, tag = headings[0]
        return TitleChoice(text, f"first {tag}", 0.5, site_name)
    return None


def _strip_site(value: str, site_name: str | None) -> str:
    value = " ".join(value.split())
    parts = [p for p in _SEPARATORS.split(value) if p.strip()]
    if len(parts) > 1 and site_name and norm(parts[-1]) == norm(site_name):
        return " - ".join(parts[:-1]) if len(parts) > 2 else parts[0]
    return value


def _headings(root: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    out = []
    for tag in _H_SCORE:
        for el in root.iter(tag):
            text = " ".join(el.text_content().split())
            if 2 <= len(text) <= 300:
                out.append((text, tag))
            if len(out) > 20:
                return out
    return out
