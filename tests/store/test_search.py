"""The search backend suite, run on SQLite (FTS5) and PostgreSQL (tsvector).

Every test talks to a `SearchHarness`; the `backend` fixture builds one per entry of
BACKENDS, so both engines pass the same tests. A difference is a bug in an engine."""

from __future__ import annotations

import json
import math
import random
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuaizhao.errors import NotFound, QueryError, StoreError
from kuaizhao.index.query import parse_query
from kuaizhao.index.tokens import index_text
from kuaizhao.store import sqlite_search
from kuaizhao.store.migrations import migrations_for
from kuaizhao.store.postgres import search as pg_search
from kuaizhao.store.postgres.connection import connect, pyformat
from kuaizhao.store.postgres.search import PgSearch
from kuaizhao.store.search_engine import IndexDoc
from kuaizhao.store.sqlite_search import SqliteSearch
from postgres import postgres_schema
from substring_oracle import substring_verdict

T0 = datetime(2024, 2, 7, 13, 2, tzinfo=UTC)
SEED = (
    Path(__file__).parents[2] / "src/kuaizhao/demo/pages/seed/000_75f45cc625d77c14.txt"
).read_text("utf-8")


@dataclass
class SearchHarness:
    """A search backend plus the minimum of rows it reads (sources, captures, snapshots)."""

    conn: Any
    search: Any
    insert: Callable[..., int]
    update: Callable[[str, tuple[Any, ...]], None]
    module: Any  # the engine's module, whose limits a test may lower
    _stories: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        title: str,
        text: str,
        *,
        url: str | None = None,
        source: str = "人民资讯",
        category: str | None = "国内",
        published: datetime | None = T0,
        captured: datetime | None = None,
        story: str | None = None,
        keywords: tuple[str, ...] = (),
        index: bool = True,
    ) -> int:
        sid = self.insert(
            title,
            text,
            url,
            source,
            category,
            published,
            captured or (published or T0) + timedelta(hours=2),
            story,
            keywords,
            self._stories,
        )
        if index:
            self.search.index(IndexDoc(sid, title, text, keywords))
        return sid

    def find(self, q: str, **kw: Any) -> list[int]:
        return [h.snapshot_id for h in self.search.search(parse_query(q), **kw).hits]


# Runs one `?`-style INSERT and returns the new row's id.
Insert = Callable[[str, tuple[Any, ...]], int]


def _inserter(run: Insert) -> Callable[..., int]:
    """The harness's row writer, the same SQL on both backends."""
    counter = iter(range(1, 1_000_000))

    def insert(
        title: str,
        text: str,
        url: str | None,
        source: str,
        category: str | None,
        published: datetime | None,
        captured: datetime,
        story: str | None,
        keywords: tuple[str, ...],
        stories: dict[str, int],
    ) -> int:
        n = next(counter)
        run("INSERT INTO sources (name, config_json, updated_at) VALUES (?, '{}', '')"
            " ON CONFLICT (name) DO NOTHING", (source,))
        source_id = run("SELECT id FROM sources WHERE name = ?", (source,))
        cap = run(
            "INSERT INTO captures (url, source_id, captured_at, status, warc_file, warc_offset,"
            " warc_length, record_id, payload_digest) VALUES (?, ?, ?, 200, 'a.warc.gz', ?, 1,"
            " ?, ?)",
            (
                url or f"https://news.example.cn/{n}.html",
                source_id,
                captured.isoformat(),
                n,
                f"urn:{n}",
                f"sha1:{n}",
            ),
        )
        story_id = None
        if story is not None:
            if story not in stories:
                stories[story] = run("INSERT INTO stories (created_at) VALUES ('')", ())
            story_id = stories[story]
        return run(
            "INSERT INTO snapshots (capture_id, url, source_id, captured_at, published_at,"
            " title, category, text, article_json, payload_digest, story_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cap,
                url or f"https://news.example.cn/{n}.html",
                source_id,
                captured.isoformat(),
                published.isoformat() if published else None,
                title,
                category,
                text,
                json.dumps({"keywords": list(keywords)}),
                f"sha1:{n}",
                story_id,
            ),
        )

    return insert


