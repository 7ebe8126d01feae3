"""Which member of a story is the original, and which story a new body joins (pure).

Evidence, strongest first:
1. a member says where it came from (本文转自/来源 naming another member's outlet, or
   a link to another member's URL): it is a copy, and the chain is followed;
2. a member published by a wire service (新华社, 中新社, Reuters, ...) is the source of
   the others that carry its byline;
3. the earliest publication time (capture time when the page states none).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kuaizhao.dedupe.decide import StoryDecision
from kuaizhao.dedupe.neardup import Similarity

WIRE_SERVICES = (
    "新华社", "新华网", "中新社", "中国新闻社", "中国新闻网", "中央广播电视总台", "央视新闻",
    "路透社", "美联社", "法新社", "Xinhua", "Reuters", "Associated Press", "AP", "AFP",
    "Bloomberg", "Kyodo",
)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """What the choice needs to know of one member snapshot."""

    snapshot_id: int
    url: str
    outlet: str  # the configured source's name
    named_source: str | None = None  # the outlet the page names itself (来源)
    reposted_from: str | None = None  # 本文转自 ...
    reposted_from_url: str | None = None
    published_at: datetime | None = None
    captured_at: datetime | None = None
    author: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OriginalChoice:
    snapshot_id: int
    reason: str  # a code: see `REASONS`


REASONS = ("only_member", "named_by_repost", "linked_by_repost", "wire_service",
           "earliest_published")


@dataclass(frozen=True, slots=True)
class StoryMatch:
    """A stored snapshot whose body is near this one's."""

    snapshot_id: int
    story_id: int
    score: Similarity


def outlet_matches(named: str | None, outlet: str | None) -> bool:
    """`人民网-江苏频道` names `人民网` (a channel of it); `人民网` does not name `人民网站`."""
    if not named or not outlet:
        return False
    a, b = named.strip().casefold(), outlet.strip().casefold()
    if not a or not b:
        return False
    if _NON_WORD.sub("", a) == _NON_WORD.sub("", b):
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= 2 and long.startswith(short) and not long[len(short)].isalnum()


def _same_url(a: str | None, b: str) -> bool:
    if not a:
        return False

    def key(u: str) -> str:
        return u.strip().split("#", 1)[0].rstrip("/").removeprefix("https://").removeprefix(
            "http://").removeprefix("www.")

    return key(a) == key(b)


def _is_wire(c: StoryCandidate) -> bool:
    return any(outlet_matches(w, c.outlet) or outlet_matches(w, c.named_source)
               for w in WIRE_SERVICES)


def copied_from(c: StoryCandidate, members: Sequence[StoryCandidate]) -> tuple[
        StoryCandidate | None, str]:
    """The member `c` says it was taken from, and how it says so."""
    others = [m for m in members if m.outlet != c.outlet]
    for m in others:
        if _same_url(c.reposted_from_url, m.url):
            return m, "linked_by_repost"
    if c.reposted_from:
        for m in others:
            if outlet_matches(c.reposted_from, m.outlet) or outlet_matches(
                    c.reposted_from, m.named_source):
                return m, "named_by_repost"
    return None, ""


def choose_original(candidates: Sequence[StoryCandidate]) -> OriginalChoice:
    """The member the others were copied from (see the module docstring for evidence)."""
    if not candidates:
        raise ValueError("choose_original needs at least one candidate")
    if len(candidates) == 1:
        return OriginalChoice(candidates[0].snapshot_id, "only_member")
    pointed: dict[int, str] = {}
    copies: set[int] = set()
    for c in candidates:
        target, how = copied_from(c, candidates)
        if target is not None:
            copies.add(c.snapshot_id)
            pointed.setdefault(target.snapshot_id, how)
    roots = [c for c in candidates if c.snapshot_id not in copies] or list(candidates)

    def rank(c: StoryCandidate) -> tuple[int, int, datetime, datetime, int]:
        when = c.published_at or c.captured_at or datetime.max
        return (
            0 if c.snapshot_id in pointed else 1,
            0 if _is_wire(c) else 1,
            _utc_naive(when),
            _utc_naive(c.captured_at) if c.captured_at else datetime.max,
            c.snapshot_id,
        )

    best = min(roots, key=rank)
    if best.snapshot_id in pointed:
        reason = pointed[best.snapshot_id]
    elif _is_wire(best):
        reason = "wire_service"
    else:
        reason = "earliest_published"
    return OriginalChoice(best.snapshot_id, reason)


def _utc_naive(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    offset = value.utcoffset()
    return (value - offset).replace(tzinfo=None) if offset else value.replace(tzinfo=None)


def decide_story_near(same_url_story: int | None, same_text_story: int | None,
                      matches: Sequence[StoryMatch]) -> StoryDecision:
    """A new version stays in its URL's story; an identical body joins that body's
    story; otherwise the story of the most similar near-duplicate, if any."""
    if same_url_story is not None:
        return StoryDecision(same_url_story, "earlier version of the same URL")
    if same_text_story is not None:
        return StoryDecision(same_text_story, "same body text as a stored article")
    if matches:
        best = max(matches, key=lambda m: (m.score.overlap + m.score.jaccard, -m.snapshot_id))
        return StoryDecision(
            best.story_id,
            f"near-duplicate of snapshot {best.snapshot_id} (Jaccard {best.score.jaccard:.2f}, "
            f"overlap {best.score.overlap:.2f})")
    return StoryDecision(None, "no stored article carries this text")
