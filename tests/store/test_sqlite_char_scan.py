"""A lone common character on SQLite: found by reading the newest articles, ranked
exactly as FTS5's prefix query ranks it, and only when that is the faster way."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from test_search import SEED, SearchHarness, _sqlite_harness

from kuaizhao.index.query import parse_query
from kuaizhao.store import sqlite_char_scan, sqlite_search
from kuaizhao.store.sqlite_char_scan import _varints, lone_character


def test_only_a_query_of_one_cjk_character_qualifies() -> None:
    assert lone_character(parse_query("的")) == "的"
    assert lone_character(parse_query('"的"')) == "的"
    assert lone_character(parse_query("的 category:国内")) == "的"
    for other in ("的 地", "发展", "a", "的 OR 地", "的 -地", "7"):
        assert lone_character(parse_query(other)) is None, other


def test_sqlite_varints() -> None:
    assert _varints(b"\x17\x83\x1c\x00") == [23, 412, 0]
    assert _varints(b"\x81\xea\x30") == [30000]
    assert _varints(b"\xff" * 8 + b"\x01") == [(2**56 - 1) << 8 | 1]


@pytest.fixture
def archive(tmp_path: Path) -> Any:
    """300 articles; 的 in nine of ten, 锡 in one of fifty; a quarter 国际, the rest
    国内; some stories of two."""
    rng = random.Random(3)
    harness = _sqlite_harness(tmp_path)
    h: SearchHarness = next(harness)
    for i in range(300):
        start = rng.randrange(len(SEED) - 200)
        body = SEED[start : start + rng.randrange(20, 200)].replace("的", "").replace("锡", "")
        body += "的" * rng.randrange(1, 4) if i % 10 else ""
        title = ("无锡" if i % 50 == 0 else "太湖") + ("的" if i % 7 == 0 else "")
        h.add(title, body, story=f"s{i // 2}" if i % 9 == 0 else None,
              category="国际" if i % 4 == 0 else "国内",
              keywords=("发展的",) if i % 11 == 0 else ())
    h.conn.commit()  # FTS5 writes N and avgdl at commit
    yield h
    harness.close()


def _page(h: SearchHarness, q: str, **kw: Any) -> tuple[list[tuple[int, float]], int, bool]:
    page = h.search.search(parse_query(q), limit=50, **kw)
    return [(x.snapshot_id, x.score) for x in page.hits], page.total, page.total_is_estimate


@pytest.mark.parametrize("q", ["的", "的 category:国内"])
@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_scan_ranks_the_window_as_fts5_does(archive: SearchHarness, monkeypatch: Any,
                                            q: str, sort: str) -> None:
    monkeypatch.setattr(sqlite_search, "RANK_WINDOW", 5)
    calls: list[object] = []
    real_scan = sqlite_char_scan.scan_window

    def spy(*args: Any) -> Any:
        calls.append(result := real_scan(*args))
        return result

    monkeypatch.setattr(sqlite_search, "scan_window", spy)
    scanned = _page(archive, q, sort=sort)
    assert calls
    assert calls[0] is not None  # 的 is common enough here
    monkeypatch.setattr(sqlite_search, "scan_window", lambda *args: None)
    fts = _page(archive, q, sort=sort)
    assert [i for i, _ in scanned[0]] == [i for i, _ in fts[0]]
    assert scanned[1:] == fts[1:]
    assert scanned[2] is True  # ~270 matches, 5 ranked: the total is an estimate
    # Only n(i) is estimated, and it scales every score alike.
    ratios = {round(a / b, 9) for (_, a), (_, b) in zip(scanned[0], fts[0], strict=True)}
    assert len(ratios) == 1


def test_pages_past_the_window_and_past_the_end(archive: SearchHarness,
                                                monkeypatch: Any) -> None:
    monkeypatch.setattr(sqlite_search, "RANK_WINDOW", 5)
    first = archive.search.search(parse_query("的"), limit=20)
    second = archive.search.search(parse_query("的"), limit=20, offset=20)
    beyond = archive.search.search(parse_query("的"), limit=20, offset=100)
    assert not {h.snapshot_id for h in first.hits} & {h.snapshot_id for h in second.hits}
    assert beyond.hits == ()
    assert beyond.total == first.total


def test_a_rare_character_and_a_small_archive_stay_with_fts5(archive: SearchHarness,
                                                             monkeypatch: Any) -> None:
    calls: list[object] = []
    real_scan = sqlite_char_scan.scan_window
    monkeypatch.setattr(sqlite_search, "scan_window",
                        lambda *a: calls.append(r := real_scan(*a)) or r)
    monkeypatch.setattr(sqlite_search, "RANK_WINDOW", 40)
    assert len(archive.find("锡")) == 6
    monkeypatch.setattr(sqlite_search, "RANK_WINDOW", 2_000)  # N < 2 · window: never
    assert archive.search.search(parse_query("的")).total > 250
    assert calls == [None, None]


@pytest.mark.parametrize("q", ["太湖 的", "的 无锡", "无锡 的 category:国内", "的 发展 OR 太湖"])
def test_a_common_character_beside_other_words_is_a_filter_with_the_same_ranking(
        archive: SearchHarness, monkeypatch: Any, q: str) -> None:
    split = sqlite_char_scan.common_characters(archive.conn, parse_query(q))
    assert split[1] == ["的"]  # in nine of ten articles
    with_filter = _page(archive, q)
    monkeypatch.setattr(sqlite_search, "common_characters", lambda conn, query: (query, []))
    fts = _page(archive, q)
    assert [i for i, _ in with_filter[0]] == [i for i, _ in fts[0]]
    assert with_filter[1:] == fts[1:]
    assert [s for _, s in with_filter[0]] == pytest.approx([s for _, s in fts[0]], rel=1e-9)


def test_only_common_characters_stay_phrases_when_rare_or_alone(archive: SearchHarness) -> None:
    common = sqlite_char_scan.common_characters
    assert common(archive.conn, parse_query("太湖 锡"))[1] == []  # 锡: one in fifty
    assert common(archive.conn, parse_query("的"))[1] == []  # alone: the scan's case
    ranked, required = common(archive.conn, parse_query("的 的"))
    assert (ranked.groups, required) == ((("的",),), ["的"])  # one group always stays