def _sqlite_harness(tmp_path: Path) -> Iterator[SearchHarness]:
    conn = sqlite3.connect(tmp_path / "search.sqlite3")
    conn.execute("PRAGMA synchronous=OFF")  # a test database need not survive power loss
    for migration in migrations_for("sqlite"):  # 0002 is search's; later ones add columns it reads
        conn.executescript(migration.sql)

    def run(sql: str, args: tuple[Any, ...]) -> int:
        cur = conn.execute(sql, args)
        return int(cur.fetchone()[0]) if sql.startswith("SELECT") else int(cur.lastrowid or 0)

    def update(sql: str, args: tuple[Any, ...]) -> None:
        conn.execute(sql, args)

    yield SearchHarness(conn, SqliteSearch(conn), _inserter(run), update, sqlite_search)
    conn.close()


def _postgres_harness(tmp_path: Path) -> Iterator[SearchHarness]:
    with postgres_schema() as url:
        conn = connect(url)
        for migration in migrations_for("postgresql"):
            conn.execute(migration.sql.encode())

        def run(sql: str, args: tuple[Any, ...]) -> int:
            if sql.startswith("INSERT") and "ON CONFLICT" not in sql:
                sql += " RETURNING id"
            cur = conn.execute(pyformat(sql), args)
            return int(cur.fetchone()[0]) if cur.description else 0

        def update(sql: str, args: tuple[Any, ...]) -> None:
            conn.execute(pyformat(sql), args)

        try:
            yield SearchHarness(conn, PgSearch(conn), _inserter(run), update, pg_search)
        finally:
            conn.close()


BACKENDS: dict[str, Callable[[Path], Iterator[SearchHarness]]] = {
    "sqlite": _sqlite_harness,
    "postgresql": _postgres_harness,
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchHarness]:
    yield from BACKENDS[request.param](tmp_path)


# ------------------------------------------------------------------ finding


def test_chinese_words_of_every_length_are_found(backend: SearchHarness) -> None:
    a = backend.add("无锡:放大“三个效应” 打造产业科技创新高地", SEED)
    b = backend.add("门牌日照常", "门牌日照常新，安装简单。")
    for word, want in [
        ("锡", {a}),
        ("无锡", {a}),
        ("新质生产力", {a}),
        ("日照", {b}),
        ("简单", {b}),
        ("照常", {b}),
        ("科技创新", {a}),
        ("不存在的词", set()),
    ]:
        assert set(backend.find(word)) == want, word


def test_recall_on_random_substrings(backend: SearchHarness) -> None:
    paragraphs = [p for p in SEED.split("\n") if len(p) > 20]
    ids = {backend.add(f"第{i}段", p): p for i, p in enumerate(paragraphs)}
    runs = [m.group() for p in paragraphs for m in re.finditer(r"[\u4e00-\u9fff]{2,}", p)]
    rng = random.Random(3)
    for _ in range(150):
        run = rng.choice(runs)
        n = rng.randint(2, min(4, len(run)))
        start = rng.randrange(len(run) - n + 1)
        word = run[start : start + n]
        want = {i for i, p in ids.items() if word in p or word in f"第{list(ids).index(i)}段"}
        got = set(backend.find(word, limit=100))
        assert got == want, word


def test_english_stemming_and_title_weight(backend: SearchHarness) -> None:
    body = backend.add("Markets today", "Traders were running for cover as shares fell.")
    title = backend.add("Running shoes", "A review of shoes.")
    assert backend.find("run") == [title, body]
    assert backend.find("RUNS") == [title, body]


def _bm25(docs: list[tuple[str, str]], doc: int, phrases: dict[str, int]) -> float:
    """FTS5's bm25 (sqlite.org/fts5.html) of `docs[doc]` for phrases held by how many
    docs, from token counts of plain text: title weight 10, body 1."""
    def size(text: str) -> int:
        return len(re.findall(r"[^\W_]+", index_text(text)))

    avgdl = sum(size(t) + size(b) for t, b in docs) / len(docs)
    length = size(docs[doc][0]) + size(docs[doc][1])
    score = 0.0
    for phrase, holding in phrases.items():
        idf = max(math.log((len(docs) - holding + 0.5) / (holding + 0.5)), 0.0) or 1e-6
        title, body = (" " + index_text(t) + " " for t in docs[doc])
        f = 10.0 * title.count(f" {phrase} ") + body.count(f" {phrase} ")
        score += idf * (f * 2.2) / (f + 1.2 * (1 - 0.75 + 0.75 * length / avgdl))
    return score


