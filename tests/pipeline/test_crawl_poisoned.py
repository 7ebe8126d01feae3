"""A poisoned discovery document ends its own poll, not the crawl: `crawl --once` on a
loopback site with a good feed, a feed whose `&#xFFFFFFFF;` crashed feedparser (and
with it the crawl) and a feed URL answering garbage archives both feeds' articles,
exits 0, and `sources stats` shows the garbage feed's failure."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

# feedparser's fallback parser raised OverflowError on this character reference.
POISON = "&#xFFFFFFFF;"
GARBAGE = (Path(__file__).parent.parent / "data" / "discover" / "broken" /
           "binary_random.bin").read_bytes()


def _article(n: int) -> bytes:
    paragraphs = "".join(f"<p>第{n}篇新闻的第{i}段。这里有足够长的正文，让抽取器认出它是一篇文章，"
                         f"而不是导航或者页脚。记者报道了当地的新情况。</p>" for i in range(8))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>新闻 {n}</title></head>"
            f"<body><article><h1>新闻 {n}</h1>{paragraphs}</article></body></html>").encode()


def _feed(base: str, items: range, title_extra: str = "") -> bytes:
    entries = "".join(f"<item><title>新闻 {n}{title_extra}</title><link>{base}/a/{n}.html</link>"
                      "</item>" for n in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>t</title><link>{base}/</link>{entries}</channel></rss>").encode()


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        base = f"http://{self.headers['Host']}"
        pages = {"/robots.txt": (b"User-agent: *\nAllow: /\n", "text/plain"),
                 "/good.xml": (_feed(base, range(1, 4)), "application/rss+xml"),
                 "/poisoned.xml": (_feed(base, range(10, 12), POISON), "application/rss+xml"),
                 "/garbage.xml": (GARBAGE, "application/rss+xml")}
        pages.update({f"/a/{n}.html": (_article(n), "text/html; charset=utf-8")
                      for n in (1, 2, 3, 10, 11)})
        body, kind = pages.get(self.path, (b"not here", "text/plain"))
        self.send_response(200 if self.path in pages else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _kuaizhao(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kuaizhao", "--home", str(home), "-q", *args],
        capture_output=True, text=True, timeout=120,
        env={"KUAIZHAO_MIN_HOST_INTERVAL": "0", "KUAIZHAO_RETRIES": "0",
             "KUAIZHAO_WARC_FSYNC": "false", "PATH": "/usr/bin:/bin",
             "PYTHONPATH": ":".join(sys.path)})


def test_a_poisoned_feed_is_a_recorded_failure_and_the_good_feed_is_archived(
        tmp_path: Path, site: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "sources.toml").write_text(
        f'[[source]]\nname = "good"\nhomepage = "{site}/"\nfeeds = ["{site}/good.xml"]\n\n'
        f'[[source]]\nname = "poisoned"\nhomepage = "{site}/"\nfeeds = ["{site}/poisoned.xml"]\n\n'
        f'[[source]]\nname = "garbage"\nhomepage = "{site}/"\nfeeds = ["{site}/garbage.xml"]\n',
        encoding="utf-8")
    crawl = _kuaizhao(home, "crawl", "--once")
    assert crawl.returncode == 0, crawl.stderr
    assert "Traceback" not in crawl.stderr

    with sqlite3.connect(home / "kuaizhao.sqlite3") as db:
        archived = {url for (url,) in db.execute("SELECT url FROM snapshots")}
    assert archived == {f"{site}/a/{n}.html" for n in (1, 2, 3, 10, 11)}

    stats = _kuaizhao(home, "sources", "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    rows = {row["source"]: row for row in map(json.loads, stats.stdout.splitlines())}
    for name in ("good", "poisoned"):
        assert rows[name]["failures"] == 0, rows[name]
        assert rows[name]["last_error"] is None
    garbage = rows["garbage"]
    assert garbage["failures"] == 1
    assert garbage["errors_in_a_row"] == 1
    assert "garbage.xml lists nothing readable" in garbage["last_error"]
    assert "no RSS or Atom feed" in garbage["last_error"]
    # backed off: polled again later than a healthy feed is
    assert garbage["next_poll_at"] is not None
    assert garbage["interval_reason"] != rows["good"]["interval_reason"]
