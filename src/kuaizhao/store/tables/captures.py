"""Captures, snapshots, stories and the reads the site and API make of them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from kuaizhao.errors import NotFound, UsageError
from kuaizhao.index.query import parse_query
from kuaizhao.models import (
    Article,
    CaptureInfo,
    FetchStats,
    SearchHit,
    SearchPage,
    Snapshot,
    WarcPointer,
)
from kuaizhao.store.base import CaptureRef, NewCapture
from kuaizhao.store.codec import (
    article_from_json,
    article_to_json,
    db_time,
    db_time_or_none,
    from_db_time,
)
from kuaizhao.store.search_engine import IndexDoc, SearchEngine
from kuaizhao.store.tables.connection import TableBase, marks
from kuaizhao.urls import lookup_key

_SNAPSHOT_COLUMNS = """s.id, s.url, COALESCE(src.name, ''), s.captured_at, s.payload_digest,
    c.warc_file, c.warc_offset, c.warc_length, s.article_json, s.story_id, c.status"""
# `s.removed = 0`: taken-down snapshots are invisible to every read built on this
# (docs/takedown.md); `snapshot()` then reports them as Gone (store/tables/takedowns.py).
_SNAPSHOT_FROM = """snapshots s JOIN captures c ON c.id = s.capture_id AND s.removed = 0
    LEFT JOIN sources src ON src.id = s.source_id"""


def _snapshot(row: Sequence[Any]) -> Snapshot:
    captured = from_db_time(row[3])
    assert captured is not None
    return Snapshot(
        id=row[0],
        url=row[1],
        source_name=row[2],
        captured_at=captured,
        payload_digest=row[4],
        warc=WarcPointer(row[5], row[6], row[7]),
        article=article_from_json(row[8]),
        story_id=row[9],
        status=row[10],
    )


def _capture_ref(row: Sequence[Any]) -> CaptureRef:
    captured = from_db_time(row[3])
    assert captured is not None
    return CaptureRef(
        id=row[0],
        url=row[1],
        record_id=row[2],
        captured_at=captured,
        payload_digest=row[4],
        etag=row[5],
        last_modified=row[6],
        snapshot_id=row[7],
    )


def url_key(url: str) -> str:
    """The capture's lookup key; a URL no key can be computed for is its own key."""
    try:
        return lookup_key(url)
    except UsageError:
        return url.strip().lower()


_CAPTURE_INFO = """SELECT c.id, c.url, c.captured_at, c.status, c.payload_digest, c.is_revisit,
    (SELECT s.id FROM snapshots s JOIN captures o ON o.id = s.capture_id
     WHERE o.url = c.url AND o.payload_digest = c.payload_digest AND s.removed = 0
     ORDER BY s.id LIMIT 1)
    FROM captures c"""


def _capture_info(r: Sequence[Any]) -> CaptureInfo:
    captured = from_db_time(r[2])
    assert captured is not None
    return CaptureInfo(id=r[0], url=r[1], captured_at=captured, status=r[3],
                       payload_digest=r[4], is_revisit=bool(r[5]), snapshot_id=r[6])


_CAPTURE_REF = """SELECT c.id, c.url, c.record_id, c.captured_at, c.payload_digest, c.etag,
    c.last_modified, (SELECT s.id FROM snapshots s JOIN captures o ON o.id = s.capture_id
                      WHERE o.payload_digest = c.payload_digest ORDER BY s.id LIMIT 1)
    FROM captures c"""