def test_a_rare_word_outranks_a_common_one_as_bm25_weighs_them(backend: SearchHarness) -> None:
    # 防汛 is in six of seven articles (no weight left), flood in one: bm25's IDF puts
    # the lone flood first although the other article holds 防汛 in its title, four times.
    docs = [("River news", "The flood came early."), ("防汛简报", "防汛 防汛 防汛 防汛 工作")]
    docs += [(f"简报{i}", "今天的防汛工作") for i in range(5)]
    ids = [backend.add(title, body) for title, body in docs]
    page = backend.search.search(parse_query("flood OR 防汛"), limit=10)
    assert [h.snapshot_id for h in page.hits][:2] == ids[:2]
    assert page.hits[0].score == pytest.approx(_bm25(docs, 0, {"flood": 1, "防汛": 6}))
    assert page.hits[1].score == pytest.approx(_bm25(docs, 1, {"flood": 1, "防汛": 6}))
    assert backend.find("flood OR 防汛", sort="newest")[0] == ids[-1]


def test_length_and_field_weights_rank_as_bm25(backend: SearchHarness) -> None:
    docs = [("水位", "长江 水位 上涨，" + "沿岸 " * 30), ("长江", "今日 水位 平稳"),
            ("天气", "长江 长江 水位"), ("别的", "无关 内容 " * 5)]
    ids = [backend.add(title, body) for title, body in docs]
    page = backend.search.search(parse_query("长江 水位"), limit=10)
    want = sorted(range(3), key=lambda i: (-_bm25(docs, i, {"长江": 3, "水位": 3}), i))
    assert [h.snapshot_id for h in page.hits] == [ids[i] for i in want]
    for hit, i in zip(page.hits, want, strict=True):
        assert hit.score == pytest.approx(_bm25(docs, i, {"长江": 3, "水位": 3}))


def test_both_backends_give_the_same_scores_to_the_last_bit(tmp_path: Path) -> None:
    harnesses = [BACKENDS[name](tmp_path) for name in sorted(BACKENDS)]
    backends = [next(h) for h in harnesses]
    rng = random.Random(7)
    words = ["无锡", "科技", "创新", "flood", "发展", "太湖", "running"]
    for i in range(40):
        start = rng.randrange(len(SEED) - 300)
        body = SEED[start : start + rng.randrange(50, 300)] + " " + " ".join(
            rng.choice(words) for _ in range(rng.randrange(5)))
        title = " ".join(rng.choice(words) for _ in range(2))
        keywords = (rng.choice(words),) if i % 3 == 0 else ()
        for b in backends:
            b.add(title, body, keywords=keywords)
    try:
        for q in ("无锡", "科技 OR flood", "创新 发展", '"科技创新"', "run", "科", "无 OR 锡"):
            pages = [[(h.snapshot_id, h.score) for h in b.search.search(
                parse_query(q), limit=50).hits] for b in backends]
            assert pages[0], q
            assert pages[0] == pages[1], q
    finally:
        for h in harnesses:
            h.close()


def test_phrases_or_and_exclusion(backend: SearchHarness) -> None:
    a = backend.add("甲", "华为发布新手机")
    b = backend.add("乙", "小米发布新手机，不是华为")
    c = backend.add("丙", "手机 发布")
    assert set(backend.find('"发布新手机"')) == {a, b}
    assert set(backend.find("华为 OR 小米")) == {a, b}
    assert set(backend.find("发布 -华为")) == {c}
    assert set(backend.find("手机 发布 -小米 -华为")) == {c}


def test_snippets_mark_query_terms_in_original_text(backend: SearchHarness) -> None:
    backend.add("标题", "<b>无锡</b>的科技创新 & 更多。" + SEED)
    hit = backend.search.search(parse_query("科技创新")).hits[0]
    assert "<mark>科技创新</mark>" in hit.snippet
    assert "<b>" not in hit.snippet
    assert " 科 技" not in hit.snippet


