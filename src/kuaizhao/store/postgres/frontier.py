"""Claims on a frontier that several crawl workers share, on one machine or many.

SQLite has one writer, so the shared claim statements of `tables/frontier.py` and
`tables/polling.py` are atomic there by construction. On PostgreSQL many workers claim
at once: each claim locks the rows it takes with `FOR UPDATE SKIP LOCKED`, so two
workers never wait on each other's rows and never take the same URL; a worker that
dies leaves claims whose lease runs out, and the next claim takes them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from kuaizhao.models import LinkKind
from kuaizhao.store.base import FrontierItem
from kuaizhao.store.codec import db_time
from kuaizhao.store.tables.connection import TableBase, marks

_DUE = ("((state = 'pending' AND due_at <= ?) OR "
        "(state = 'claimed' AND claimed_until <= ?))")
_CLAIM = ("UPDATE frontier SET state = 'claimed', claimed_until = ?, claimed_by = ?, "
          "attempts = attempts + 1 WHERE url IN ({chosen}) "
          "RETURNING url, source_id, kind, attempts, category_hint, title_hint, priority, due_at")


def _item(row: Any) -> FrontierItem:
    return FrontierItem(url=row[0], source_id=row[1], kind=LinkKind(row[2]), attempts=row[3],
                        category_hint=row[4], title_hint=row[5])


class SharedFrontier(TableBase):
    def claim_due(
        self, now: datetime, limit: int, lease_seconds: float, worker: str = ""
    ) -> list[FrontierItem]:
        until, stamp = db_time(now + timedelta(seconds=lease_seconds)), db_time(now)
        chosen = (f"SELECT url FROM frontier WHERE {_DUE} "
                  "ORDER BY priority DESC, due_at LIMIT ? FOR UPDATE SKIP LOCKED")
        with self.transaction():
            rows = self._all(_CLAIM.format(chosen=chosen),
                             (until, worker, stamp, stamp, limit))
        rows.sort(key=lambda r: (-r[6], r[7]))  # RETURNING has no order: priority, age
        return [_item(r) for r in rows]

    def claim_urls(self, urls: Sequence[str], now: datetime, lease_seconds: float,
                   worker: str) -> list[FrontierItem]:
        """Claim those of `urls` that are still due and that no other worker holds."""
        if not urls:
            return []
        until, stamp = db_time(now + timedelta(seconds=lease_seconds)), db_time(now)
        chosen = (f"SELECT url FROM frontier WHERE url IN ({marks(urls)}) AND {_DUE} "
                  "FOR UPDATE SKIP LOCKED")
        with self.transaction():
            rows = self._all(_CLAIM.format(chosen=chosen),
                             (until, worker, *urls, stamp, stamp))
        order = {url: n for n, url in enumerate(urls)}
        rows.sort(key=lambda r: order[r[0]])
        return [_item(r) for r in rows]
