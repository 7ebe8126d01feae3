"""Issue 18 item 1: a news site that sends the crawler to private addresses, in a
network namespace where those addresses really answer. The crawl must not reach them
(their servers record zero requests), store or publish nothing of theirs, and go on
with the site's real articles."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from hostile_web import NetNamespace, Reply, Site

NEWS = Site("127.0.0.1", 8080)  # the source: its own address is what the operator named
MARKER = "IAM-ROLE-7f3a"  # what the internal pages hold; must appear nowhere
TRAPS = (Site("169.254.169.254", 80), Site("10.0.0.1", 80),
         Site("127.0.0.1", 8081))  # another port of the source's own machine

# Feed items and redirects into private space, spelled every way a resolver accepts.
HOSTILE_LINKS = (
    f"{NEWS.base}/news/moved.html",  # 302 to the metadata service
    f"{NEWS.base}/news/hop.html",  # 301 to 127.1:8081
    "http://10.0.0.1/",
    "http://2852039166/latest/meta-data/iam.html",
    "http://0xA9FEA9FE/latest/meta-data/iam.html",
    "http://[::ffff:a9fe:a9fe]/latest/meta-data/iam.html",
    "http://127.0.0.1:8081/admin",
    "http://10.0.0.1.nip.io/",
    "http://metadata.internal/latest/meta-data/iam.html",  # only DNS tells: the resolver
    f"{NEWS.base}/news/intranet.html",  # 302 to a name that resolves to 10.0.0.1
)
GOOD = ("/news/1.html", "/news/2.html", "/news/3.html")


def _article(n: int) -> Reply:
    paragraphs = "".join(
        f"<p>第{n}篇报道第{i}段：市政府今天召开新闻发布会，介绍城市更新、交通建设和"
        f"公共服务的最新进展，多位负责人回答了记者提问，并公布了下一阶段的工作安排。</p>"
        for i in range(1, 7))
    return Reply.html(
        f"<html><head><meta charset=utf-8><title>城市新闻{n}号</title>"
        f'<meta property="og:title" content="城市新闻{n}号">'
        f'<meta property="article:published_time" content="2026-12-0{n}T08:00:00+08:00">'
        f"</head><body><article><h1>城市新闻{n}号</h1>"
        f'<time datetime="2026-12-0{n}T08:00:00+08:00">2026-12-0{n}</time>'
        f"{paragraphs}</article></body></html>")


def _feed(links: list[str]) -> Reply:
    items = "".join(f"<item><title>条目{i}</title><link>{link}</link>"
                    f"<pubDate>Mon, 07 Dec 2026 0{i % 10}:00:00 +0800</pubDate></item>"
                    for i, link in enumerate(links))
    return Reply(200, f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                      f"<title>城市新闻</title><link>{NEWS.base}/</link>{items}"
                      f"</channel></rss>", {"Content-Type": "application/rss+xml"})


def _sites() -> list[Site]:
    internal = Reply.html(f"<html><head><title>{MARKER}</title></head><body><article>"
                          f"<h1>{MARKER}</h1><p>{MARKER} AccessKeyId ASIA…</p></article>"
                          "</body></html>")
    routes = {path: _article(n) for n, path in enumerate(GOOD, 1)}
    routes["/news/3.html"] = Reply.redirect(f"{NEWS.base}/news/3-final.html")  # public hop
    routes["/news/3-final.html"] = _article(3)
    routes["/news/moved.html"] = Reply.redirect(
        "http://169.254.169.254/latest/meta-data/iam.html")
    routes["/news/hop.html"] = Reply.redirect("http://127.1:8081/", 301)
    routes["/news/intranet.html"] = Reply.redirect("http://intranet.example/wiki", 307)
    routes["/feed.xml"] = _feed([NEWS.base + p for p in GOOD] + list(HOSTILE_LINKS))
    news = Site(NEWS.host, NEWS.port, routes)
    return [news, *(Site(t.host, t.port, fallback=internal) for t in TRAPS)]


def _crawl(netns: NetNamespace, home: Path, **env: str) -> str:
    home.mkdir()
    (home / "sources.toml").write_text(
        f'[[source]]\nname = "城市新闻"\nhomepage = "{NEWS.base}/"\n'
        f'feeds = ["{NEWS.base}/feed.xml"]\n', encoding="utf-8")
    done = netns.run(
        [sys.executable, "-m", "kuaizhao", "--home", str(home), "crawl", "--once"],
        env={**os.environ, "KUAIZHAO_MIN_HOST_INTERVAL": "0", "KUAIZHAO_RETRIES": "0",
             "KUAIZHAO_WARC_FSYNC": "false", "KUAIZHAO_FETCH_TIMEOUT": "5", **env},
        timeout=180)
    assert done.returncode == 0, done.stderr
    return done.stderr


def _rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(home / "kuaizhao.sqlite3") as db:
        return db.execute(sql).fetchall()


def _archived_bytes(home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (home / "warc").rglob("*") if p.is_file())


def test_crawl_never_reaches_private_addresses(netns: NetNamespace, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with netns.serving(_sites()) as hits:
        _crawl(netns, home)
        trapped = [h for t in TRAPS for h in hits.to(t.host, t.port)]
        news_paths = {h.path for h in hits.to(NEWS.host, NEWS.port)}
    assert trapped == []
    assert {"/feed.xml", *GOOD, "/news/3-final.html", "/news/moved.html"} <= news_paths
    # the real articles are archived and published; nothing of the internal pages is
    snapshots = _rows(home, "SELECT url, title, text FROM snapshots")
    assert sorted(str(u) for u, _, _ in snapshots) == sorted(
        f"{NEWS.base}{p}" for p in ("/news/1.html", "/news/2.html", "/news/3-final.html"))
    assert not any(MARKER in f"{t}{x}" for _, t, x in snapshots)
    assert MARKER.encode() not in _archived_bytes(home)
    assert _rows(home, "SELECT count(*) FROM captures WHERE url NOT LIKE "
                       f"'{NEWS.base}/%'") == [(0,)]
    # each refusal is a recorded failure of that URL, with its reason
    blocked = dict(_rows(home, "SELECT url, error FROM fetches "
                               "WHERE outcome = 'blocked_address'"))
    assert len(blocked) == len(HOSTILE_LINKS), blocked
    assert all("private" in str(error) for error in blocked.values())


def test_the_traps_do_catch_a_crawl_allowed_private_addresses(
        netns: NetNamespace, tmp_path: Path) -> None:
    """The control: with crawl_allow_private on, the same crawl reaches the internal
    servers and archives their page, so the test above can fail."""
    home = tmp_path / "open"
    with netns.serving(_sites()) as hits:
        _crawl(netns, home, KUAIZHAO_CRAWL_ALLOW_PRIVATE="true")
        reached = {(h.host, h.port) for t in TRAPS for h in hits.to(t.host, t.port)}
    assert reached == {(t.host, t.port) for t in TRAPS}
    assert any(MARKER in str(t) for (t,) in _rows(home, "SELECT title FROM snapshots"))