@pytest.mark.parametrize(
    "q",
    [
        "NEAR(无锡 科技, 2)",
        "无锡*",
        "title:无锡",
        '"无锡',
        "'; DELETE FROM snapshots; --",
        "😀 无锡",
        "^ * : ( )",
        "AND OR NOT",
        "无" * 499,
    ],
)
def test_hostile_queries_are_harmless(backend: SearchHarness, q: str) -> None:
    backend.add("无锡", SEED)
    backend.search.search(parse_query(q))
    assert backend.find("无锡")


# ------------------------------------------------------------------ ranking and shape


def test_stories_collapse_with_other_urls(backend: SearchHarness) -> None:
    first = backend.add("无锡科技创新", SEED, url="https://a.cn/1", story="s1")
    backend.add("转载：无锡科技创新", SEED, url="https://b.cn/2", story="s1")
    backend.add("又一转载", SEED, url="https://c.cn/3", story="s1")
    alone = backend.add("别的", "无锡的另一件事", url="https://d.cn/4")
    page = backend.search.search(parse_query("无锡"))
    assert page.total == 2
    assert [h.snapshot_id for h in page.hits] == [first, alone]
    assert set(page.hits[0].also_reported_by) == {"https://b.cn/2", "https://c.cn/3"}
    assert page.hits[1].also_reported_by == ()


def test_only_latest_capture_of_a_url_is_searchable(backend: SearchHarness) -> None:
    url = "https://a.cn/changing"
    old = backend.add("旧标题", "无锡 旧版本", url=url, captured=T0)
    new = backend.add("新标题", "无锡 新版本", url=url, captured=T0 + timedelta(hours=5))
    assert backend.find("无锡") == [new]
    assert backend.find("旧版本") == []
    late_old = backend.add("更旧", "无锡 更旧版本", url=url, captured=T0 - timedelta(days=1))
    assert backend.find("无锡") == [new]
    assert late_old != old
    assert backend.find("更旧版本") == []


def test_filters(backend: SearchHarness) -> None:
    a = backend.add("无锡一", "无锡", category="国内", source="新华社", published=T0)
    b = backend.add(
        "无锡二", "无锡", category="国际", source="人民网", published=T0 + timedelta(days=10)
    )
    c = backend.add(
        "无锡三",
        "无锡",
        category="国内",
        source="人民网",
        published=None,
        captured=T0 + timedelta(days=20),
    )
    assert set(backend.find("无锡 category:国内")) == {a, c}
    assert set(backend.find("无锡 source:人民网")) == {b, c}
    assert set(backend.find("无锡 since:2024-02-17")) == {b, c}
    assert set(backend.find("无锡 until:2024-02-17")) == {a, b}
    assert set(backend.find("无锡 since:2024-02-07 until:2024-02-07")) == {a}
    assert backend.find("无锡 source:nobody") == []
    assert set(backend.find("category:国内")) == {a, c}


def test_sort_newest_and_pagination(backend: SearchHarness) -> None:
    ids = [
        backend.add(f"无锡 {i}", "无锡" * (i + 1), published=T0 + timedelta(days=i))
        for i in range(7)
    ]
    newest = backend.find("无锡", sort="newest", limit=100)
    assert newest == ids[::-1]
    pages = []
    page = backend.search.search(parse_query("无锡"), limit=3)
    assert page.total == 7
    while True:
        pages += [h.snapshot_id for h in page.hits]
        if page.next_offset is None:
            break
        page = backend.search.search(parse_query("无锡"), offset=page.next_offset, limit=3)
    assert sorted(pages) == sorted(ids)
    assert len(pages) == 7
    past = backend.search.search(parse_query("无锡"), offset=50, limit=3)
    assert past.hits == ()
    assert past.total == 7


def test_bad_page_arguments(backend: SearchHarness) -> None:
    q = parse_query("无锡")
    with pytest.raises(QueryError, match="sort must be"):
        backend.search.search(q, sort="oldest")
    with pytest.raises(QueryError, match="limit must be"):
        backend.search.search(q, limit=0)
    with pytest.raises(QueryError, match="offset must be"):
        backend.search.search(q, offset=-1)


