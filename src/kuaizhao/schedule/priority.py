"""What to fetch first among the URLs that are due.

New articles come before everything else (a pushed one before a polled one), then the
discovery URLs that find them, and re-checks of articles already captured come last.
`pick_fair` takes each source's best due URLs and hands out fetch slots round-robin,
capped per source: a source with a thousand new articles, or a slow one whose requests
queue at its host's politeness gate, never holds every slot while others wait.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

PRIORITY_PUSHED_ARTICLE = 12  # announced by a WebSub hub: fetch it now
PRIORITY_NEW_ARTICLE = 10
PRIORITY_DISCOVERY = 5  # feeds and sitemaps
PRIORITY_LISTING = 4
PRIORITY_RECHECK = 2  # a later look at an article already captured


@dataclass(frozen=True, slots=True)
class Due:
    """One due frontier URL as the claim sees it."""

    url: str
    source_id: int | None
    priority: int
    due_at: datetime


def pick_fair(due: Sequence[Due], busy: Mapping[int | None, int], per_source: int,
              limit: int) -> list[Due]:
    """Up to `limit` URLs to start now, at most `per_source` in flight per source
    (counting `busy`, the ones already in flight). Highest priority first, oldest due
    first within a priority; ties between sources go round-robin."""
    if limit <= 0 or per_source <= 0:
        return []
    queues: dict[int | None, list[Due]] = defaultdict(list)
    for item in sorted(due, key=lambda d: (-d.priority, d.due_at, d.url)):
        queues[item.source_id].append(item)
    taken: dict[int | None, int] = {s: busy.get(s, 0) for s in queues}
    picked: list[Due] = []
    while len(picked) < limit:
        open_heads = [(q[0], s) for s, q in queues.items() if q and taken[s] < per_source]
        if not open_heads:
            break
        # One round: the best head of each source, best first.
        for head, source in sorted(open_heads,
                                   key=lambda hs: (-hs[0].priority, hs[0].due_at, hs[0].url)):
            if len(picked) == limit:
                break
            picked.append(head)
            queues[source].pop(0)
            taken[source] += 1
    return picked
