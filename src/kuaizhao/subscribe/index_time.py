"""What the pipeline calls after storing a snapshot: match it against subscriptions.

The compiled `Matcher` is cached per store and rebuilt only when the subscriptions'
version (bumped by database triggers on any change, from any process) moves, so a
crawl pays one small query per snapshot while nobody edits subscriptions. Matches and
webhook deliveries are written in the caller's transaction, next to the snapshot.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from weakref import WeakKeyDictionary

from kuaizhao.store.base import Store
from kuaizhao.subscribe import webhooks
from kuaizhao.subscribe.atom import summary_of
from kuaizhao.subscribe.matching import MatchDoc, Matcher

log = logging.getLogger(__name__)

# Only captures this recent alert a webhook: a reindex of old WARC files matches them
# again for the stream but does not re-announce last year's news.
ALERT_WINDOW = timedelta(days=2)

_MATCHERS: WeakKeyDictionary[Store, tuple[int, Matcher]] = WeakKeyDictionary()


def matcher_for(store: Store) -> Matcher:
    version = store.subscription_version()
    cached = _MATCHERS.get(store)
    if cached is not None and cached[0] == version:
        return cached[1]
    matcher = Matcher(store.match_rules())
    for rule_id, problem in matcher.problems:
        log.warning("subscription %d is skipped: %s", rule_id, problem)
    _MATCHERS[store] = (version, matcher)
    return matcher


def match_snapshot(store: Store, snapshot_id: int, now: datetime | None = None) -> list[int]:
    """Record which active subscriptions the stored snapshot matches; call inside the
    transaction that wrote it. Returns the matching subscription ids."""
    matcher = matcher_for(store)
    if not matcher.size:
        return []
    snap = store.snapshot(snapshot_id)
    article = snap.article
    when = article.published_at or snap.captured_at
    ids = matcher.match(MatchDoc(title=article.title, text=article.text,
                                 keywords=article.keywords, category=article.category,
                                 source=snap.source_name or None, when=when))
    if not ids:
        return []
    story_key = snap.story_id if snap.story_id is not None else -snapshot_id
    store.add_matches(snapshot_id, ids, story_key, when)
    now = now or datetime.now(UTC)
    if now - snap.captured_at <= ALERT_WINDOW:
        for sub_id, (name, _) in store.webhooks_of(ids).items():
            store.queue_delivery(sub_id, snap.url, webhooks.payload(
                subscription_id=sub_id, subscription_name=name, snapshot_id=snapshot_id,
                url=snap.url, title=article.title, published_at=article.published_at,
                captured_at=snap.captured_at, source=snap.source_name,
                category=article.category, summary=summary_of(article.text),
                link=f"/snapshots/{snapshot_id}"), now)
    return ids
