"""The headline, without the site name that <title> usually carries.

Candidates: the JSON-LD headline of an Article object, a `headline` meta/itemprop,
og:title, twitter:title, other declared titles, the page's first <h1>, and <title>
(cut at separators such as "_" / " | " / " - ", so "标题_人民资讯" offers "标题").
Each candidate votes for its normalised text with the weight of its source; equal
texts add up, and the text with the most weight wins. The JSON-LD headline weighs
most because it is the page's structured claim about *this* article and is free of
site suffixes and teasers; the other sources are each weak alone and win by agreeing.
Measured on the Fundus fixtures (docs/extraction.md), no fixed order of sources does
better, and ties fall back to the order in `_WEIGHTS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import lxml.html

from kuaizhao.extract.textlines import Line

# A separator between headline and site/channel names in <title> and og:title.
# "»" and "-" count only with spaces around them: « » are quotes in German and French
# titles and "Berlin-Lichterfelde" is one word. Korean sites write the bar as the jamo
# "ㅣ" ("제목-정치ㅣ한국일보"), which never stands alone inside a word.
_SEPARATORS = re.compile(
    r"\s*(?:_|\||｜|丨|ㅣ|--|::)\s*|\s+(?:—|–|-|·|»|/|\*)\s+|\s-(?=\S)|(?<=\S)-\s")
# Only for agreement: "标题-股票频道-和讯网" offers "标题" when another source says so.
_LOOSE_SEPARATORS = re.compile(r"\s*[-—–·•]\s*")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_LEADING_SEPARATOR = re.compile(r"\s*(?:[-—–_|｜·•]|ㅣ)")

# source → weight; order = tie-break preference.
_WEIGHTS: dict[str, float] = {
    "json-ld": 2.0,
    "meta headline": 1.0,
    "og:title": 0.5,
    "twitter:title": 0.5,
    "heading above dateline": 0.5,  # only on pages without an <h1> (article.py)
    "<title>": 0.5,
    "h1": 0.5,
    "meta title": 0.25,
}
_MIN_CHARS = 4  # normalised characters; "Home", "新闻" are not headlines
_MAX_CHARS = 400


@dataclass(frozen=True, slots=True)
class TitleChoice:
    value: str
    rule: str
    confidence: float
    site_name: str | None  # what the <title> carried besides the headline, if anything


def norm(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def choose_title(
    root: lxml.html.HtmlElement, declared: list[tuple[str, str]], site_names: list[str],
    lines: Sequence[Line] = (),
) -> TitleChoice | None:
    """The best-supported headline among declared titles, <h1> and <title>.

    `site_names` (og:site_name, the JSON-LD publisher, the configured source name) are
    cut from the end of any candidate; other trailing segments ("| Sport", "- kicker")
    are cut only when another source names the shorter reading, or, for <title>, when
    the page shows the shorter reading as a line of its own (`lines`: "标题-EDN 电子技术
    设计" on a page with no <h1> and "标题" in a <div>).
    """
    head_title = ""
    title_el = root.find(".//title")
    if title_el is not None:
        head_title = " ".join(title_el.text_content().split())
    segments = _segments(head_title)
    site_name = None
    if len(segments) > 1:
        site_name = segments[-1] if len(segments[-1]) < len(segments[0]) else segments[0]

    raw: list[tuple[str, str]] = []
    seen_sources: set[str] = set()
    for rule, value in declared:
        source = _source_of(rule)
        if source is not None and source not in seen_sources:
            seen_sources.add(source)
            raw.append((source, " ".join(value.split())))
    headings = _headings(root, "h1")
    if headings:
        raw.append(("h1", headings[0]))
    if head_title:
        raw.append(("<title>", head_title))
    sites = {norm(s) for s in site_names if norm(s)}
    if len(segments) > 1 and not (headings and norm(segments[0]) in norm(headings[0])
                                  and norm(segments[-1]) in norm(headings[0])):
        sites.add(norm(segments[-1]))  # "<headline> - Golem.de": a tail the <h1> lacks

    votes: dict[str, float] = {}
    best: dict[str, tuple[int, str, str]] = {}  # norm → (rank, source, text) most trusted
    visible: dict[str, str] = {}  # norm → the <h1> wording (the page's own quotes, case)
    ranks = {source: i for i, source in enumerate(_WEIGHTS)}
    shown: set[str] = set()

    def shown_lines() -> set[str]:
        if not shown:
            shown.update(norm(x.text) for x in lines if len(x.text) <= _MAX_CHARS)
        return shown

    for i, (source, text) in enumerate(raw):
        if source == "<title>" and _LEADING_SEPARATOR.match(text):
            continue  # "-铜雀历史网": the site name alone, the headline left out
        others = {norm(t): t for j, (_, t) in enumerate(raw) if j != i}
        text = _untruncated(text, others)
        text = _reading(text, set(others), sites, shown_lines if source == "<title>" else None)
        key = norm(text)
        if not (_MIN_CHARS <= len(key) <= _MAX_CHARS):
            continue
        votes[key] = votes.get(key, 0.0) + _WEIGHTS[source]
        if key not in best or ranks[source] < best[key][0]:
            best[key] = (ranks[source], source, text)
        if source == "h1":
            visible[key] = text
    if votes:
        key = max(votes, key=lambda k: (votes[k], -best[k][0]))
        _, source, text = best[key]
        weight = votes[key]
        rule = source if weight == _WEIGHTS[source] else f"{source}, agreed (weight {weight:g})"
        return TitleChoice(visible.get(key, text), rule, min(0.95, 0.5 + weight / 4), site_name)
    fallback = _headings(root, "h2")
    if fallback:
        return TitleChoice(fallback[0], "first h2", 0.4, site_name)
    return None


def _untruncated(text: str, others: dict[str, str]) -> str:
    """A headline cut with an ellipsis ("…", "...") or at JSON-LD's customary 110
    characters is the start of another source's full headline: take the full one."""
    stripped = text.rstrip(".…")
    if stripped == text and len(text) < 100:
        return text
    key = norm(stripped)
    longer = [t for k, t in others.items() if len(k) > len(key) >= 20 and k.startswith(key)]
    return min(longer, key=len) if longer else text


def _reading(
    text: str, others: set[str], sites: set[str], shown: Callable[[], set[str]] | None
) -> str:
    """The part of a candidate that is the headline.

    A known site name at the end is cut; "headline - 栏目 - 频道 - 站名" (a long first
    segment before short navigation names) keeps the first segment; otherwise the whole
    text, unless a part of it is exactly what another source says ("标题-和讯网" when
    the <h1> says "标题", "Opinion | Headline" when it says "Headline"). For <title>
    (`shown` given), a leading part the page shows as a line of its own is next; then
    its longest part.
    """
    cuts = list(_SEPARATORS.finditer(text))
    while cuts:
        last = norm(text[cuts[-1].end():])
        if not any(site == last or (len(site) >= 4 and site in last) for site in sites):
            break
        text = text[:cuts[-1].start()]
        cuts = cuts[:-1]
    parts = _segments(text)
    if len(parts) >= 3 and all(2 * len(p) <= len(parts[0]) for p in parts[1:]):
        return parts[0]
    if norm(text) in others:
        return text
    for found in (cuts, list(_LOOSE_SEPARATORS.finditer(text))):
        if not found:
            continue
        first, final = found[0], found[-1]
        for reading in (text[:final.start()], text[:first.start()], text[first.end():],
                        text[final.end():]):
            if norm(reading) in others:
                return reading.strip()
    if shown is None:
        return text
    # A space between Chinese words is a separator too ("标题 湖南省中医药研究院附属医院").
    spaces = list(_CJK_SPACE.finditer(text))[-1:]
    for found in (cuts, list(_LOOSE_SEPARATORS.finditer(text)), spaces):
        for reading in (text[:found[-1].start()], text[:found[0].start()]) if found else ():
            if len(norm(reading)) >= _MIN_CHARS and norm(reading) in shown():
                return reading.strip()
    return max(parts, key=len) if parts else text


def _source_of(rule: str) -> str | None:
    if rule.startswith("json-ld"):
        return None if rule.endswith("webpage") else "json-ld"
    return rule if rule in _WEIGHTS else None


def _segments(title: str) -> list[str]:
    return [s.strip() for s in _SEPARATORS.split(title) if s.strip()] if title else []


def _headings(root: lxml.html.HtmlElement, tag: str) -> list[str]:
    out = []
    for el in root.iter(tag):
        text = " ".join(el.text_content().split())
        if 2 <= len(text) <= 300:
            out.append(text)
        if len(out) >= 5:
            break
    return out