def test_hit_fields(backend: SearchHarness) -> None:
    sid = backend.add("无锡标题", "正文", url="https://a.cn/x", source="人民资讯", category="国内")
    hit = backend.search.search(parse_query("无锡")).hits[0]
    assert (hit.snapshot_id, hit.url, hit.title, hit.source, hit.category) == (
        sid,
        "https://a.cn/x",
        "无锡标题",
        "人民资讯",
        "国内",
    )
    assert hit.published_at == T0
    assert hit.captured_at == T0 + timedelta(hours=2)
    assert hit.score > 0


def test_listing_newest_first_by_category_and_source(backend: SearchHarness) -> None:
    a = backend.add("一", "正文", category="国内", source="甲", published=T0)
    b = backend.add("二", "正文", category="国际", source="甲", published=T0 + timedelta(days=1))
    c = backend.add("三", "正文", category="国内", source="乙", published=T0 + timedelta(days=2))
    backend.add("四", "正文", category="国内", index=False)
    assert [h.snapshot_id for h in backend.search.listing().hits] == [c, b, a]
    assert [h.snapshot_id for h in backend.search.listing(category="国内").hits] == [c, a]
    page = backend.search.listing(source="甲", limit=1)
    assert [h.snapshot_id for h in page.hits] == [b]
    assert page.total == 2


# ------------------------------------------------------------------ index maintenance


def test_index_many_ends_as_one_call_per_doc(backend: SearchHarness) -> None:
    url = "https://a.cn/batch"
    kept = backend.add("已有", "无锡 已有版本", url=url, captured=T0)
    old = backend.add("旧", "无锡 旧版本", url=url, captured=T0 - timedelta(days=1), index=False)
    new = backend.add("新", "无锡 新版本", url=url, captured=T0 + timedelta(hours=1), index=False)
    taken = backend.add("撤下", "无锡 撤下", index=False)
    backend.update("UPDATE snapshots SET removed = 1 WHERE id = ?", (taken,))
    other = backend.add("别的", "无锡 别处", index=False)
    docs = [IndexDoc(new, "新", "无锡 新版本"), IndexDoc(old, "旧", "无锡 旧版本"),
            IndexDoc(taken, "撤下", "无锡 撤下"), IndexDoc(other, "别的", "无锡 别处"),
            IndexDoc(other, "别的", "无锡 别处", ("江苏",))]
    assert backend.search.index_many(docs) == 2
    assert sorted(backend.find("无锡")) == sorted([new, other])
    assert backend.find("江苏") == [other]  # the last doc given for a snapshot wins
    assert kept not in backend.find("已有版本")
    assert backend.search.index_many([]) == 0
    assert backend.search.index_many(docs[:1]) == 1  # again: replaces itself
    assert sorted(backend.find("无锡")) == sorted([new, other])
    with pytest.raises(StoreError, match="does not exist"):
        backend.search.index_many([IndexDoc(9999, "x", "y")])


def test_index_many_over_several_chunks_matches_one_by_one(backend: SearchHarness) -> None:
    # 1,201 docs: three chunks, so the next one is tokenized while this one is written.
    texts = [(f"第{i}号", f"无锡 太湖 第{i}号 {'科技' if i % 3 else '创新'}") for i in range(1201)]
    ids = [backend.add(title, text, url=f"https://a.cn/{i}", index=False)
           for i, (title, text) in enumerate(texts)]
    docs = [IndexDoc(sid, title, text) for sid, (title, text) in zip(ids, texts, strict=True)]
    assert backend.search.index_many(docs) == 1201
    assert backend.search.search(parse_query("太湖")).total == 1201
    assert sorted(backend.find("第1200号")) == [ids[1200]]
    assert backend.search.search(parse_query("创新"), limit=1).total == 401


