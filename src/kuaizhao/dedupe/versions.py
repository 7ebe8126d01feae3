"""Is a new capture of a URL a new version of the article? (pure)

Decided on the extracted article, not on the bytes: a page's bytes change with every
rotated advertisement, "3 minutes ago", view counter or cache-busting image URL, and
none of that is an edit. What a reader would call an edit is: the headline, the body
text, a caption, the byline or the stated origin. Those are compared after folding
the differences that carry no meaning (Unicode width, whitespace) and after dropping
what is noise even inside the body (advertisement lines, counters, date-time stamps).
Any other difference, down to one changed digit, is a new version: stealth edits are
exactly the one-digit changes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kuaizhao.models import Article


@dataclass(frozen=True, slots=True)
class VersionDecision:
    """`is_version`: keep the capture as a new snapshot; `changed` names the fields."""

    is_version: bool
    changed: tuple[str, ...]
    reason: str


_SPACE = re.compile(r"\s+")
# Punctuation that CMSes swap for its ASCII look-alike (NFKC keeps these apart).
_PUNCT = str.maketrans({"。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'",
                        "「": '"', "」": '"', "『": '"', "』": '"', "—": "-", "…": "..."})
_PUNCT_SPACE = re.compile(r"\s*([^\w\s])\s*")  # "，" became ", " on another CMS
# A full date with a time of day, or a relative time: how pages stamp "now".
_STAMP = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s*(?:T|\s)?\s*"
    r"\d{1,2}\s*[:：时]\s*\d{1,2}(?:\s*[:：分]\s*\d{1,2}\s*秒?)?(?:\s*[+-]\d{2}:?\d{2}|Z)?"
    r"|\d+\s*(?:秒|分钟|小时|天)前|刚刚"
    r"|\b\d+\s+(?:seconds?|minutes?|mins?|hours?|days?)\s+ago\b|\bjust now\b",
    re.IGNORECASE,
)
# "阅读 1.2万", "评论(35)", "1,234 views": counters that tick without an edit.
_COUNTER = re.compile(
    r"(?:阅读|浏览|点击|评论|点赞|赞|分享|收藏|转发|播放|参与|热度)(?:量|数|次数)?\s*[:：(（]?\s*"
    r"[\d,.]+\s*[万千kKwW+]*\s*[)）]?"
    r"|[\d,.]+\s*[万千kK+]*\s*(?:次阅读|人阅读|次浏览|人参与|条评论)"
    r"|\b[\d,.]+\s*[kKmM]?\s*(?:views?|comments?|likes?|shares?|reads?)\b",
    re.IGNORECASE,
)
_AD_START = re.compile(
    r"^\s*[\[【(（]?\s*(?:广告|推广|赞助|商业推广|Advertisement|Sponsored|Promoted|AD)\s*"
    r"(?:[\]】)）:：|\s-]|$)",
    re.IGNORECASE,
)
_LABELS = re.compile(r"(?:发布时间|发布于|更新时间|更新于|时间|来源|Published|Updated|Posted)"
                     r"\s*[:：]?", re.IGNORECASE)
_LEFTOVER = re.compile(r"[\W_]+", re.UNICODE)
AD_MAX_CHARS = 200  # an advertisement line is short; a long paragraph is content


def normalize_line(text: str) -> str:
    """A line as compared: width folded, whitespace collapsed, stamps and counters masked."""
    line = _SPACE.sub(" ", unicodedata.normalize("NFKC", text).translate(_PUNCT)).strip()
    line = _PUNCT_SPACE.sub(r"\1", line)
    line = _STAMP.sub("<time>", line)
    return _COUNTER.sub("<count>", line)


def is_noise(line: str) -> bool:
    """An advertisement, or a line holding nothing but stamps, counters and labels."""
    if len(line) <= AD_MAX_CHARS and _AD_START.match(line):
        return True
    rest = _LABELS.sub("", line.replace("<time>", "").replace("<count>", ""))
    return not _LEFTOVER.sub("", rest) and line != rest


def material_lines(lines: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for raw in lines:
        line = normalize_line(raw)
        if line and not is_noise(line):
            out.append(line)
    return tuple(out)


def _norm(value: str | None) -> str:
    return normalize_line(value or "")


def material_fields(article: Article) -> dict[str, object]:
    """What a reader would call the article; the rest of `Article` may change freely."""
    return {
        "title": _norm(article.title),
        "subtitle": _norm(article.subtitle),
        "body": material_lines(article.paragraphs),
        "captions": material_lines(article.captions),
        "author": tuple(_norm(a) for a in article.author),
        "reposted_from": (_norm(article.reposted_from), _norm(article.reposted_from_url)),
    }


def decide_version(old: Article, new: Article) -> VersionDecision:
    """A new version when any material field differs; otherwise a capture of the same
    version (its bytes are still archived and listed on the URL's timeline)."""
    before, after = material_fields(old), material_fields(new)
    changed = tuple(name for name in before if before[name] != after[name])
    if changed:
        return VersionDecision(True, changed, "changed: " + ", ".join(changed))
    if old == new:
        return VersionDecision(False, (), "same article")
    return VersionDecision(
        False, (), "only times, counters, advertisements or page furniture changed")
