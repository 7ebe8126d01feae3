"""A query of one common CJK character, answered without FTS5's prefix scan.

A lone character is the prefix query `"的"*` on the bigram index (index/tokens.py).
FTS5 answers a prefix query by merging the posting lists of every token with that
prefix over the whole archive before it returns a row, and no rowid bound shortens
that: 的 took 7–9 s at 1 M articles, and on SQLite one slow query holds up every other
reader and the crawl's writes. Search only ranks the newest `RANK_WINDOW` matches, and
a character common enough to be slow fills that window within the newest few thousand
articles. So for such a character `SqliteSearch` reads the newest articles' text and
ranks the window here, with FTS5's own numbers:

- **When.** The newest `_PROBE` articles (after filters) are read first. Finding the
  window by reading costs about RANK_WINDOW / p articles, for a share p of articles
  holding the character; FTS5's prefix merge costs about N · c postings, for c
  occurrences per article, and reading an article costs about `_READ_COST` postings.
  The scan runs when p · c · N ≥ `_READ_COST` · RANK_WINDOW (的 at 1 M articles:
  7.9 s → 30 ms; 锡, in a fifth of them but about once each, stays with FTS5 at 75 ms);
  otherwise, or when `_SCAN_LIMIT` articles go by before the window fills, FTS5
  answers as usual.
- **Score.** BM25 of the prefix phrase as FTS5 computes it (`store.bm25`): each of the
  character's occurrences begins exactly one indexed token, so its frequency in a field
  is a count of the character there; D comes from FTS5's docsize table and N and avgdl
  from its averages record. n(i), which only scales every score alike, is estimated
  from the share of scanned articles holding the character, so the order is exactly
  FTS5's and the scores are close to its.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from kuaizhao.index.query import Query
from kuaizhao.index.tokens import CJK_CHAR, term_match
from kuaizhao.store.bm25 import FIELD_WEIGHTS, IDF_FLOOR, idf, phrase_score

_PROBE = 200
# A character in at least this share of the newest articles is taken to be in more than
# half of all of them (common_characters).
_COMMON_SHARE = 0.8
# Reading an article here costs about as much as merging this many postings in FTS5
# (at 1 M articles: 15 µs against 0.25 µs).
_READ_COST = 60
_BATCH = 2_000
_SCAN_LIMIT = 50_000
_PREFIX = re.compile(r'"(.)"\*')


def lone_character(query: Query) -> str | None:
    """The CJK character when `query` is that one character and nothing else."""
    if len(query.groups) != 1 or query.exclude:
        return None
    return _character(query.groups[0])


def _character(group: tuple[str, ...]) -> str | None:
    """The CJK character when an AND group is that one character alone."""
    if len(group) != 1:
        return None
    m = _PREFIX.fullmatch(term_match(group[0]) or "")
    return m.group(1) if m and CJK_CHAR.fullmatch(m.group(1)) else None


def common_characters(conn: sqlite3.Connection, query: Query) -> tuple[Query, list[str]]:
    """`query` without the groups that are a lone character nearly every article holds,
    and those characters, to be required by `character_filter` instead.

    In a query of several words, `的 发展` or `中 美 贸易`, each lone character is still a
    prefix merge over the whole archive. For a character held by more than half of the
    articles FTS5's IDF is its floor, 1e-6, whatever the exact count; so the character
    can be a filter instead of a phrase, and its term of the score is added back by
    `with_characters` from a count in the text: the same matches, scores and order.
    "Nearly every" is judged on the newest `_PROBE` articles with a margin
    (`_COMMON_SHARE`); one group always stays, so a query of common characters only
    becomes the lone-character case above.
    """
    chars = {i: c for i, g in enumerate(query.groups) if (c := _character(g)) is not None}
    if not chars or len(query.groups) < 2:
        return query, []
    rows = conn.execute(
        "SELECT s.title, s.text, d.keywords FROM search_docs d"
        " JOIN snapshots s ON s.id = d.snapshot_id ORDER BY d.snapshot_id DESC LIMIT ?",
        (_PROBE,)).fetchall()
    if len(rows) < _PROBE:
        return query, []  # a small archive: FTS5 is fast anyway
    common = {i: c for i, c in chars.items()
              if sum(any(c in f for f in row) for row in rows) >= _COMMON_SHARE * len(rows)}
    if len(common) == len(query.groups):
        common.pop(min(common))
    if not common:
        return query, []
    kept = tuple(g for i, g in enumerate(query.groups) if i not in common)
    return replace(query, groups=kept), list(common.values())


def character_filter(chars: Sequence[str]) -> tuple[str, list[object]]:
    """SQL on search_docs `d` requiring each of `chars` in the title, text or keywords."""
    one = ("EXISTS (SELECT 1 FROM snapshots s WHERE s.id = d.snapshot_id AND"
           " (instr(s.title, ?) OR instr(s.text, ?) OR instr(d.keywords, ?)))")
    return " AND ".join([one] * len(chars)), [c for c in chars for _ in range(3)]


@dataclass(frozen=True, slots=True)
class Window:
    """The newest matches, scored: (snapshot id, FTS5-style negated score) pairs, and
    the id of the first match left out (None when every match is in)."""

    scored: list[tuple[int, float]]
    boundary: int | None


def scan_window(conn: sqlite3.Connection, char: str, where: str, args: Sequence[object],
                window: int) -> Window | None:
    """The newest `window` articles holding `char` among those passing `where` (over
    search_docs `d`), or None when FTS5 is the faster way to find them."""
    docs, avgdl = _averages(conn)
    if not docs:
        return None
    matches: list[tuple[int, str, str, str]] = []
    scanned = 0
    before = None
    while len(matches) <= window:
        size = _PROBE if scanned == 0 else _BATCH
        ids = [r[0] for r in conn.execute(
            # NOT INDEXED: newest first along the table itself, whatever the filters.
            f"SELECT d.snapshot_id FROM search_docs d NOT INDEXED WHERE {where}"
            f"{' AND d.snapshot_id < ?' if before is not None else ''}"
            " ORDER BY d.snapshot_id DESC LIMIT ?",
            [*args, *([before] if before is not None else []), size])]
        if not ids:
            break
        scanned += len(ids)
        before = ids[-1]
        found = conn.execute(
            "SELECT s.id, s.title, s.text, d.keywords FROM search_docs d"
            " JOIN snapshots s ON s.id = d.snapshot_id"
            f" WHERE d.snapshot_id IN ({','.join('?' * len(ids))})"
            " AND (instr(s.title, ?) OR instr(s.text, ?) OR instr(d.keywords, ?))",
            [*ids, char, char, char]).fetchall()
        matches.extend(sorted(found, key=lambda m: -m[0]))
        if scanned == len(ids):  # the probe: is FTS5 the faster way (module docstring)?
            share = len(found) / len(ids)
            per_article = sum(f.count(char) for m in found for f in m[1:]) / len(ids)
            if share * per_article * docs < _READ_COST * window:
                return None
        if scanned >= _SCAN_LIMIT and len(matches) <= window:
            return None
    boundary = matches[window][0] if len(matches) > window else None
    kept = matches[:window]
    # FTS5 writes N at commit: inside a write transaction it can lag behind the scan.
    docs = max(docs, len(matches))
    holding = max(len(matches), min(docs, round(len(matches) / scanned * docs)))
    weight = idf(docs, holding)
    lengths = _lengths(conn, [m[0] for m in kept])
    scored = [(sid, -_term(weight, char, fields, lengths.get(sid, avgdl), avgdl))
              for sid, *fields in kept]
    return Window(scored, boundary)


def with_characters(conn: sqlite3.Connection, scored: list[tuple[int, float]],
                    chars: Sequence[str]) -> list[tuple[int, float]]:
    """`scored` (FTS5-style negated scores) with each of `chars` counted back in as the
    phrase it was in the query: a character held by more than half of the articles,
    whose IDF is FTS5's floor (`common_characters`)."""
    _, avgdl = _averages(conn)
    ids = [sid for sid, _ in scored]
    lengths = _lengths(conn, ids)
    fields = {r[0]: r[1:] for r in _texts(conn, ids)}
    return [(sid, score - sum(_term(IDF_FLOOR, c, fields[sid], lengths.get(sid, avgdl), avgdl)
                              for c in chars))
            for sid, score in scored]


