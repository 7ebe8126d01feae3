"""Finding the archive's own snapshot of the page a repost came from (本文转自).

Evidence in order of strength: the link the repost gave, a member of the same story
from the named outlet, then a snapshot with the same title from a source whose name
matches the outlet named.
"""

from __future__ import annotations

import re

from kuaizhao.errors import KuaizhaoError
from kuaizhao.models import Snapshot
from kuaizhao.store.base import Store
from kuaizhao.web.highlight import http_url

_SCAN = 100  # the most a store listing returns at once
_NON_WORD = re.compile(r"[\W_]+")


def _norm(name: str) -> str:
    return _NON_WORD.sub("", name).lower()


def outlet_matches(named: str, candidate: str | None) -> bool:
    """`人民网-江苏频道` matches a source called `人民网` or `人民网-江苏频道`, not `人民资讯`."""
    if not candidate:
        return False
    a, b = named.strip().lower(), candidate.strip().lower()
    if not a or not b:
        return False
    if _norm(a) == _norm(b):
        return True
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    if len(shorter) < 2 or not longer.startswith(shorter):
        return False
    return not longer[len(shorter)].isalnum()  # 人民网-江苏频道 vs 人民网; not 人民网 vs 人民网站


def _same_title(a: str, b: str) -> bool:
    return bool(_norm(a)) and _norm(a) == _norm(b)


def find_original(store: Store, snap: Snapshot) -> Snapshot | None:
    article = snap.article
    named = article.reposted_from or ""
    linked = http_url(article.reposted_from_url)
    if not named and not linked:
        return None
    if linked:
        found = [s for s in store.snapshots_of_url(linked) if s.id != snap.id]
        if found:
            return found[-1]
    if not named:
        return None
    if snap.story_id is not None:
        for member in store.story_members(snap.story_id):
            if member.id != snap.id and (outlet_matches(named, member.source_name)
                                         or outlet_matches(named, member.article.source)):
                return member
    for source in store.sources():
        if source.name == snap.source_name or not outlet_matches(named, source.name):
            continue
        for hit in store.latest(source=source.name, limit=_SCAN).hits:
            if hit.snapshot_id != snap.id and _same_title(hit.title, article.title):
                return store.snapshot(hit.snapshot_id)
        words = " ".join(w for w in _NON_WORD.split(article.title) if w)
        if not words:
            continue
        try:
            hits = store.search(words, source=source.name, limit=10).hits
        except KuaizhaoError:  # a title the query language cannot take: no match
            continue
        for hit in hits:
            if hit.snapshot_id != snap.id and _same_title(hit.title, article.title):
                return store.snapshot(hit.snapshot_id)
    return None
