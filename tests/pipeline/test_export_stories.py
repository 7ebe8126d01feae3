"""An export by query holds every member of the stories it finds, not only the one
snapshot search shows for each (a repost folded into its original)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from import_warcs import BASE_TIME, demo_pages, exchange

from kuaizhao.archive import WarcOptions, WarcWriter
from kuaizhao.cli.main import main
from kuaizhao.config import load_settings
from kuaizhao.store import open_store

HOSTS = ("https://www.example.cn/a/1.html", "https://repost.example.com/news/9.html",
         "https://third.example.org/x.html")


def _archive_with_a_story(root: Path) -> tuple[Path, str, set[int]]:
    """Three sites carrying one article: imported, they form one story."""
    _, body = demo_pages()[0]
    with WarcWriter(WarcOptions(directory=root / "in", prefix="reposts", fsync=False)) as w:
        for i, url in enumerate(HOSTS):
            w.write_exchange(exchange(url, body, BASE_TIME + timedelta(hours=i)))
        name = w.current_file
    assert name is not None
    home = root / "home"
    assert main(["--home", str(home), "-q", "import", str(root / "in" / name)]) == 0
    store = open_store(load_settings(home=str(home), environ={}))
    try:
        snaps = [s for url in HOSTS for s in store.snapshots_of_url(url)]
        assert len(snaps) == len(HOSTS)
        assert len({s.story_id for s in snaps}) == 1, "the reposts should form one story"
        query = snaps[0].article.title[:2]
        assert len(store.search(query).hits) == 1  # search folds them into one result
    finally:
        store.close()
    return home, query, {s.id for s in snaps}


def _exported(home: Path, query: str, out: Path, *extra: str) -> set[int]:
    assert main(["--home", str(home), "export", "--format", "jsonl", "--query", query,
                 *extra, str(out)]) == 0
    return {json.loads(line)["snapshot_id"] for line in out.read_text().splitlines()}


def test_export_by_query_holds_every_member_unless_collapsed(tmp_path: Path) -> None:
    home, query, members = _archive_with_a_story(tmp_path)
    assert _exported(home, query, tmp_path / "all.jsonl") == members
    collapsed = _exported(home, query, tmp_path / "one.jsonl", "--collapse-stories")
    assert len(collapsed) == 1
    assert collapsed < members