def test_postgres_writers_never_wait_for_each_other_on_the_bm25_totals(
        tmp_path: Path) -> None:
    harness = _postgres_harness(tmp_path)
    h = next(harness)
    first = h.add("无锡", "科技创新 太湖", index=False)
    second = h.add("太湖", "科技创新", index=False)
    other = psycopg.connect(h.conn.info.dsn, autocommit=True)
    try:
        other.execute("SET lock_timeout = '2s'")
        with h.conn.transaction():
            PgSearch(h.conn).index(IndexDoc(first, "无锡", "科技创新 太湖"))
            with other.transaction():  # commits while the first one is still open
                PgSearch(other).index(IndexDoc(second, "太湖", "科技创新"))
        totals = "SELECT sum(docs), sum(tokens) FROM search_totals"
        assert h.conn.execute(totals).fetchone() == (2, 2 + 6 + 2 + 4)  # 无锡 锡, 科技 技创 …
        h.search.remove(first)
        assert h.conn.execute(totals).fetchone() == (1, 6)
        h.search.clear()
        assert h.conn.execute(totals).fetchone() == (0, 0)
    finally:
        other.close()
        harness.close()


def test_remove_and_reindex(backend: SearchHarness) -> None:
    sid = backend.add("无锡", "科技创新")
    backend.search.remove(sid)
    backend.search.remove(sid)  # no-op the second time
    assert backend.find("科技创新") == []
    backend.search.index(IndexDoc(sid, "无锡", "科技创新"))
    backend.search.index(IndexDoc(sid, "无锡", "科技创新"))  # idempotent
    assert backend.find("科技创新") == [sid]
    backend.search.clear()
    assert backend.find("科技创新") == []


def test_indexed_rows_are_guarded_and_kept_in_sync(backend: SearchHarness) -> None:
    sid = backend.add("无锡", "科技创新", category="国内")
    with pytest.raises(Exception, match="remove it from search"):
        backend.update("UPDATE snapshots SET text = 'x' WHERE id = ?", (sid,))
    with pytest.raises(Exception, match="remove it from search"):
        backend.update("DELETE FROM snapshots WHERE id = ?", (sid,))
    backend.update("UPDATE snapshots SET category = '国际' WHERE id = ?", (sid,))
    assert backend.find("无锡 category:国际") == [sid]


def test_index_refuses_a_doc_unlike_its_row(backend: SearchHarness) -> None:
    sid = backend.add("无锡", "科技创新", index=False)
    with pytest.raises(StoreError, match="differs from the stored"):
        backend.search.index(IndexDoc(sid, "无锡", "别的正文"))
    with pytest.raises(StoreError, match="does not exist"):
        backend.search.index(IndexDoc(9999, "x", "y"))


# ------------------------------------------------------------------ related


def test_related_excludes_self_and_story_and_ranks_by_shared_terms(
    backend: SearchHarness,
) -> None:
    target = backend.add(
        "无锡打造产业科技创新高地", SEED, story="s1", keywords=("无锡", "科技创新", "新质生产力")
    )
    backend.add("转载 无锡打造产业科技创新高地", SEED, story="s1", url="https://b.cn/r")
    strong = backend.add(
        "新质生产力在锡加速奔涌",
        "无锡以科技创新带动新质生产力。",
        published=T0 + timedelta(days=16),
    )
    weak = backend.add(
        "奏响科创春之声", "全国两会对科技创新的重视。", published=T0 - timedelta(days=300)
    )
    backend.add("无关", "今天天气很好。")
    hits = backend.search.related(target)
    ids = [h.snapshot_id for h in hits]
    assert ids[:2] == [strong, weak]
    assert target not in ids
    assert len(ids) == 2
    assert "<mark>" in hits[0].snippet


def test_related_of_unknown_snapshot(backend: SearchHarness) -> None:
    with pytest.raises(NotFound):
        backend.search.related(424242)


def test_common_words_rank_the_newest_matches_and_estimate_the_total(
    backend: SearchHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backend.module, "RANK_WINDOW", 4)
    monkeypatch.setattr(backend.module, "EXACT_COUNT_LIMIT", 5)
    ids = [backend.add(f"第{i}篇", "无锡" if i % 2 else "苏州") for i in range(20)]
    page = backend.search.search(parse_query("无锡"), limit=10)
    assert page.total_is_estimate
    assert {h.snapshot_id for h in page.hits} == set(ids[1::2][-4:])
    assert 8 <= page.total <= 12
    exact = backend.search.search(parse_query("无锡 苏州"))
    assert not exact.total_is_estimate
    assert exact.total == 0
    listing = backend.search.listing(limit=3)
    assert listing.total_is_estimate
    assert listing.total == 20
    assert [h.snapshot_id for h in listing.hits] == [ids[19], ids[18], ids[17]]
    small = backend.search.listing(category="国内", source="nobody")
    assert not small.total_is_estimate
    assert small.total == 0


