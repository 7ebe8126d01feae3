"""Writing PostgreSQL's search index in batches: a few statements per batch, not per
article (`PgSearch.index_many`).

The rule is the one `SqliteSearch.index` applies an article at a time: only the latest
capture of a URL is searchable (latest by capture time, then id), a taken-down snapshot
never is, and indexing again replaces. A batch ends as the same calls one by one
would end, so one article is simply a batch of one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import psycopg

from kuaizhao.errors import StoreError
from kuaizhao.index.keywords import split_keywords
from kuaizhao.store.postgres.search_terms import clipped, document_text
from kuaizhao.store.search_engine import IndexDoc

# Articles per INSERT: arrays of this many texts stay a few megabytes.
CHUNK = 500


@dataclass(frozen=True, slots=True)
class _Fields:
    """A doc's text as the tsvector function takes it, and what BM25 reads of it."""

    keywords: str
    title: str
    keyword_text: str
    body: str
    clipped: int
    length: int


def _fields(doc: IndexDoc) -> _Fields:
    keywords = " ".join(split_keywords(doc.keywords))
    texts = (document_text(doc.title), document_text(keywords), document_text(doc.text))
    length = sum(len(f.split()) for f in texts)
    return _Fields(keywords, *texts, int(clipped(*texts)), length)


def _prepare(docs: Sequence[IndexDoc]) -> list[_Fields]:
    return [_fields(d) for d in docs]


@dataclass(frozen=True, slots=True)
class _Row:
    """A snapshot's search_docs row."""

    snapshot_id: int
    url: str
    story_id: int | None
    source_id: int | None
    category: str | None
    sort_time: str
    captured_at: str
    fields: _Fields

    @property
    def latest_key(self) -> tuple[str, int]:
        return self.captured_at, self.snapshot_id


def _row(doc: IndexDoc, stored: Sequence[Any], fields: _Fields) -> _Row:
    url, captured_at, title, text, story_id, source_id, category, sort_time = stored
    if (title, text) != (doc.title, doc.text):
        raise StoreError(
            f"IndexDoc for snapshot {doc.snapshot_id} differs from the stored title/text; "
            "index exactly what the snapshot row holds"
        )
    return _Row(doc.snapshot_id, url, story_id, source_id, category, sort_time, captured_at,
                fields)


def index_docs(conn: psycopg.Connection[Any], docs: Sequence[IndexDoc]) -> int:
    """Index `docs` as the searchable versions of their URLs; how many of their
    snapshots are searchable now (taken-down and superseded ones are not)."""
    chunks = [docs[start : start + CHUNK] for start in range(0, len(docs), CHUNK)]
    if len(chunks) <= 1:
        return _index_chunks(conn, chunks, map(_prepare, chunks))
    # Tokenising is Python's work and the INSERT the server's: a second thread prepares
    # the next chunk while this one waits on the server (psycopg releases the GIL).
    with ThreadPoolExecutor(1, thread_name_prefix="kuaizhao-index") as pool:
        searchable = _index_chunks(conn, chunks, pool.map(_prepare, chunks))
    # GIN first appends new entries to a pending list that every search then reads in
    # full (and that makes the planner scan the table instead): after a bulk batch,
    # move them into the index now, work the next insert would otherwise do anyway.
    conn.execute("SELECT gin_clean_pending_list('search_docs_tokens'::regclass)")
    return searchable


def _index_chunks(conn: psycopg.Connection[Any], chunks: Sequence[Sequence[IndexDoc]],
                  prepared: Iterable[list[_Fields]]) -> int:
    searchable: set[int] = set()
    for chunk, fields in zip(chunks, prepared, strict=True):
        written, dropped = _index_chunk(conn, chunk, fields)
        searchable = (searchable - dropped) | written
    return len(searchable)


def _index_chunk(conn: psycopg.Connection[Any], docs: Sequence[IndexDoc],
                 prepared: Sequence[_Fields]) -> tuple[set[int], set[int]]:
    """The snapshot ids written to and deleted from the index."""
    ids = list(dict.fromkeys(d.snapshot_id for d in docs))
    stored = {r[0]: r[1:] for r in conn.execute(
        "SELECT id, url, captured_at, title, text, story_id, source_id, category,"
        " coalesce(published_at, captured_at), removed FROM snapshots WHERE id = ANY(%s)",
        (ids,))}
    latest: dict[str, _Row] = {}  # per URL, the latest capture asked for
    for doc, fields in zip(docs, prepared, strict=True):
        row = stored.get(doc.snapshot_id)
        if row is None:
            raise StoreError(
                f"snapshot {doc.snapshot_id} does not exist; write the snapshot row "
                "before indexing it"
            )
        if row[-1]:
            continue  # taken down (docs/takedown.md): never searchable while removed
        new = _row(doc, row[:-1], fields)
        old = latest.get(new.url)
        # The last doc given for a snapshot wins, as the last of several index() calls.
        if old is None or new.latest_key >= old.latest_key:
            latest[new.url] = new
    if not latest:
        return set(), set()
    indexed = conn.execute(
        "SELECT url, captured_at, snapshot_id FROM search_docs WHERE url = ANY(%s)",
        (list(latest),)).fetchall()
    drop, keep_newer = [], set()
    for url, captured_at, snapshot_id in indexed:
        if (captured_at, snapshot_id) > latest[url].latest_key:
            keep_newer.add(url)  # a newer capture is searchable already: skip ours
        else:
            drop.append(snapshot_id)  # older, or this very one: replaced below
    rows = [r for url, r in latest.items() if url not in keep_newer]
    if drop:
        conn.execute("DELETE FROM search_docs WHERE snapshot_id = ANY(%s)", (drop,))
    if rows:
        columns = list(zip(*((r.snapshot_id, r.url, r.story_id, r.source_id, r.category,
                              r.sort_time, r.captured_at, r.fields.keywords, r.fields.title,
                              r.fields.keyword_text, r.fields.body, r.fields.clipped,
                              r.fields.length) for r in rows), strict=True))
        conn.execute(
            "INSERT INTO search_docs (snapshot_id, url, story_id, source_id, category,"
            " sort_time, captured_at, keywords, tokens, clipped, length)"
            " SELECT i, u, st, so, c, t, ca, k, kuaizhao_search_vector(ti, kt, b), cl, n"
            " FROM unnest(%s::bigint[], %s::text[], %s::bigint[], %s::bigint[], %s::text[],"
            " %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],"
            " %s::bigint[], %s::bigint[]) AS r(i, u, st, so, c, t, ca, k, ti, kt, b, cl, n)",
            [list(c) for c in columns])
    return {r.snapshot_id for r in rows}, set(drop)
