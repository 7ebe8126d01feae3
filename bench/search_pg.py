"""The PostgreSQL side of bench_search.py: the same corpus in a fresh database, indexed
by `PgSearch`, measured the way the SQLite side is.

The database (`--pg-url`, default `kuaizhao_bench` on the local server) is dropped and
created again on each run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import corpus
import psycopg

from kuaizhao.index.query import parse_query
from kuaizhao.store.migrations import migrations_for
from kuaizhao.store.postgres.connection import connect
from kuaizhao.store.postgres.search import PgSearch
from kuaizhao.store.postgres.search_terms import CONFIG, tsquery_text
from kuaizhao.store.search_engine import IndexDoc

CHUNK = 5000
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/kuaizhao_bench"


def open_db(url: str) -> psycopg.Connection[Any]:
    """A new, empty, migrated database at `url` (an existing one is dropped)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    conn = connect(url)
    for mig in migrations_for("postgresql"):
        conn.execute(mig.sql.encode())
    return conn


def _insert_rows(conn: psycopg.Connection[Any], first_id: int,
                 arts: Sequence[corpus.BenchArticle], sources: dict[str, int]) -> None:
    caps, snaps = [], []
    for n, a in enumerate(arts, first_id):
        captured = a.published_at.replace("+00:00", ".000000+00:00")
        caps.append((n, a.url, sources[a.source], captured, a.url, n, f"urn:{n}", f"sha1:{n}"))
        snaps.append((n, n, a.url, sources[a.source], captured, a.published_at, a.title,
                      a.category, a.text, "{}", f"sha1:{n}", n))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO captures (id, url, source_id, captured_at, status, warc_file,"
            " warc_offset, warc_length, record_id, payload_digest)"
            " VALUES (%s, %s, %s, %s, 200, %s, %s, 1, %s, %s)", caps)
        cur.executemany("INSERT INTO stories (id, created_at) VALUES (%s, '')",
                        [(s[0],) for s in snaps])
        cur.executemany(
            "INSERT INTO snapshots (id, capture_id, url, source_id, captured_at, published_at,"
            " title, category, text, article_json, payload_digest, story_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", snaps)


def build(conn: psycopg.Connection[Any], n: int, pool: list[str],
          real: list[corpus.RealPage]) -> tuple[float, float, dict[str, int]]:
    """Rows and index for `n` synthetic articles plus the real pages, as on SQLite."""
    sources = {}
    for name in (*corpus.SOURCES, "real"):
        sources[name] = conn.execute(
            "INSERT INTO sources (name, config_json, updated_at) VALUES (%s, '{}', '')"
            " RETURNING id", (name,)).fetchone()[0]
    search = PgSearch(conn)
    row_time = index_time = 0.0
    gen = corpus.articles(n, pool)
    next_id = 1
    real_ids: dict[str, int] = {}
    real_arts = [corpus.BenchArticle(f"https://real.example/{p.page_id}", "real", "真实",
                                     "2024-02-07T13:02:00+00:00", p.title, p.text) for p in real]
    while True:
        arts = [a for _, a in zip(range(CHUNK), gen, strict=False)]
        if not arts and real_arts:
            arts, real_arts = real_arts, []
            for page, i in zip(real, range(next_id, next_id + len(arts)), strict=True):
                real_ids[page.page_id] = i
        if not arts:
            break
        t = time.perf_counter()
        with conn.transaction():
            _insert_rows(conn, next_id, arts, sources)
        t2 = time.perf_counter()
        with conn.transaction():
            search.index_many([IndexDoc(i, a.title, a.text) for i, a in enumerate(arts, next_id)])
        t3 = time.perf_counter()
        row_time += t2 - t
        index_time += t3 - t2
        next_id += len(arts)
        if next_id % 100_000 < CHUNK:
            print(f"  pg {next_id - 1} articles, index {next_id / index_time:.0f}/s", flush=True)
    # Identity columns were bypassed with explicit ids; later inserts must not collide.
    for table in ("sources", "captures", "stories", "snapshots"):
        conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                     f" (SELECT max(id) FROM {table}))")
    return row_time, index_time, real_ids


def sizes(conn: psycopg.Connection[Any]) -> tuple[int, int]:
    """Bytes of the whole database and of search_docs (table, TOAST and indexes)."""
    db = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    search = conn.execute("SELECT pg_total_relation_size('search_docs')").fetchone()[0]
    return int(db), int(search)


def optimize(conn: psycopg.Connection[Any]) -> None:
    PgSearch(conn).optimize()
    conn.execute("VACUUM (ANALYZE) search_docs")


def all_matches(conn: psycopg.Connection[Any], word: str) -> set[int]:
    """Every article the index finds for `word` (recall against a substring scan)."""
    match = tsquery_text(parse_query(word))
    return {r[0] for r in conn.execute(
        f"SELECT snapshot_id FROM search_docs WHERE tokens @@ to_tsquery('{CONFIG}', %s)",
        (match,))}


def texts(conn: psycopg.Connection[Any]) -> Iterator[tuple[int, str, str]]:
    with conn.cursor(name="texts") as cur, conn.transaction():
        cur.execute("SELECT id, title, text FROM snapshots")
        yield from cur