class CaptureTables(TableBase):
    _search: SearchEngine

    def last_capture(self, url: str) -> CaptureRef | None:
        row = self._one(
            _CAPTURE_REF + " WHERE c.url = ? AND c.status < 300 "
            "ORDER BY c.captured_at DESC, c.id DESC LIMIT 1",
            (url,),
        )
        return _capture_ref(row) if row else None

    def capture_with_digest(self, payload_digest: str) -> CaptureRef | None:
        row = self._one(
            _CAPTURE_REF + " WHERE c.payload_digest = ? AND c.is_revisit = 0 ORDER BY c.id LIMIT 1",
            (payload_digest,),
        )
        return _capture_ref(row) if row else None

    def has_record(self, record_id: str) -> bool:
        return self._one("SELECT 1 FROM captures WHERE record_id = ?", (record_id,)) is not None

    def warc_file_ends(self) -> dict[str, int]:
        """Per WARC file, the offset just past the last record a capture points to."""
        rows = self._all("SELECT warc_file, MAX(warc_offset + warc_length), "
                         "MAX(request_offset + request_length) FROM captures GROUP BY warc_file")
        return {r[0]: max(int(r[1]), int(r[2] or 0)) for r in rows}

    def add_capture(self, capture: NewCapture) -> int:
        req = capture.request
        return self._insert(
            "INSERT INTO captures (url, source_id, captured_at, status, content_type, warc_file, "
            "warc_offset, warc_length, request_offset, request_length, record_id, "
            "payload_digest, is_revisit, etag, last_modified, url_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                capture.url,
                capture.source_id,
                db_time(capture.captured_at),
                capture.status,
                capture.content_type,
                capture.response.filename,
                capture.response.offset,
                capture.response.length,
                req.offset if req else None,
                req.length if req else None,
                capture.record_id,
                capture.payload_digest,
                int(capture.is_revisit),
                capture.etag,
                capture.last_modified,
                url_key(capture.url),
            ),
        )

    def fill_url_keys(self) -> int:
        """Compute the lookup key of captures an older kuaizhao stored (migration 0010);
        how many were filled. Cheap when there are none: a partial index finds them."""
        filled = 0
        while True:
            rows = self._all("SELECT id, url FROM captures WHERE url_key IS NULL LIMIT 1000")
            if not rows:
                return filled
            with self.transaction():
                self._many("UPDATE captures SET url_key = ? WHERE id = ?",
                           [(url_key(url), row_id) for row_id, url in rows])
            filled += len(rows)

    def add_snapshot(
        self,
        capture_id: int,
        capture: NewCapture,
        article: Article,
        story_id: int | None,
        text_digest: str | None,
    ) -> int:
        """Store an extracted article; with `story_id` None it starts its own story."""
        snapshot_id = self._insert(
            "INSERT INTO snapshots (capture_id, url, source_id, captured_at, published_at, title, "
            "category, language, text, article_json, payload_digest, text_digest, story_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                capture_id,
                capture.url,
                capture.source_id,
                db_time(capture.captured_at),
                db_time_or_none(article.published_at),
                article.title,
                article.category,
                article.language,
                article.text,
                article_to_json(article),
                capture.payload_digest,
                text_digest,
                story_id,
            ),
        )
        if story_id is None:
            story = self._insert(
                "INSERT INTO stories (original_snapshot_id, created_at) VALUES (?, ?)",
                (snapshot_id, db_time(capture.captured_at)),
            )
            self._run(
                "UPDATE snapshots SET story_id = ? WHERE id = ?", (story, snapshot_id)
            )
        with self._lock:
            self._search.index(
                IndexDoc(
                    snapshot_id=snapshot_id,
                    title=article.title,
                    text=article.text,
                    keywords=article.keywords,
                )
            )
        return snapshot_id

    def index_snapshots(self, snapshot_ids: Sequence[int]) -> int:
        """Index stored snapshots for search in one go, inside the caller's transaction
        (bulk loads: far fewer statements than one `add_snapshot` at a time); how many
        of them are searchable now. Only the latest capture of a URL ever is."""
        docs = []
        for start in range(0, len(snapshot_ids), 500):
            chunk = list(snapshot_ids[start : start + 500])
            rows = {r[0]: r for r in self._all(
                f"SELECT id, title, text, article_json FROM snapshots WHERE id IN ({marks(chunk)})",
                chunk)}
            missing = [i for i in chunk if i not in rows]
            if missing:
                raise NotFound(f"no snapshot with id {missing[0]}; index stored snapshots only")
            docs += [IndexDoc(i, rows[i][1], rows[i][2], article_from_json(rows[i][3]).keywords)
                     for i in chunk]
        with self._lock:
            return self._search.index_many(docs)

    def story_of_url(self, url: str) -> int | None:
        row = self._one(
            "SELECT story_id FROM snapshots WHERE url = ? ORDER BY id DESC LIMIT 1", (url,)
        )
        return row[0] if row else None

    def story_of_text(self, text_digest: str) -> int | None:
        row = self._one(
            "SELECT story_id FROM snapshots WHERE text_digest = ? ORDER BY id LIMIT 1",
            (text_digest,),
        )
        return row[0] if row else None

    # ------------------------------------------------------------ reads

    def snapshot(self, snapshot_id: int) -> Snapshot:
        row = self._one(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM {_SNAPSHOT_FROM} WHERE s.id = ?", (snapshot_id,)
        )
        if row is None:
            raise NotFound(f"no snapshot with id {snapshot_id}", code="snapshot_not_found",
                           id=snapshot_id)
        return _snapshot(row)

    def snapshots_of_url(self, url: str) -> list[Snapshot]:
        rows = self._all(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM {_SNAPSHOT_FROM} WHERE s.url = ? "
            "ORDER BY s.captured_at, s.id",
            (url,),
        )
        return [_snapshot(r) for r in rows]

    def snapshots_of_url_key(self, key: str) -> list[Snapshot]:
        """Snapshots under any spelling of a URL whose `lookup_key` is `key`."""
        rows = self._all(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM {_SNAPSHOT_FROM} WHERE c.url_key = ? "
            "ORDER BY s.captured_at, s.id",
            (key,),
        )
        return [_snapshot(r) for r in rows]

    def captures_of_url(self, url: str) -> list[CaptureInfo]:
        rows = self._all(_CAPTURE_INFO + " WHERE c.url = ? AND c.removed = 0 "
                         "ORDER BY c.captured_at, c.id", (url,))
        return [_capture_info(r) for r in rows]

    def captures_of_url_key(self, key: str) -> list[CaptureInfo]:
        """Captures under any spelling of a URL whose `lookup_key` is `key`."""
        rows = self._all(_CAPTURE_INFO + " WHERE c.url_key = ? AND c.removed = 0 "
                         "ORDER BY c.captured_at, c.id", (key,))
        return [_capture_info(r) for r in rows]

    def story_members(self, story_id: int) -> list[Snapshot]:
        rows = self._all(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM {_SNAPSHOT_FROM} WHERE s.story_id = ? ORDER BY s.id",
            (story_id,),
        )
        return [_snapshot(r) for r in rows]

    def latest(
        self,
        *,
        category: str | None = None,
        source: str | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> SearchPage:
        with self._reading():
            return self._search.listing(
                category=category, source=source, offset=offset, limit=limit
            )

    def categories(self) -> list[tuple[str, int]]:
        rows = self._all(
            "SELECT category, COUNT(DISTINCT url) FROM snapshots "
            "WHERE category IS NOT NULL AND category != '' AND removed = 0 "
            "GROUP BY category ORDER BY COUNT(*) DESC, category"
        )
        return [(r[0], r[1]) for r in rows]

    def stats(self) -> FetchStats:
        outcomes = dict(
            self._all("SELECT outcome, COUNT(*) FROM fetches GROUP BY outcome ORDER BY outcome")
        )
        captures, revisits = self._one(
            "SELECT COUNT(*), COALESCE(SUM(is_revisit), 0) FROM captures"
        )
        snapshots = self._one("SELECT COUNT(*) FROM snapshots")[0]
        pending_rows = self._one("SELECT COUNT(*) FROM frontier WHERE state != 'done'")[0]
        return FetchStats(
            outcomes=outcomes,
            captures=captures,
            snapshots=snapshots,
            revisits=revisits,
            frontier_pending=pending_rows,
        )

    def iter_snapshots(self) -> Iterator[Snapshot]:
        last = 0
        while True:
            rows = self._all(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM {_SNAPSHOT_FROM} WHERE s.id > ? "
                "ORDER BY s.id LIMIT 500",
                (last,),
            )
            if not rows:
                return
            for row in rows:
                yield _snapshot(row)
            last = rows[-1][0]

    # ------------------------------------------------------------ search

    def search(
        self,
        query: str,
        *,
        offset: int = 0,
        limit: int = 20,
        sort: str = "relevance",
        category: str | None = None,
        source: str | None = None,
        since: str | None = None,
        until: str | None = None,
        status: str | None = None,
    ) -> SearchPage:
        parsed = parse_query(query, category=category, source=source, since=since, until=until,
                             status=status)
        with self._reading():
            return self._search.search(parsed, offset=offset, limit=limit, sort=sort)

    def related(self, snapshot_id: int, limit: int = 10) -> list[SearchHit]:
        with self._reading():
            return self._search.related(snapshot_id, limit=limit)
