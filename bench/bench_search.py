"""Chinese search: kuaizhao's bigram index on SQLite (FTS5) and PostgreSQL (tsvector +
GIN) side by side, against a LIKE scan and a jieba-segmented FTS5 index, on a synthetic
corpus recombined from real Chinese pages (bench/corpus.py).

    .venv/bin/python bench/bench_search.py --articles 100000 --backends sqlite,postgresql

Measures build speed (SqliteSearch.index per article, in transactions of 5,000),
database size, top-20-with-snippets latency for 2/3/4-character dictionary words,
recall against a substring scan, and known-item recall@10 on the real pages.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import re
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))


import corpus
import search_pg

from kuaizhao.index.query import parse_query
from kuaizhao.index.snippets import make_snippet
from kuaizhao.index.tokens import CJK_RUN, fts_match
from kuaizhao.store.migrations import migrations_for
from kuaizhao.store.postgres.search import PgSearch
from kuaizhao.store.search_engine import IndexDoc
from kuaizhao.store.sqlite_search import SqliteSearch

CHUNK = 5000


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def ms(values: Sequence[float]) -> str:
    return f"p50 {pct(values, 50):.1f} ms, p99 {pct(values, 99):.1f} ms"


def open_db(path: Path) -> sqlite3.Connection:
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-262144")  # 256 MB
    for mig in migrations_for("sqlite"):
        conn.executescript(mig.sql)
    return conn


def insert_rows(conn: sqlite3.Connection, first_id: int, arts: Sequence[corpus.BenchArticle],
                sources: dict[str, int]) -> None:
    caps, snaps = [], []
    for n, a in enumerate(arts, first_id):
        captured = a.published_at.replace("+00:00", ".000000+00:00")
        caps.append((n, a.url, sources[a.source], captured, a.url, n, f"urn:{n}", f"sha1:{n}"))
        snaps.append((n, n, a.url, sources[a.source], captured, a.published_at, a.title,
                      a.category, a.text, "{}", f"sha1:{n}", n))
    conn.executemany(
        "INSERT INTO captures (id, url, source_id, captured_at, status, warc_file, warc_offset,"
        " warc_length, record_id, payload_digest) VALUES (?, ?, ?, ?, 200, ?, ?, 1, ?, ?)", caps)
    conn.executemany("INSERT INTO stories (id, created_at) VALUES (?, '')",
                     [(s[0],) for s in snaps])
    conn.executemany(
        "INSERT INTO snapshots (id, capture_id, url, source_id, captured_at, published_at, title,"
        " category, text, article_json, payload_digest, story_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", snaps)


def build(conn: sqlite3.Connection, n: int, pool: list[str],
          real: list[corpus.RealPage]) -> tuple[float, float, dict[str, int]]:
    """Rows and index for `n` synthetic articles plus the real pages (ids after them)."""
    sources = {}
    for name in (*corpus.SOURCES, "real"):
        sources[name] = conn.execute("INSERT INTO sources (name, config_json, updated_at)"
                                     " VALUES (?, '{}', '')", (name,)).lastrowid or 0
    search = SqliteSearch(conn)
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
        conn.execute("BEGIN")
        insert_rows(conn, next_id, arts, sources)
        conn.execute("COMMIT")
        t2 = time.perf_counter()
        conn.execute("BEGIN")
        search.index_many([IndexDoc(i, a.title, a.text) for i, a in enumerate(arts, next_id)])
        conn.execute("COMMIT")
        t3 = time.perf_counter()
        row_time += t2 - t
        index_time += t3 - t2
        next_id += len(arts)
        if next_id % 100_000 < CHUNK:
            print(f"  {next_id - 1} articles, index {next_id / index_time:.0f}/s", flush=True)
    return row_time, index_time, real_ids


def fts_bytes(conn: sqlite3.Connection, prefix: str) -> int:
    row = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE ?", (prefix + "%",))
    return int(row.fetchone()[0] or 0)


# ------------------------------------------------------------------ query sets


def _cuts_word(text: str, i: int) -> bool:
    """True when position `i` falls inside a latin word or number (tokens are whole)."""
    a, b = text[i - 1], text[i]
    return a.isascii() and a.isalnum() and b.isascii() and b.isalnum()


def dictionary_words(pool: list[str], rng: random.Random, per_length: int
                     ) -> dict[int, list[str]]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    present = {s[i : i + n] for s in pool for n in (2, 3, 4) for i in range(len(s) - n + 1)}
    out = {}
    for length in (2, 3, 4):
        words = sorted(w for w in jieba.dt.FREQ if len(w) == length and jieba.dt.FREQ[w] > 0
                       and CJK_RUN.fullmatch(w) and w in present)
        out[length] = rng.sample(words, min(per_length, len(words)))
    return out


def timed(fn: Callable[[str], object], words: Iterable[str]) -> list[float]:
    out = []
    for w in words:
        t = time.perf_counter()
        fn(w)
        out.append((time.perf_counter() - t) * 1000)
    return out


# ------------------------------------------------------------------ jieba baseline


def _segment(item: tuple[int, str, str]) -> tuple[int, str, str]:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    i, title, text = item
    return i, " ".join(jieba.cut_for_search(title)), " ".join(jieba.cut_for_search(text))


def build_jieba(main: sqlite3.Connection, path: Path, n: int) -> tuple[sqlite3.Connection, float]:
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE VIRTUAL TABLE jfts USING fts5(title, body, content='',"
                 " tokenize='porter unicode61 remove_diacritics 2')")
    rows = main.execute("SELECT id, title, text FROM snapshots WHERE id <= ? ORDER BY id",
                        (n,)).fetchall()
    t = time.perf_counter()
    conn.execute("BEGIN")
    with multiprocessing.Pool(2) as workers:
        for seg in workers.imap(_segment, rows, chunksize=200):
            conn.execute("INSERT INTO jfts (rowid, title, body) VALUES (?, ?, ?)", seg)
    conn.execute("COMMIT")
    return conn, time.perf_counter() - t


def jieba_match(word: str) -> str:
    import jieba

    tokens = [t for t in jieba.cut_for_search(word) if t.strip()]
    # cut_for_search yields the word's parts and then the word; a phrase of the longest
    # segmentation is what the index holds in sequence.
    parts = [t for t in jieba.cut(word) if t.strip()] or tokens
    return '"' + " ".join(parts).replace('"', '""') + '"'


# ------------------------------------------------------------------ main


def build_sqlite(args: argparse.Namespace, pool: list[str], real: list[corpus.RealPage],
                 results: dict[str, object]) -> tuple[sqlite3.Connection, Path, dict[str, int]]:
    path = args.dir / f"search_{args.articles}.sqlite3"
    conn = open_db(path)
    row_time, index_time, real_ids = build(conn, args.articles, pool, real)
    total_docs = args.articles + len(real_ids)
    avg_chars = conn.execute("SELECT avg(length(text)) FROM snapshots").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    fts = fts_bytes(conn, "search_")
    results |= {"avg_chars": round(avg_chars), "index_per_s": round(total_docs / index_time),
                "rows_per_s": round(total_docs / row_time),
                "db_bytes_per_article": round(size / total_docs),
                "search_bytes_per_article": round(fts / total_docs)}
    print(f"sqlite: avg {avg_chars:.0f} chars; rows {total_docs / row_time:.0f}/s; "
          f"index {total_docs / index_time:.0f} articles/s; "
          f"db {size / total_docs:.0f} B/article of which search {fts / total_docs:.0f}")
    return conn, path, real_ids


def build_postgres(args: argparse.Namespace, pool: list[str], real: list[corpus.RealPage],
                   results: dict[str, object]) -> tuple[Any, dict[str, int]]:
    conn = search_pg.open_db(args.pg_url)
    row_time, index_time, real_ids = search_pg.build(conn, args.articles, pool, real)
    total_docs = args.articles + len(real_ids)
    db, fts = search_pg.sizes(conn)
    results |= {"pg_index_per_s": round(total_docs / index_time),
                "pg_rows_per_s": round(total_docs / row_time),
                "pg_db_bytes_per_article": round(db / total_docs),
                "pg_search_bytes_per_article": round(fts / total_docs),
                "postgresql": conn.info.server_version}
    print(f"postgresql: rows {total_docs / row_time:.0f}/s; "
          f"index {total_docs / index_time:.0f} articles/s; "
          f"db {db / total_docs:.0f} B/article of which search_docs {fts / total_docs:.0f}")
    return conn, real_ids


def measure_engine(label: str, search: Any, optimize: Callable[[], None],
                   words: dict[int, list[str]], real: list[corpus.RealPage],
                   real_ids: dict[str, int], results: dict[str, object]) -> None:
    """Top-20 with snippets before and after `optimize`, other shapes, known items."""
    rng = random.Random(42)

    def ours(w: str) -> object:
        return search.search(parse_query(w), limit=20)

    def measure(stage: str) -> None:
        for length, ws in words.items():
            first = timed(ours, ws)
            again = timed(ours, ws)
            totals = [search.search(parse_query(w), limit=1).total for w in ws[:50]]
            results[f"{stage}_{length}"] = {"first": [pct(first, 50), pct(first, 99)],
                                            "repeat": [pct(again, 50), pct(again, 99)],
                                            "median_hits": statistics.median(totals)}
            print(f"  {stage} {length}-char: first {ms(first)}; repeat {ms(again)}; "
                  f"median hits {statistics.median(totals):.0f}", flush=True)

    print(f"{label} top-20 + snippets, as built:")
    measure(label)
    t = time.perf_counter()
    optimize()
    results[f"{label}_optimize_s"] = round(time.perf_counter() - t, 1)
    print(f"optimize {results[f'{label}_optimize_s']} s; after optimize:")
    measure(f"{label}_optimized")

    # Other shapes: single characters (prefix queries) alone and beside other words,
    # filters, listings.
    shapes = {"1-char 的": lambda: ours("的"), "1-char 锡": lambda: ours("锡"),
              "的 发展": lambda: ours("的 发展"), "中 美": lambda: ours("中 美"),
              "无锡 的": lambda: ours("无锡 的"),
              "发展 category:国内": lambda: ours("发展 category:国内"),
              "发展 source:source03": lambda: ours("发展 source:source03"),
              "listing": search.listing,
              "listing category:国内": lambda: search.listing(category="国内"),
              "listing source:source05": lambda: search.listing(source="source05")}
    for name, run in shapes.items():
        run()
        t = time.perf_counter()
        run()
        results[f"{label} shape {name}"] = round((time.perf_counter() - t) * 1000, 1)
        print(f"  {name}: {results[f'{label} shape {name}']} ms")

    # Known items: a phrase from each real page must bring that page into the top 10.
    boundary_hits = inner_hits = no_boundary = 0
    for page in real:
        sentences = [s for s in corpus._split(page.text) if len(CJK_RUN.findall(s))]
        sid = real_ids[page.page_id]
        # Across a sentence end, straight from the page: the recombined articles never
        # put these two sentences side by side, so only this page holds the phrase.
        ends = [m.end() for m in re.finditer("[。！？；]", page.text)
                if m.end() >= 6 and m.end() + 5 <= len(page.text)
                and not re.search(r'[\s"]', page.text[m.end() - 5 : m.end() + 4])
                and not _cuts_word(page.text, m.end() - 5)
                and not _cuts_word(page.text, m.end() + 4)]
        if ends:
            cut = rng.choice(ends)
            phrase = page.text[cut - 5 : cut + 4]
            hits = search.search(parse_query(f'"{phrase}"'), limit=10).hits
            boundary_hits += sid in [h.snapshot_id for h in hits]
        else:
            no_boundary += 1
        inner = rng.choice([s for s in sentences if len(s) >= 10] or sentences)
        start = rng.randrange(max(1, len(inner) - 8))
        hits = search.search(parse_query(f'"{inner[start:start + 8]}"'), limit=10).hits
        inner_hits += sid in [h.snapshot_id for h in hits]
    results[f"{label}_known_item_boundary_recall10"] = boundary_hits / (len(real) - no_boundary)
    results[f"{label}_known_item_inner_recall10"] = inner_hits / len(real)
    print(f"known-item recall@10: boundary phrase {boundary_hits}/{len(real) - no_boundary}, "
          f"phrase inside a sentence {inner_hits}/{len(real)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/kz_bench"))  # noqa: S108 - a scratch dir
    ap.add_argument("--backends", default="sqlite",
                    help="comma-separated: sqlite, postgresql (same corpus and queries)")
    ap.add_argument("--pg-url", default=search_pg.DEFAULT_URL,
                    help="PostgreSQL database to DROP and create for the run")
    ap.add_argument("--queries", type=int, default=100, help="dictionary words per length")
    ap.add_argument("--like-queries", type=int, default=20, help="per length (full scans)")
    ap.add_argument("--recall-words", type=int, default=200)
    ap.add_argument("--jieba-articles", type=int, default=100_000,
                    help="size of the jieba baseline (segmenting is slow); 0 skips it")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if not backends or set(backends) - {"sqlite", "postgresql"}:
        ap.error(f"--backends takes sqlite and/or postgresql, got {args.backends!r}")
    args.dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(42)
    results: dict[str, object] = {"articles": args.articles, "sqlite": sqlite3.sqlite_version,
                                  "backends": backends, "load_at_start": os.getloadavg()[0]}

    real = corpus.real_pages()
    pool = corpus.sentence_pool(real)
    print(f"pool: {len(real)} real pages, {len(pool)} sentences; building {args.articles}")
    words = dictionary_words(pool, rng, args.queries)
    recall_words = dictionary_words(pool, random.Random(7), args.recall_words)[2]
    engines: dict[str, tuple[Any, Callable[[str], set[int]]]] = {}
    conn: sqlite3.Connection | None = None
    path = args.dir

    def run_sqlite() -> None:
        nonlocal conn, path
        conn, path, real_ids = build_sqlite(args, pool, real, results)
        lite = conn

        def sqlite_optimize() -> None:
            lite.execute("BEGIN")
            SqliteSearch(lite).optimize()
            lite.execute("COMMIT")

        def sqlite_all(w: str) -> set[int]:
            match = fts_match(parse_query(w))
            return {r[0] for r in lite.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ?", (match,))}

        measure_engine("bigram", SqliteSearch(conn), sqlite_optimize, words, real, real_ids,
                       results)
        engines["bigram"] = (conn, sqlite_all)

    def run_postgres() -> None:
        pconn, real_ids = build_postgres(args, pool, real, results)
        measure_engine("pg", PgSearch(pconn), lambda: search_pg.optimize(pconn), words, real,
                       real_ids, results)
        engines["pg"] = (pconn, lambda w: search_pg.all_matches(pconn, w))

    # In the order given: the slower build first when time is short.
    for backend in dict.fromkeys(backends):
        {"sqlite": run_sqlite, "postgresql": run_postgres}[backend]()

    # Recall against a substring scan, for 2-character words (one pass over the texts).
    jn = min(args.jieba_articles, args.articles) if conn is not None else 0
    truth: dict[str, set[int]] = {w: set() for w in recall_words}
    truth_j: dict[str, set[int]] = {w: set() for w in recall_words}
    rows = (conn.execute("SELECT id, title, text FROM snapshots") if conn is not None
            else search_pg.texts(engines["pg"][0]))
    for i, title, text in rows:
        both = title + "\n" + text
        for w in recall_words:
            if w in both:
                truth[w].add(i)
                if i <= jn:
                    truth_j[w].add(i)

    def recall(found: Callable[[str], set[int]], want: dict[str, set[int]]) -> float:
        scores = [len(found(w) & want[w]) / len(want[w]) for w in recall_words if want[w]]
        return sum(scores) / len(scores)

    for label, (_, found) in engines.items():
        results[f"recall_{label}"] = recall(found, truth)
        print(f"recall vs substring scan, {len(recall_words)} 2-char words: "
              f"{label} {results[f'recall_{label}']:.3f}")
    if conn is not None:
        baselines(args, conn, path, words, truth_j, jn, recall, results)
    results["load_at_end"] = os.getloadavg()[0]
    print(f"load average at start {results['load_at_start']:.1f}, end {results['load_at_end']:.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")


def baselines(args: argparse.Namespace, conn: sqlite3.Connection, path: Path,
              words: dict[int, list[str]], truth_j: dict[str, set[int]], jn: int,
              recall: Callable[[Callable[[str], set[int]], dict[str, set[int]]], float],
              results: dict[str, object]) -> None:
    """A LIKE scan and jieba-segmented FTS5, beside the SQLite engine."""
    # LIKE scan: no ranking exists, so newest-first top 20 (a full scan) + snippets.
    def like(w: str) -> object:
        rows = conn.execute(
            "SELECT id, text FROM snapshots WHERE title LIKE ?1 OR text LIKE ?1"
            " ORDER BY coalesce(published_at, captured_at) DESC LIMIT 20", (f"%{w}%",))
        return [make_snippet(text, [w]) for _, text in rows]

    for length, ws in words.items():
        lt = timed(like, ws[: args.like_queries])
        results[f"like_{length}"] = [pct(lt, 50), pct(lt, 99)]
        print(f"  LIKE {length}-char: {ms(lt)}", flush=True)

    if jn:
        jconn, jtime = build_jieba(conn, args.dir / f"jieba_{jn}.sqlite3", jn)
        jconn.execute(f"ATTACH DATABASE '{path}' AS main_db")
        jsize = fts_bytes(jconn, "jfts")
        results |= {"jieba_articles": jn, "jieba_index_per_s": round(jn / jtime),
                    "jieba_search_bytes_per_article": round(jsize / jn)}
        print(f"jieba baseline on {jn} articles: build {jn / jtime:.0f} articles/s "
              f"(2 processes segmenting), search {jsize / jn:.0f} B/article")

        def jieba_search(w: str) -> object:
            m = jieba_match(w)
            ids = [r[0] for r in jconn.execute(
                "SELECT rowid FROM jfts WHERE jfts MATCH ? ORDER BY bm25(jfts, 10.0, 1.0)"
                " LIMIT 20", (m,))]
            jconn.execute("SELECT count(*) FROM jfts WHERE jfts MATCH ?", (m,)).fetchone()
            texts = jconn.execute(
                f"SELECT text FROM main_db.snapshots WHERE id IN ({','.join('?' * len(ids))})",
                ids).fetchall()
            return [make_snippet(t, [w]) for (t,) in texts]

        for length, ws in words.items():
            timed(jieba_search, ws)
            jt = timed(jieba_search, ws)
            results[f"jieba_{length}"] = [pct(jt, 50), pct(jt, 99)]
            print(f"  jieba FTS {length}-char: repeat {ms(jt)}", flush=True)

        def jieba_all(w: str) -> set[int]:
            return {r[0] for r in jconn.execute("SELECT rowid FROM jfts WHERE jfts MATCH ?",
                                                (jieba_match(w),))}

        results["recall_jieba"] = recall(jieba_all, truth_j)
        print(f"recall vs substring scan (first {jn}): jieba {results['recall_jieba']:.3f}")


if __name__ == "__main__":
    main()
