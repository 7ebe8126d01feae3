"""Ranking related news: the pure part, shared by every search backend.

A backend finds candidate articles that contain any of the target's key terms
(`keywords.key_terms`) and hands them here. Related means: shares the most key terms
with the target, then was published closest in time to it. The target itself, other
versions of its URL and members of its own story are not related news, they are the
same news; and several members of another story collapse into one entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RelatedTarget:
    snapshot_id: int
    url: str
    story_id: int | None
    when: datetime
    terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RelatedCandidate:
    snapshot_id: int
    url: str
    story_id: int | None
    when: datetime
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class RankedRelated:
    candidate: RelatedCandidate
    shared: tuple[str, ...]  # the target's key terms this candidate holds, strongest first
    also_reported_by: tuple[str, ...] = ()


def shared_terms(terms: Sequence[str], candidate: RelatedCandidate) -> tuple[str, ...]:
    haystack = (candidate.title + "\n" + candidate.text).casefold()
    return tuple(t for t in terms if t.casefold() in haystack)


def rank_related(
    target: RelatedTarget, candidates: Sequence[RelatedCandidate], limit: int = 10
) -> list[RankedRelated]:
    """The `limit` best candidates: most shared terms first, then nearest in time."""
    scored: list[tuple[int, float, int, RankedRelated]] = []
    for cand in candidates:
        if cand.snapshot_id == target.snapshot_id or cand.url == target.url:
            continue
        if target.story_id is not None and cand.story_id == target.story_id:
            continue
        shared = shared_terms(target.terms, cand)
        if not shared:
            continue
        distance = abs((cand.when - target.when).total_seconds())
        scored.append((-len(shared), distance, cand.snapshot_id, RankedRelated(cand, shared)))
    scored.sort(key=lambda row: row[:3])
    best: dict[object, RankedRelated] = {}
    others: dict[object, list[str]] = {}
    for *_, ranked in scored:
        c = ranked.candidate
        key: object = ("story", c.story_id) if c.story_id is not None else ("url", c.url)
        if key in best:
            if c.url != best[key].candidate.url and c.url not in others[key]:
                others[key].append(c.url)
            continue
        best[key] = ranked
        others[key] = []
    out = [
        RankedRelated(r.candidate, r.shared, tuple(others[k])) for k, r in best.items()
    ]
    return out[:limit]
