"""A real archive for the web tests: WARC files written by kuaizhao's writer and a
store (SQLite or PostgreSQL) filled through the Store write methods, as the pipeline would."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from kuaizhao.archive import RevisitOf, WarcOptions, WarcWriter
from kuaizhao.config import Settings, load_settings
from kuaizhao.models import Article, HttpExchange, Image
from kuaizhao.store import Store, open_store
from kuaizhao.store.base import NewCapture

CST = timezone(timedelta(hours=8))
SEED_URL = "https://rmzx.example.cn/2024/02/07/wuxi.html"
ORIGINAL_URL = "http://js.people.example.cn/n2/2024/0207/c360301-1.html"
HOSTILE_URL = "https://evil.example.com/news/1.html"
SEED_TITLE = "无锡:放大“三个效应” 打造产业科技创新高地"
SEED_CAPTION = "座谈会现场。无锡日报供图"
SEED_PARAGRAPHS = (
    "2月5日,无锡市在中航工业雷华电子技术研究所召开在锡大院大所科技创新工作座谈会,听取意见建议,"
    "会商研究进一步深化合作的思路举措。会上市长赵建军强调,要不断放大“三个效应”,"
    "打造具有全球影响力的产业科技创新高地。",
    "为新质生产力积蓄新动能",
    "“当前无锡推进科技创新要坚持聚焦聚力、群策群力,走深走实、走在前列。”赵建军指出,"
    "打造具有全球影响力的产业科技创新高地关键在于不断放大“三个效应”。",
)
HOSTILE_TITLE = '<script>window.PWNED=1</script>坏标题 "onmouseover=alert(1)'
HOSTILE_RAW = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>evil</title>"
    b"<script>console.log('PWNED-script'); document.title='PWNED';"
    b"try { parent.document.body.setAttribute('data-pwned', '1'); } catch (e) {"
    b" console.log('PWNED-parent-blocked'); }</script>"
    b"<link rel='stylesheet' href='https://evil.example.com/x.css'>"
    b"</head><body><h1 id='h'>hostile page</h1>"
    b"<img src='x' onerror=\"console.log('PWNED-onerror')\">"
    b"<a id='js' href=\"javascript:console.log('PWNED-link')\">click</a>"
    b"<img src='https://evil.example.com/track.gif' alt='tracker'>"
    b"</body></html>"
)


def _page(title: str, paragraphs: tuple[str, ...]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>{title}"
            f"</title></head><body><h1>{title}</h1>{body}</body></html>")
    return html.encode("utf-8")


@dataclass
class Archive:
    settings: Settings
    store: Store
    ids: dict[str, int] = field(default_factory=dict)


class _Builder:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.store = store
        self.writer = WarcWriter(WarcOptions(directory=settings.warc_path, fsync=False))
        self.sources: dict[str, int] = {}

    def source(self, name: str, homepage: str) -> int:
        if name not in self.sources:
            with self.store.transaction():
                self.sources[name] = self.store.upsert_source(
                    name, homepage, json.dumps({"name": name}))
        return self.sources[name]

    def capture(self, url: str, source: str, when: datetime, body: bytes,
                article: Article | None, revisit_of: RevisitOf | None = None,
                content_type: str = "text/html; charset=utf-8") -> tuple[int, int | None, str]:
        source_id = self.sources[source]
        exchange = HttpExchange(
            method="GET", url=url, request_headers=(("User-Agent", "kuaizhao-test"),),
            status=200, reason="OK", http_version="1.1",
            response_headers=(("Content-Type", content_type),
                              ("Content-Length", str(len(body)))),
            raw_body=body, body=body, fetched_at=when)
        archived = self.writer.write_exchange(exchange, revisit_of)
        new = NewCapture(
            url=url, source_id=source_id, captured_at=when, status=200,
            content_type=content_type, response=archived.response, request=archived.request,
            record_id=archived.record_id, payload_digest=archived.payload_digest,
            is_revisit=archived.is_revisit, etag=None, last_modified=None)
        with self.store.transaction():
            capture_id = self.store.add_capture(new)
            snapshot_id = None
            if article is not None:
                snapshot_id = self.store.add_snapshot(capture_id, new, article, None, None)
        return capture_id, snapshot_id, archived.record_id


def build_archive(home: Path, database_url: str = "") -> Archive:
    settings = load_settings(home=str(home), environ={},
                             overrides={"database_url": database_url})
    store = open_store(settings)
    archive = Archive(settings=settings, store=store)
    b = _Builder(settings, store)
    b.source("人民资讯", "https://rmzx.example.cn/")
    b.source("人民网-江苏频道", "http://js.people.example.cn/")
    b.source("恶意来源", "javascript:alert(1)")
    b.source("Example Times", "https://times.example.com/")
    b.source("科技日报", "https://kjrb.example.cn/")

    original = Article(
        title=SEED_TITLE, published_at=datetime(2024, 2, 7, 20, 30, tzinfo=CST),
        source="人民网-江苏频道", category="国内", language="zh", text="\n\n".join(SEED_PARAGRAPHS),
        captions=(SEED_CAPTION,), keywords=("科技创新", "无锡"))
    _, archive.ids["original"], _ = b.capture(
        ORIGINAL_URL, "人民网-江苏频道", datetime(2024, 2, 7, 21, 10, tzinfo=CST),
        _page(SEED_TITLE, SEED_PARAGRAPHS), original)

    seed = Article(
        title=SEED_TITLE, published_at=datetime(2024, 2, 7, 21, 2, tzinfo=CST),
        author=("朱冬娅",), editor="王晓", source="人民资讯", reposted_from="人民网-江苏频道",
        category="国内", language="zh", text="\n\n".join(SEED_PARAGRAPHS),
        captions=(SEED_CAPTION, "无锡市区风光。资料图"),
        images=(Image(src="https://rmzx.example.cn/img/1.jpg", caption=SEED_CAPTION,
                      alt="座谈会现场"),),
        keywords=("科技创新", "无锡", "新质生产力"))
    first_body = _page(SEED_TITLE, SEED_PARAGRAPHS)
    _, archive.ids["seed"], record_id = b.capture(
        SEED_URL, "人民资讯", datetime(2024, 2, 7, 23, 45, 8, tzinfo=CST), first_body, seed)
    # The same URL later: unchanged (a revisit), then edited (a new version).
    first_digest = store.last_capture(SEED_URL)
    assert first_digest is not None
    b.capture(SEED_URL, "人民资讯", datetime(2024, 2, 8, 9, 0, tzinfo=CST), first_body, None,
              revisit_of=RevisitOf(record_id=record_id, url=SEED_URL,
                                   date=datetime(2024, 2, 7, 15, 45, 8, tzinfo=UTC),
                                   payload_digest=first_digest.payload_digest))
    edited = (*SEED_PARAGRAPHS, "（本文已更新）")
    _, archive.ids["seed_v2"], _ = b.capture(
        SEED_URL, "人民资讯", datetime(2024, 2, 9, 10, 0, tzinfo=CST),
        _page(SEED_TITLE, edited),
        Article(title=SEED_TITLE, published_at=seed.published_at, source="人民资讯",
                reposted_from="人民网-江苏频道", category="国内", language="zh",
                text="\n\n".join(edited), captions=(SEED_CAPTION,)))

    hostile = Article(
        title=HOSTILE_TITLE, published_at=datetime(2024, 2, 6, 8, 0, tzinfo=CST),
        author=("<img src=x onerror=alert(1)>",), source='"><script>alert(1)</script>',
        reposted_from="<b>evil</b>", reposted_from_url="javascript:alert(1)", category="国内",
        language="zh",
        text="正文<script>window.PWNED=2</script>科技创新\n\n"
             "<a href=\"javascript:alert(3)\">点我</a>\n\n<style>body{display:none}</style>",
        captions=("<svg onload=alert(4)>",),
        images=(Image(src="javascript:alert(5)", caption="<i>cap</i>", alt="\" onerror=\"x"),))
    _, archive.ids["hostile"], _ = b.capture(
        HOSTILE_URL, "恶意来源", datetime(2024, 2, 6, 9, 0, tzinfo=CST), HOSTILE_RAW, hostile)

    english = Article(
        title="Wuxi bets on science parks", published_at=datetime(2024, 2, 8, 12, 0, tzinfo=UTC),
        author=("Jane Roe",), source="Example Times", category="World", language="en",
        text="Wuxi wants research institutes closer to industry.\n\nThe city held a forum.")
    _, archive.ids["english"], _ = b.capture(
        "https://times.example.com/world/wuxi", "Example Times",
        datetime(2024, 2, 8, 13, 0, tzinfo=UTC),
        b"<html><body><p>Wuxi wants research institutes closer to industry.</p></body></html>",
        english)

    # Enough articles in one category for two pages of listings and results.
    for i in range(25):
        text = f"第{i}篇关于科技创新的报道，讲述实验室里的新进展。\n\n编号{i:03d}。"
        art = Article(title=f"科技创新报道第{i}篇", category="科技", source="科技日报",
                      published_at=datetime(2024, 1, 1, 8, 0, tzinfo=CST) + timedelta(days=i),
                      language="zh", text=text)
        _, sid, _ = b.capture(f"https://kjrb.example.cn/a/{i}.html", "科技日报",
                              datetime(2024, 1, 1, 9, 0, tzinfo=CST) + timedelta(days=i),
                              _page(art.title, tuple(text.split("\n\n"))), art)
        archive.ids[f"kj{i}"] = sid or 0
    b.writer.close()
    return archive