def _term(weight: float, char: str, fields: Sequence[str], length: float,
          avgdl: float) -> float:
    """BM25's term for the prefix phrase of `char`: each occurrence of the character
    begins exactly one indexed token, so its frequency in a field is a count."""
    frequency = sum(w * f.count(char) for w, f in zip(FIELD_WEIGHTS, fields, strict=True))
    return phrase_score(weight, frequency, length, avgdl)


def _texts(conn: sqlite3.Connection, ids: list[int]) -> list[tuple[int, str, str, str]]:
    """(id, title, text, keywords) as indexed, for each of `ids`."""
    return _by_ids(conn, "SELECT s.id, s.title, s.text, d.keywords FROM search_docs d"
                   " JOIN snapshots s ON s.id = d.snapshot_id WHERE d.snapshot_id", ids)


def _by_ids(conn: sqlite3.Connection, select: str, ids: list[int]) -> list[Any]:
    """`select` + ` IN (…)` over `ids`, 500 at a time (SQLite's parameter limit)."""
    out: list[Any] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        out += conn.execute(f"{select} IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    return out


def _averages(conn: sqlite3.Connection) -> tuple[int, float]:
    """(N, avgdl) from FTS5's averages record: N, then each column's token total."""
    row = conn.execute("SELECT block FROM search_fts_data WHERE id = 1").fetchone()
    if row is None or not row[0]:
        return 0, 1.0
    docs, *totals = _varints(row[0])
    return docs, (sum(totals) / docs if docs else 1.0)


def _lengths(conn: sqlite3.Connection, ids: list[int]) -> dict[int, float]:
    """Each snapshot's indexed tokens in all columns, from FTS5's docsize table."""
    return {sid: float(sum(_varints(size)))
            for sid, size in _by_ids(conn, "SELECT id, sz FROM search_fts_docsize WHERE id", ids)}


def _varints(blob: bytes) -> list[int]:
    """SQLite's variable-length integers (1–9 bytes, big-endian, 7 bits a byte)."""
    values = []
    i = 0
    while i < len(blob):
        value = 0
        for n in range(9):
            byte = blob[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if byte < 0x80:
                break
        values.append(value)
    return values