# ------------------------------------------------------------------ hostile input and recall


@pytest.mark.parametrize(
    "q",
    ["a\\b", "\\", "'", "''", "a & b | !c", "<-> <2> :* !! &", "科技:*", "'科技' <-> '创新'",
     "x'); DROP TABLE snapshots; --", "1=1 OR 'a'='a'", "%s %(x)s ?", "😀😀 🇨🇳", "\ud800x",
     "x\x00y", "(((((无锡", "无锡)))))", "-", "--", "OR 无锡 OR", "ts_rank(x)"],
)
def test_tsquery_and_sql_syntax_is_only_text(backend: SearchHarness, q: str) -> None:
    sid = backend.add("无锡", SEED + " a b c drop table snapshots")
    try:
        query = parse_query(q)
    except QueryError:
        return
    backend.search.search(query)
    assert backend.find("无锡") == [sid]


def test_a_query_of_ten_thousand_characters_is_a_query_error(backend: SearchHarness) -> None:
    backend.add("无锡", SEED)
    with pytest.raises(QueryError, match="characters long"):
        backend.search.search(parse_query("无锡" * 5_000))


_SYNTAXY = st.text(alphabet=st.sampled_from(list("\"()*^:-+{}NEARORANDNOT ,科技a1😀\\'&|!<>%?")),
                   max_size=80)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=600), _SYNTAXY))
def test_any_text_gives_hits_or_a_query_error(backend: SearchHarness, text: str) -> None:
    title, body = "无锡", "科技创新 running NEAR AND OR NOT * ^ : ( ) \" ' \\ & | ! <->"
    found = backend.find("锡")
    sid = found[0] if found else backend.add(title, body)
    try:
        query = parse_query(text)
    except QueryError:
        return
    page = backend.search.search(query)
    ids = [h.snapshot_id for h in page.hits]
    assert set(ids) <= {sid}
    assert page.total == len(ids)
    verdict = substring_verdict(query, title, body)  # for a query of Chinese terms
    if verdict is not None:
        assert ids == ([sid] if verdict else []), query


def test_recall_of_mixed_script_substrings(backend: SearchHarness) -> None:
    """Phrases crossing punctuation, digits and latin words find their paragraph."""
    rows = [p for p in SEED.split("\n") if p.strip()]
    rows += ["Running runners ran; the runner runs.", 'NEAR AND OR NOT * ^ : ( ) "',
             "华为Mate60发布会 COVID-19 e-mail café 5G手机 第3季度"]
    ids = [backend.add(f"第{i}段", p) for i, p in enumerate(rows)]
    rng = random.Random(11)
    checked = 0
    while checked < 120:
        i = rng.randrange(len(rows))
        p = rows[i]
        n = rng.randint(2, 10)
        if len(p) <= n:
            continue
        start = rng.randrange(len(p) - n)
        end = start + n
        cuts_word = any(0 < k < len(p) and p[k - 1].isascii() and p[k - 1].isalnum()
                        and p[k].isascii() and p[k].isalnum() for k in (start, end))
        word = p[start:end]
        if cuts_word or '"' in word or not any(ch.isalnum() for ch in word):
            continue
        assert ids[i] in backend.find(f'"{word}"', limit=100), word
        checked += 1


def test_words_deep_inside_a_very_long_article_are_found(backend: SearchHarness) -> None:
    """Past PostgreSQL's 16,383 positions and 256 positions per lexeme."""
    filler = "中国经济发展。" * 3_000  # 21,000 characters, 中国 3,000 times
    sid = backend.add("长文", filler + "无锡市科技创新高地，中国人民。")
    for word in ("无锡市科", "科技创新", "中国人民", "创新高地", "中国经济"):
        assert backend.find(word) == [sid], word
