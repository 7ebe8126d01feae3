"""Recording a capture of an article URL: new version or not, removed or not, which story.

Runs inside the capture's transaction (called by `ingest.save`), for the crawl and for
`reindex` alike, so the WARC files replayed in order give the same versions, removals
and stories. The decisions are the pure functions of `kuaizhao.dedupe`.
"""

from __future__ import annotations

from datetime import datetime

from kuaizhao.dedupe import (
    RemovalDecision,
    Signature,
    StoryCandidate,
    StoryMatch,
    band_keys,
    choose_original,
    decide_story_near,
    decide_version,
    is_near_duplicate,
    next_recheck,
    parse_schedule,
    signature,
    similarity,
    text_fingerprint,
)
from kuaizhao.models import Article, Snapshot
from kuaizhao.store.base import NewCapture, Store


def recheck_at(store: Store, url: str, now: datetime, schedule_text: str, *,
               captured: bool) -> datetime | None:
    """When to fetch an article URL again to look for edits and removals (None: never).

    The schedule counts from the URL's first version; `captured` says this fetch found
    an article, which makes `now` the first version of a URL that had none."""
    first = store.first_version_at(url)
    if first is None:
        if not captured:
            return None
        first = now
    return next_recheck(first, now, parse_schedule(schedule_text))


def record_capture(store: Store, capture_id: int, capture: NewCapture, article: Article | None,
                   removal: RemovalDecision | None = None) -> int | None:
    """Link the capture to the version it shows; returns the new snapshot's id when the
    capture is a new version (the first one included), else None."""
    url = capture.url
    previous = store.latest_version(url)
    if previous is not None and removal is not None and removal.removed:
        store.mark_removed(url, capture_id, capture.captured_at, removal.reason, previous.id)
        store.link_capture(capture_id, url, previous.id, "removed")
        return None
    if article is None:
        if previous is not None and capture.status in (200, 304):
            store.mark_present(url, capture.captured_at)
            store.link_capture(capture_id, url, previous.id, "revisit")
        return None
    changed: tuple[str, ...] = ()
    if previous is not None:
        store.mark_present(url, capture.captured_at)
        decision = decide_version(previous.article, article)
        if not decision.is_version:
            store.link_capture(capture_id, url, previous.id, "same")
            return None
        changed = decision.changed
    snapshot_id = _add_version(store, capture_id, capture, article, previous)
    store.link_capture(capture_id, url, snapshot_id,
                       "version" if previous is not None else "first", changed)
    return snapshot_id


def _add_version(store: Store, capture_id: int, capture: NewCapture, article: Article,
                 previous: Snapshot | None) -> int:
    fingerprint = text_fingerprint(article.text)
    sig = signature(article.text)
    keys = band_keys(sig) if sig is not None else ()
    matches: list[StoryMatch] = []
    same_text = None
    if previous is None:  # a new version stays in its URL's story: no search needed
        same_text = store.story_of_text(fingerprint) if fingerprint else None
        if same_text is None and sig is not None:
            matches = near_matches(store, sig, keys)
    story = decide_story_near(previous.story_id if previous else None, same_text, matches)
    snapshot_id = store.add_snapshot(capture_id, capture, article, story.story_id, fingerprint)
    if sig is not None:
        store.add_near_dup(snapshot_id, sig.to_bytes(), sig.shingles, keys)
    story_id = story.story_id
    if story_id is None:
        # The row just written (not `store.snapshot`, which refuses taken-down ones).
        story_id = store.story_of_url(capture.url)
    if story_id is not None:
        update_original(store, story_id)
    return snapshot_id


def near_matches(store: Store, sig: Signature, keys: tuple[int, ...]) -> list[StoryMatch]:
    """Stored bodies in a story that this body nearly repeats (LSH, then verified)."""
    out = []
    for entry in store.near_dup_candidates(keys):
        if entry.story_id is None:
            continue
        score = similarity(sig, Signature.from_bytes(entry.signature, entry.shingles))
        if is_near_duplicate(score):
            out.append(StoryMatch(entry.snapshot_id, entry.story_id, score))
    return out


def candidate(snap: Snapshot) -> StoryCandidate:
    a = snap.article
    return StoryCandidate(
        snapshot_id=snap.id, url=snap.url, outlet=snap.source_name, named_source=a.source,
        reposted_from=a.reposted_from, reposted_from_url=a.reposted_from_url,
        published_at=a.published_at, captured_at=snap.captured_at, author=a.author)


def update_original(store: Store, story_id: int) -> None:
    """Choose the story's original again now that a member arrived (or changed)."""
    members = store.story_candidates(story_id)
    if not members:
        return
    choice = choose_original([candidate(m) for m in members])
    store.set_story_original(story_id, choice.snapshot_id, choice.reason)
