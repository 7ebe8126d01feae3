"""Full-text search on PostgreSQL: a tsvector with a GIN index (migration 0002_search.sql).

The same answers as `SqliteSearch` from the same rules: the tokens of
`index.tokens.index_text` (CJK bigrams) normalised in Python (`search_terms.py`), the
query language of `index.query` turned into `to_tsquery()` text that is only ever a
parameter, FTS5's BM25 with the title weighted ten times the body
(`search_rank.py`), stories collapsed to their best member and then to their original,
the newest `RANK_WINDOW` matches of a very common word ranked and the total extrapolated,
snippets cut in Python from the original text (never `ts_headline`, which would show
the bigrams' spaces). It uses the store's connection and never commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg

from kuaizhao.errors import NotFound, QueryError
from kuaizhao.index.keywords import key_terms
from kuaizhao.index.query import Query
from kuaizhao.index.related import RelatedCandidate, RelatedTarget, rank_related
from kuaizhao.index.snippets import make_snippet
from kuaizhao.models import SearchHit, SearchPage
from kuaizhao.store.postgres.connection import pyformat
from kuaizhao.store.postgres.search_index import index_docs
from kuaizhao.store.postgres.search_rank import Bm25Stats, score_args, score_sql
from kuaizhao.store.postgres.search_terms import (
    CONFIG,
    query_phrases,
    terms_phrases,
    terms_tsquery,
    tsquery_text,
)
from kuaizhao.store.search_engine import SORTS, IndexDoc
from kuaizhao.store.search_filters import check_page, filters_sql
from kuaizhao.store.search_hits import build_hits, fetch_snapshots, json_keywords
from kuaizhao.store.search_originals import prefer_originals

_MATCH = f"d.tokens @@ to_tsquery('{CONFIG}', ?)"
_LOOSE = f"(d.tokens @@ to_tsquery('{CONFIG}', ?) OR d.clipped = 1 AND {_MATCH})"
# Matches beyond this many (the newest, after filters) are not ranked; see search().
RANK_WINDOW = 2_000
# Listings count collapsed stories exactly up to this many articles.
EXACT_COUNT_LIMIT = 5_000
_RELATED_CANDIDATES = 200


class PgSearch:
    """Index, search, related news and listings over one psycopg connection."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn
        self._pyformat: Callable[[str], str] = pyformat

    def _rows(self, sql: str, args: Sequence[Any] = ()) -> list[Any]:
        return self._conn.execute(self._pyformat(sql), args).fetchall()

    def _one(self, sql: str, args: Sequence[Any] = ()) -> Any:
        return self._conn.execute(self._pyformat(sql), args).fetchone()

    # ------------------------------------------------------------------ writing

    def index(self, doc: IndexDoc) -> None:
        """Index a snapshot as the searchable version of its URL.

        Re-indexing is idempotent. Only the latest capture of a URL is searchable: an
        older one is skipped, and a newer one replaces the version indexed before.
        """
        index_docs(self._conn, (doc,))

    def index_many(self, docs: Sequence[IndexDoc]) -> int:
        """`index` for many snapshots, a few statements per 500 (`search_index.py`); how
        many of them are searchable now (taken-down and superseded ones are not)."""
        return index_docs(self._conn, docs)

    def remove(self, snapshot_id: int) -> None:
        """Take a snapshot out of search (no-op when it is not indexed).

        The previous capture of the same URL does not come back by itself; index it
        again if it should.
        """
        self._conn.execute("DELETE FROM search_docs WHERE snapshot_id = %s", (snapshot_id,))

    def clear(self) -> None:
        """Empty the index, for a full reindex (readers keep the old rows until commit)."""
        self._conn.execute("DELETE FROM search_docs")

    def optimize(self) -> None:
        """Move GIN's pending entries into the index and refresh planner statistics."""
        self._conn.execute("SELECT gin_clean_pending_list('search_docs_tokens'::regclass)")
        self._conn.execute("ANALYZE search_docs")

    # ------------------------------------------------------------------ reading

    def search(
        self, query: Query, *, offset: int = 0, limit: int = 20, sort: str = "relevance"
    ) -> SearchPage:
        """One page of hits, reposts of a story collapsed into their best member.

        A word matching more than `RANK_WINDOW` articles (after filters) is ranked among
        its newest `RANK_WINDOW` matches only, and the total is extrapolated from the
        share of the archive those cover, as on SQLite.
        """
        check_page(offset, limit)
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
        match = tsquery_text(query)
        if match is None:
            return self._newest(query, offset, limit)
        with self._gin_scans():
            return self._ranked(query, match, offset, limit, sort)

    def _ranked(self, query: Query, match: str, offset: int, limit: int,
                sort: str) -> SearchPage:
        matching = _matching(match, tsquery_text(query, loose=True))
        where, args = filters_sql(query.category, query.source, query.since, query.until,
                               query.status)
        phrases = query_phrases(query)
        stats = Bm25Stats(self._one, phrases)
        boundary = self._window_start(matching, where, args)
        window = "AND d.snapshot_id > ?" if boundary is not None else ""
        window_args: list[object] = [boundary] if boundary is not None else []
        order = "score DESC, id" if sort == "relevance" else "sort_time DESC, id DESC"
        # DISTINCT ON keeps each story's best-ranked member (lowest id on a tie).
        sql = f"""
            WITH hits AS MATERIALIZED (
                SELECT d.snapshot_id AS id, {score_sql(len(phrases))} AS score,
                       d.sort_time AS sort_time, coalesce(d.story_id, -d.snapshot_id) AS story
                FROM search_docs d
                WHERE {matching[0]} {window} AND {where}
            ), grouped AS (
                SELECT DISTINCT ON (story) id, score, sort_time FROM hits
                ORDER BY story, score DESC, id
            )
            SELECT id, score, count(*) OVER () FROM grouped ORDER BY {order} LIMIT ? OFFSET ?
        """
        rows = self._rows(sql, [*score_args(phrases, stats.idfs, stats.avgdl), *matching[1],
                                *window_args, *args, limit, offset])
        total: int
        if rows:
            total = int(rows[0][2])
        else:
            total = self._count(matching, window, window_args, where, args) if offset else 0
        estimate = boundary is not None
        if estimate:
            total = self._extrapolate(total, boundary)
        ids = prefer_originals(self._rows, [r[0] for r in rows], where, args)
        scores = {i: float(r[1]) for i, r in zip(ids, rows, strict=True)}
        hits = build_hits(self._rows, ids, query.terms, scores)
        return SearchPage(hits=tuple(hits), total=total, offset=offset, limit=limit,
                          total_is_estimate=estimate)

    def listing(
        self,
        *,
        category: str | None = None,
        source: str | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> SearchPage:
        """Newest searchable articles, optionally of one category or source."""
        return self._newest(Query(category=category, source=source), offset, limit)

    def related(self, snapshot_id: int, limit: int = 10) -> list[SearchHit]:
        """Articles sharing the snapshot's key terms; see `index.related`."""
        check_page(0, limit)
        with self._gin_scans():
            return self._related(snapshot_id, limit)

    def _related(self, snapshot_id: int, limit: int) -> list[SearchHit]:
        row = self._one(
            "SELECT url, story_id, coalesce(published_at, captured_at), title, text,"
            " article_json FROM snapshots WHERE id = ?",
            (snapshot_id,),
        )
        if row is None:
            raise NotFound(f"no snapshot {snapshot_id}; check the id",
                           code="snapshot_not_found", id=snapshot_id)
        url, story_id, when, title, text, article_json = row
        terms = key_terms(title, text, json_keywords(article_json))
        match = terms_tsquery(list(terms))
        if match is None:
            return []
        matching = _matching(match, terms_tsquery(list(terms), loose=True))
        phrases = terms_phrases(list(terms))
        stats = Bm25Stats(self._one, phrases)
        ids = [r[0] for r in self._rows(
            f"SELECT d.snapshot_id FROM search_docs d WHERE {matching[0]}"
            f" ORDER BY {score_sql(len(phrases))} DESC, d.snapshot_id LIMIT ?",
            (*matching[1], *score_args(phrases, stats.idfs, stats.avgdl), _RELATED_CANDIDATES),
        )]
        candidates = [
            RelatedCandidate(r[0], r[1], r[2], datetime.fromisoformat(r[3]), r[4], r[5])
            for r in fetch_snapshots(
                self._rows, ids, "s.id, s.url, s.story_id,"
                " coalesce(s.published_at, s.captured_at), s.title, s.text"
            )
        ]
        target = RelatedTarget(snapshot_id, url, story_id, datetime.fromisoformat(when),
                               tuple(terms))
        ranked = rank_related(target, candidates, limit)
        by_id = {h.snapshot_id: h for h in build_hits(
            self._rows, [r.candidate.snapshot_id for r in ranked], (), {}, with_story=False)}
        out = []
        for r in ranked:
            hit = by_id[r.candidate.snapshot_id]
            out.append(SearchHit(
                snapshot_id=hit.snapshot_id, url=hit.url, title=hit.title,
                published_at=hit.published_at, captured_at=hit.captured_at,
                source=hit.source, category=hit.category,
                snippet=make_snippet(r.candidate.text, r.shared[:3]),
                score=float(len(r.shared)), also_reported_by=r.also_reported_by,
            ))
        return out

    # ------------------------------------------------------------------ helpers

    @contextmanager
    def _gin_scans(self) -> Iterator[None]:
        """Matching through the GIN index, never a sequential scan, in one snapshot.

        For a word most articles hold, the planner prefers reading the table, not
        knowing that each row's tsvector must then be fetched from TOAST and
        decompressed: seconds at a million articles, against milliseconds for the
        index. That setting prices every plan in the billions, which would make the
        server compile each statement with LLVM (`jit`, 30-100 ms a query), so JIT is
        off too. Both are local to this transaction (or savepoint) and put back.
        """
        with self._conn.transaction():
            previous = self._one(
                "SELECT seq, jit, set_config('enable_seqscan', 'off', true),"
                " set_config('jit', 'off', true) FROM (SELECT current_setting('enable_seqscan')"
                " AS seq, current_setting('jit') AS jit OFFSET 0) s")
            yield
            self._one("SELECT set_config('enable_seqscan', ?, true), set_config('jit', ?, true)",
                      previous[:2])

    def _newest(self, query: Query, offset: int, limit: int) -> SearchPage:
        """Newest first, one entry per story (its newest member), walking the time index.

        The total is exact up to `EXACT_COUNT_LIMIT` articles; beyond that it counts
        reposts separately (cheap) and says it is an estimate.
        """
        check_page(offset, limit)
        where, args = filters_sql(query.category, query.source, query.since, query.until,
                               query.status)
        other = where.replace("d.", "o.")
        head = f"""(d.story_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM search_docs o
            WHERE o.story_id = d.story_id AND {other}
            AND (o.sort_time, o.snapshot_id) > (d.sort_time, d.snapshot_id)))"""
        rows = self._rows(
            f"SELECT d.snapshot_id FROM search_docs d WHERE {where} AND {head}"
            " ORDER BY d.sort_time DESC, d.snapshot_id DESC LIMIT ? OFFSET ?",
            [*args, *args, limit, offset],
        )
        many = self._one(
            f"SELECT count(*) FROM (SELECT 1 FROM search_docs d WHERE {where} LIMIT ?) n",
            [*args, EXACT_COUNT_LIMIT + 1],
        )[0] > EXACT_COUNT_LIMIT
        if many:
            count_sql = f"SELECT count(*) FROM search_docs d WHERE {where}"
            count_args = args
        else:
            count_sql = f"SELECT count(*) FROM search_docs d WHERE {where} AND {head}"
            count_args = [*args, *args]
        total = int(self._one(count_sql, count_args)[0])
        ids = prefer_originals(self._rows, [r[0] for r in rows], where, args)
        hits = build_hits(self._rows, ids, (), {})
        return SearchPage(hits=tuple(hits), total=total, offset=offset, limit=limit,
                          total_is_estimate=many)

    def _window_start(self, matching: _Matching, where: str,
                      args: list[object]) -> int | None:
        """The snapshot id below which matches are not ranked, or None to rank them all."""
        row = self._one(
            f"SELECT d.snapshot_id FROM search_docs d WHERE {matching[0]} AND {where}"
            " ORDER BY d.snapshot_id DESC LIMIT 1 OFFSET ?",
            [*matching[1], *args, RANK_WINDOW],
        )
        return None if row is None else int(row[0])

    def _extrapolate(self, counted: int, boundary: int | None) -> int:
        """Scale a count over ids above `boundary` to the whole index."""
        low, high = self._one("SELECT min(snapshot_id), max(snapshot_id) FROM search_docs")
        if boundary is None or low is None or high <= boundary:
            return counted
        share: float = (high - boundary) / (high - low + 1)
        return max(counted, round(counted / share))

    def _count(self, matching: _Matching, window: str, window_args: list[object],
               where: str, args: list[object]) -> int:
        """Collapsed hit count, for a page past the end (the window count is absent)."""
        return int(self._one(
            f"SELECT count(DISTINCT coalesce(d.story_id, -d.snapshot_id))"
            f" FROM search_docs d WHERE {matching[0]} {window} AND {where}",
            [*matching[1], *window_args, *args],
        )[0])


# The SQL condition on search_docs `d` for a query, and its parameters.
_Matching = tuple[str, list[object]]


def _matching(strict: str, loose: str | None) -> _Matching:
    """Where `d.tokens` holds the query; an article too long for every position (its
    row is `clipped`) holds it when it has the words of each phrase anywhere."""
    if loose is None or loose == strict:
        return _MATCH, [strict]
    return _LOOSE, [strict, loose]
