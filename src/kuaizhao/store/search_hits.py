"""Search hits built from snapshot rows, the same way for every search engine.

An engine decides which snapshots match and how they rank; turning their ids into
`SearchHit`s (title, outlet, snippet, "also reported by") reads only the shared tables,
so it lives here once. SQL is written with `?` placeholders; `Rows` runs it on a
backend (PostgreSQL rewrites them to `%s`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from kuaizhao.index.snippets import make_snippet
from kuaizhao.models import SearchHit

# Runs one statement with its parameters and returns all rows.
Rows = Callable[[str, Sequence[Any]], list[Any]]


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def fetch_snapshots(rows: Rows, ids: Sequence[int], columns: str) -> list[Any]:
    """`columns` of snapshots `s` with the given ids, in the order of `ids`."""
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    found = rows(f"SELECT {columns} FROM snapshots s WHERE s.id IN ({marks})", list(ids))
    order = {snapshot_id: i for i, snapshot_id in enumerate(ids)}
    return sorted(found, key=lambda r: order[r[0]])


def build_hits(
    rows: Rows,
    ids: Sequence[int],
    terms: Sequence[str],
    scores: dict[int, float],
    *,
    with_story: bool = True,
) -> list[SearchHit]:
    """Hits for `ids` in that order, snippets around `terms`, other outlets of a story."""
    found = fetch_snapshots(
        rows,
        ids,
        "s.id, s.url, s.title, s.published_at, s.captured_at,"
        " (SELECT name FROM sources WHERE id = s.source_id), s.category, s.text,"
        " s.story_id",
    )
    others = story_urls(rows, [r[8] for r in found if r[8] is not None]) if with_story else {}
    hits = []
    for sid, url, title, published, captured, source, category, text, story in found:
        reported = tuple(u for u in others.get(story, ()) if u != url)
        hits.append(SearchHit(
            snapshot_id=sid, url=url, title=title, published_at=_time(published),
            captured_at=datetime.fromisoformat(captured), source=source or "",
            category=category,
            snippet=make_snippet(text, terms), score=scores.get(sid, 0.0),
            also_reported_by=reported,
        ))
    return hits


def story_urls(rows: Rows, story_ids: Iterable[object]) -> dict[object, list[str]]:
    """The distinct URLs of each story's present members, oldest capture first."""
    wanted = sorted({s for s in story_ids if isinstance(s, int)})
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    out: dict[object, list[str]] = {}
    for story, url in rows(
        f"SELECT story_id, url FROM snapshots WHERE story_id IN ({marks}) AND removed = 0"
        " ORDER BY story_id, captured_at, id",
        wanted,
    ):
        if url not in out.setdefault(story, []):
            out[story].append(url)
    return out


def json_keywords(article_json: str) -> list[str]:
    """The `keywords` list of a stored article, or none when it is missing or malformed."""
    try:
        value = json.loads(article_json).get("keywords") or []
    except (ValueError, AttributeError):
        return []
    return [str(k) for k in value] if isinstance(value, list) else []
