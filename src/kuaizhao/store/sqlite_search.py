"""Full-text search on SQLite FTS5 (tables from migration 0002_search.sql).

The pure parts (query language, tokens, snippets, related ranking) live in
`kuaizhao.index`; this module only moves values between them and the database. It
uses the store's connections (the writer inside a write) and never commits: indexing
a snapshot belongs to the same transaction as writing it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from kuaizhao.errors import NotFound, QueryError, StoreError
from kuaizhao.index.keywords import key_terms, split_keywords
from kuaizhao.index.query import Query
from kuaizhao.index.related import RelatedCandidate, RelatedTarget, rank_related
from kuaizhao.index.snippets import make_snippet
from kuaizhao.index.tokens import fts_match, index_text, term_match
from kuaizhao.models import SearchHit, SearchPage
from kuaizhao.store.bm25 import FIELD_WEIGHTS
from kuaizhao.store.bulk_tokens import Texts, tokenize, tokenized_ahead
from kuaizhao.store.search_engine import SORTS, IndexDoc
from kuaizhao.store.search_filters import check_page, filters_sql
from kuaizhao.store.search_hits import build_hits, fetch_snapshots, json_keywords
from kuaizhao.store.search_originals import prefer_originals
from kuaizhao.store.sqlite_char_scan import (
    character_filter,
    common_characters,
    lone_character,
    scan_window,
    with_characters,
)

# Title matches count ten times a body match; meta keywords twice (store/bm25.py).
_RANK = f"bm25(search_fts, {', '.join(map(str, FIELD_WEIGHTS))})"
# Matches beyond this many (the newest, after filters) are not ranked; see search().
RANK_WINDOW = 2_000
# Listings count collapsed stories exactly up to this many articles.
EXACT_COUNT_LIMIT = 5_000
_RELATED_CANDIDATES = 200


class SqliteSearch:
    """Index, search, related news and listings over a connection (or a thread's)."""

    def __init__(self, conn: sqlite3.Connection | Callable[[], sqlite3.Connection]) -> None:
        self._connect: Callable[[], sqlite3.Connection] = (
            (lambda: conn) if isinstance(conn, sqlite3.Connection) else conn)

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._connect()

    def _rows(self, sql: str, args: Sequence[Any]) -> list[Any]:
        return self._conn.execute(sql, args).fetchall()

    # ------------------------------------------------------------------ writing

    def index(self, doc: IndexDoc) -> None:
        """Index a snapshot as the searchable version of its URL.

        Re-indexing is idempotent. Only the latest capture of a URL is searchable: an
        older one is skipped, and a newer one replaces the version indexed before.
        """
        texts = _texts([doc])
        self._index_batch([doc], texts, tokenize(texts))

    def index_many(self, docs: Sequence[IndexDoc]) -> int:
        """`index` for each of `docs` in order; how many of their snapshots are searchable
        now (taken-down and superseded ones are not)."""
        chunks = _chunks(docs)
        texts = [_texts(chunk) for chunk in chunks]
        for chunk, chunk_texts, tokens in zip(chunks, texts, tokenized_ahead(texts),
                                              strict=True):
            self._index_batch(chunk, chunk_texts, tokens)
        ids = list(dict.fromkeys(d.snapshot_id for d in docs))
        return sum(
            self._conn.execute(
                f"SELECT count(*) FROM search_docs WHERE snapshot_id IN"
                f" ({','.join('?' * len(chunk))})", chunk).fetchone()[0]
            for chunk in _chunks(ids))

    def _index_batch(self, docs: Sequence[IndexDoc], texts: Sequence[Texts],
                     tokens: Sequence[Texts]) -> None:
        """One read of the snapshot rows and of the URLs' indexed captures, one write per
        table: a bulk reindex spends its time in FTS5, not in round trips. `texts` are
        each doc's (title, text, keywords), `tokens` the same as the index takes them."""
        ids = list(dict.fromkeys(d.snapshot_id for d in docs))
        rows = {r[0]: r[1:] for r in self._conn.execute(
            "SELECT id, url, captured_at, title, text, story_id, source_id, category,"
            " coalesce(published_at, captured_at), removed FROM snapshots"
            f" WHERE id IN ({','.join('?' * len(ids))})", ids)}
        urls = list(dict.fromkeys(r[0] for r in rows.values()))
        indexed: dict[str, list[tuple[str, int]]] = {}  # url → [(captured_at, snapshot id)]
        for sid, url, captured in self._conn.execute(
                "SELECT snapshot_id, url, captured_at FROM search_docs"
                f" WHERE url IN ({','.join('?' * len(urls))})", urls):
            indexed.setdefault(url, []).append((captured, sid))
        fts: list[tuple[object, ...]] = []
        meta: list[tuple[object, ...]] = []
        for doc, (_, _, keywords), indexed_texts in zip(docs, texts, tokens, strict=True):
            row = rows.get(doc.snapshot_id)
            if row is None:
                raise StoreError(
                    f"snapshot {doc.snapshot_id} does not exist; write the snapshot row "
                    "before indexing it"
                )
            url, captured_at, title, text, story_id, source_id, category, sort_time, removed = row
            if removed:
                continue  # taken down (docs/takedown.md): never searchable while removed
            if (title, text) != (doc.title, doc.text):
                raise StoreError(
                    f"IndexDoc for snapshot {doc.snapshot_id} differs from the stored "
                    "title/text; index exactly what the snapshot row holds"
                )
            mine = (captured_at, doc.snapshot_id)
            others = indexed.get(url, [])
            if any(other > mine for other in others):
                continue
            if others:  # older captures of the URL, or this one again: out they go first
                self._flush(fts, meta)
                for _, other_id in others:
                    self.remove(other_id)
            indexed[url] = [mine]
            fts.append((doc.snapshot_id, *indexed_texts))
            meta.append((doc.snapshot_id, url, story_id, source_id, category, sort_time,
                         captured_at, keywords))
        self._flush(fts, meta)

    def _flush(self, fts: list[tuple[object, ...]], meta: list[tuple[object, ...]]) -> None:
        self._conn.executemany(
            "INSERT INTO search_fts (rowid, title, body, keywords) VALUES (?, ?, ?, ?)", fts)
        self._conn.executemany(
            "INSERT INTO search_docs (snapshot_id, url, story_id, source_id, category,"
            " sort_time, captured_at, keywords) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", meta)
        fts.clear()
        meta.clear()

    def remove(self, snapshot_id: int) -> None:
        """Take a snapshot out of search (no-op when it is not indexed).

        The previous capture of the same URL does not come back by itself; index it
        again if it should.
        """
        row = self._conn.execute(
            "SELECT s.title, s.text, d.keywords FROM search_docs d"
            " JOIN snapshots s ON s.id = d.snapshot_id WHERE d.snapshot_id = ?",
            (snapshot_id,),
        ).fetchone()
        if row is None:
            return
        title, text, keywords = row
        # A contentless table forgets what it indexed: 'delete' needs the same values.
        self._conn.execute(
            "INSERT INTO search_fts (search_fts, rowid, title, body, keywords)"
            " VALUES ('delete', ?, ?, ?, ?)",
            (snapshot_id, index_text(title), index_text(text), index_text(keywords)),
        )
        self._conn.execute("DELETE FROM search_docs WHERE snapshot_id = ?", (snapshot_id,))

    def clear(self) -> None:
        """Empty the index, for a full reindex."""
        self._conn.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
        self._conn.execute("DELETE FROM search_docs")

    def optimize(self) -> None:
        """Merge the index into one b-tree: faster queries after a bulk load."""
        self._conn.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')")

    # ------------------------------------------------------------------ reading

    def search(
        self, query: Query, *, offset: int = 0, limit: int = 20, sort: str = "relevance"
    ) -> SearchPage:
        """One page of hits, reposts of a story collapsed into their best member.

        A word matching more than `RANK_WINDOW` articles (after filters) is ranked among
        its newest `RANK_WINDOW` matches only, and the total is extrapolated from the
        share of the archive those cover: ranking every match of a word found in half a
        million articles would take seconds. Common single characters are found without
        FTS5's prefix merge (`_ranked_window`).
        """
        check_page(offset, limit)
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
        match = fts_match(query)
        if match is None:
            return self._newest(query, offset, limit)
        where, args = filters_sql(query.category, query.source, query.since, query.until,
                               query.status)
        ranked, required = common_characters(self._conn, query)
        ranked_match = fts_match(ranked)
        if ranked_match is None:  # only the common characters had words: rank them after all
            ranked, required = query, []
        else:
            match = ranked_match
        if required:  # see store/sqlite_char_scan.py
            extra, extra_args = character_filter(required)
            where, args = f"{where} AND {extra}", [*args, *extra_args]
        boundary, hits_sql, hits_args = self._ranked_window(match, ranked, required, where,
                                                            args)
        order = "score, id" if sort == "relevance" else "sort_time DESC, id DESC"
        # Bare columns next to min() come from the row holding the minimum (SQLite).
        sql = f"""
            WITH hits AS MATERIALIZED ({hits_sql}), grouped AS (
                SELECT h.id AS id, min(h.score) AS score, d.sort_time AS sort_time
                FROM hits h JOIN search_docs d ON d.snapshot_id = h.id
                WHERE {where}
                GROUP BY coalesce(d.story_id, -d.snapshot_id)
            )
            SELECT id, score, count(*) OVER () FROM grouped ORDER BY {order} LIMIT ? OFFSET ?
        """
        rows = self._conn.execute(sql, [*hits_args, *args, limit, offset]).fetchall()
        if not rows and offset:  # past the end: the count comes from the first row
            first = self._conn.execute(sql, [*hits_args, *args, 1, 0]).fetchone()
            total = int(first[2]) if first else 0
        else:
            total = int(rows[0][2]) if rows else 0
        estimate = boundary is not None
        if estimate:
            total = self._extrapolate(total, boundary)
        ids = prefer_originals(self._rows, [r[0] for r in rows], where, args)
        scores = {i: -r[1] for i, r in zip(ids, rows, strict=True)}
        hits = self._hits(ids, query.terms, scores)
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
        row = self._conn.execute(
            "SELECT url, story_id, coalesce(published_at, captured_at), title, text,"
            " article_json FROM snapshots WHERE id = ?",
            (snapshot_id,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no snapshot {snapshot_id}; check the id",
                           code="snapshot_not_found", id=snapshot_id)
        url, story_id, when, title, text, article_json = row
        terms = key_terms(title, text, json_keywords(article_json))
        phrases = [p for p in map(term_match, terms) if p is not None]
        if not phrases:
            return []
        ids = [
            r[0]
            for r in self._conn.execute(
                f"SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY {_RANK}"
                " LIMIT ?",
                (" OR ".join(phrases), _RELATED_CANDIDATES),
            )
        ]
        candidates = [
            RelatedCandidate(r[0], r[1], r[2], datetime.fromisoformat(r[3]), r[4], r[5])
            for r in self._fetch(
                ids, "s.id, s.url, s.story_id, coalesce(s.published_at, s.captured_at),"
                " s.title, s.text"
            )
        ]
        target = RelatedTarget(snapshot_id, url, story_id, datetime.fromisoformat(when),
                               tuple(terms))
        ranked = rank_related(target, candidates, limit)
        by_id = {h.snapshot_id: h for h in self._hits(
            [r.candidate.snapshot_id for r in ranked], (), {}, with_story=False)}
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

    def _newest(self, query: Query, offset: int, limit: int) -> SearchPage:
        """Newest first, one entry per story (its newest member), walking the time index.

        The total is exact up to `EXACT_COUNT_LIMIT` articles; beyond that it counts
        reposts separately (cheap) and says it is an estimate.
        """
        check_page(offset, limit)
        where, args = filters_sql(query.category, query.source, query.since, query.until,
                               query.status)
        other = where.replace("d.", "o.")
        # INDEXED BY: left alone, the planner probes by category and time instead, which
        # turns a category page into a quadratic scan.
        head = f"""(d.story_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM search_docs o INDEXED BY search_docs_story
            WHERE o.story_id = d.story_id AND {other}
            AND (o.sort_time, o.snapshot_id) > (d.sort_time, d.snapshot_id)))"""
        rows = self._conn.execute(
            f"SELECT d.snapshot_id FROM search_docs d WHERE {where} AND {head}"
            " ORDER BY d.sort_time DESC, d.snapshot_id DESC LIMIT ? OFFSET ?",
            [*args, *args, limit, offset],
        ).fetchall()
        many = self._conn.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM search_docs d WHERE {where} LIMIT ?)",
            [*args, EXACT_COUNT_LIMIT + 1],
        ).fetchone()[0] > EXACT_COUNT_LIMIT
        if many:
            count_sql = f"SELECT count(*) FROM search_docs d WHERE {where}"
            count_args = args
        else:
            count_sql = f"SELECT count(*) FROM search_docs d WHERE {where} AND {head}"
            count_args = [*args, *args]
        total = int(self._conn.execute(count_sql, count_args).fetchone()[0])
        ids = prefer_originals(self._rows, [r[0] for r in rows], where, args)
        hits = self._hits(ids, (), {})
        return SearchPage(hits=tuple(hits), total=total, offset=offset, limit=limit,
                          total_is_estimate=many)

    def _ranked_window(self, match: str, ranked: Query, required: list[str], where: str,
                       args: list[object]) -> tuple[int | None, str, list[object]]:
        """The newest `RANK_WINDOW` matches as SQL giving (id, score) with its parameters,
        and the rowid below which matches are not ranked (None: all are).

        FTS5 ranks them, unless the query is a lone common character (scanned) or has
        common characters as filters (their score terms added back): then the scores are
        computed here and passed in as JSON (store/sqlite_char_scan.py)."""
        char = lone_character(ranked)
        scan = scan_window(self._conn, char, where, args, RANK_WINDOW) if char else None
        if scan is not None:
            boundary, scored = scan.boundary, scan.scored
        else:
            boundary = self._window_start(match, where, args)
            # MATERIALIZED (where this is used) keeps bm25() inside the FTS scan.
            fts_hits = (f"SELECT rowid AS id, {_RANK} AS score FROM search_fts"
                        " WHERE search_fts MATCH ?")
            hits_args: list[object] = [match]
            if boundary is not None:
                fts_hits += " AND rowid > ?"
                hits_args.append(boundary)
            if not required:
                return boundary, fts_hits, hits_args
            scored = [(r[0], r[1]) for r in self._conn.execute(
                f"WITH h AS MATERIALIZED ({fts_hits}) SELECT h.id, h.score FROM h"
                f" JOIN search_docs d ON d.snapshot_id = h.id WHERE {where}",
                [*hits_args, *args])]
        if required:
            scored = with_characters(self._conn, scored, required)
        return (boundary, "SELECT value ->> 0 AS id, value ->> 1 AS score FROM json_each(?)",
                [json.dumps(scored)])

    def _window_start(self, match: str, where: str, args: list[object]) -> int | None:
        """The rowid below which matches are not ranked, or None to rank them all."""
        if args:  # filters: the window counts only matches that pass them
            sql = (f"SELECT search_fts.rowid FROM search_fts JOIN search_docs d"
                   f" ON d.snapshot_id = search_fts.rowid WHERE search_fts MATCH ? AND {where}"
                   " ORDER BY search_fts.rowid DESC LIMIT 1 OFFSET ?")
        else:
            sql = ("SELECT rowid FROM search_fts WHERE search_fts MATCH ?"
                   " ORDER BY rowid DESC LIMIT 1 OFFSET ?")
        row = self._conn.execute(sql, [match, *args, RANK_WINDOW]).fetchone()
        return None if row is None else int(row[0])

    def _extrapolate(self, counted: int, boundary: int | None) -> int:
        """Scale a count over rowids above `boundary` to the whole index."""
        # Two subqueries: SQLite answers a lone min() or max() from the b-tree's end,
        # but scans the table for both in one select.
        low, high = self._conn.execute(
            "SELECT (SELECT min(snapshot_id) FROM search_docs),"
            " (SELECT max(snapshot_id) FROM search_docs)").fetchone()
        if boundary is None or low is None or high <= boundary:
            return counted
        share: float = (high - boundary) / (high - low + 1)
        return max(counted, round(counted / share))

    def _fetch(self, ids: Sequence[int], columns: str) -> list[Any]:
        return fetch_snapshots(self._rows, ids, columns)

    def _hits(self, ids: Sequence[int], terms: Sequence[str], scores: dict[int, float], *,
              with_story: bool = True) -> list[SearchHit]:
        return build_hits(self._rows, ids, terms, scores, with_story=with_story)


def _chunks(items: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    """Slices of at most `size`: SQLite caps the parameters of one statement."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def _texts(docs: Sequence[IndexDoc]) -> list[Texts]:
    """(title, text, keywords as stored) of each doc."""
    return [(d.title, d.text, " ".join(split_keywords(d.keywords))) for d in docs]
