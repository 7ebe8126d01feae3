"""An embedded archive with a row in every table, for the migration tests: the web
tests' archive (real WARC records, revisits, versions) plus articles saved the way the
crawl saves them (stories, near-duplicates, subscription matches, webhook outbox),
accounts, freshness state, an imported file and takedowns."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
sys.path.insert(0, str(Path(__file__).parents[1] / "subscribe"))

from subscribe_archive import add_article
from web_archive import Archive, build_archive

from kuaizhao.models import LinkKind
from kuaizhao.store import SqliteStore
from kuaizhao.store.account_rows import Role, SubscriptionKind
from kuaizhao.store.base import FrontierEntry
from kuaizhao.store.polling import PollRecord
from kuaizhao.store.takedown_rows import (
    NewRequest,
    Origin,
    ReasonCategory,
    Relationship,
)
from kuaizhao.takedown.scopes import make_scope
from kuaizhao.takedown.service import operator_remove, submit

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
STORY = ("长江流域今年春季降水偏多，水利部门提前部署防汛工作，沿江城市加强巡查，"
         "确保堤防安全度汛。专家表示，气候变化使极端天气更加频繁。") * 6
# Text keys whose byte order differs from many locales' order (case, accents, CJK),
# so a copy in batches crosses them in SQLite's order.
FRONTIER_URLS = [f"https://feeds.example/{p}" for p in
                 ("B", "a", "b", "Z", "é", "e", "新闻", "中文", "_x", "~y", "1", "A/b")]


def populated_archive(home: Path) -> Archive:
    """The archive at `home` (SQLite), with rows in every table `migrate` copies."""
    archive = build_archive(home)
    store = archive.store
    assert isinstance(store, SqliteStore)
    _accounts(store)
    _articles(store, archive)
    _freshness(store)
    _takedowns(store, archive)
    return archive


def _accounts(store: SqliteStore) -> None:
    with store.transaction():
        reader = store.add_user("读者", "读者", "argon2-not-a-real-hash", Role.READER,
                                "feedtoken1", "feeddigest1", T0)
        admin = store.add_user("Admin", "admin", "argon2-hash-2", Role.ADMIN,
                               "feedtoken2", "feeddigest2", T0)
        store.add_session(reader.id, "sessiondigest", "csrf", T0, T0 + timedelta(days=30))
        store.add_api_token(admin.id, "script", "tokendigest", T0)
        store.set_digest(reader.id, "reader@example.org", True)
        store.instance_secret("csrf")
        search = store.add_subscription(reader.id, SubscriptionKind.SEARCH, "防汛", "防汛", T0)
        store.add_subscription(reader.id, SubscriptionKind.CATEGORY, "国内", "国内新闻", T0)
        paused = store.add_subscription(admin.id, SubscriptionKind.SOURCE, "人民资讯", "人民", T0)
        store.update_subscription(admin.id, paused.id, paused=True)
        store.set_webhook(reader.id, search.id, "https://hooks.example.org/k", "s3cret")
        store.queue_delivery(search.id, "https://a.example.cn/flood.html", '{"n": 1}', T0)


def _articles(store: SqliteStore, archive: Archive) -> None:
    # The same story at three outlets (a story with an original and near-duplicates),
    # one of them edited later (versions), and an English article.
    archive.ids["story_a"] = add_article(
        store, "https://a.example.cn/flood.html", "长江防汛工作全面部署", STORY,
        source="甲报", captured=T0, keywords=("防汛", "长江"))
    archive.ids["story_b"] = add_article(
        store, "https://b.example.cn/flood.html", "长江防汛工作全面部署", STORY,
        source="乙报", captured=T0 + timedelta(hours=1))
    archive.ids["story_c"] = add_article(
        store, "https://c.example.cn/flood.html", "沿江城市加强汛前巡查", STORY + "另据报道。",
        source="丙报", captured=T0 + timedelta(hours=2))
    archive.ids["story_a_v2"] = add_article(
        store, "https://a.example.cn/flood.html", "长江防汛工作全面部署（更新）",
        STORY + "本文已更新。", source="甲报", captured=T0 + timedelta(days=1),
        keywords=("防汛", "长江", "水利"))
    archive.ids["river"] = add_article(
        store, "https://times.example.com/river", "River levels rise along the Yangtze",
        "Flood defences along the Yangtze were inspected as river levels rose. " * 5,
        source="Example Times", category="World", captured=T0 + timedelta(hours=3))
    with store.transaction():
        store.mark_removed("https://c.example.cn/flood.html",
                           store.captures_of_url("https://c.example.cn/flood.html")[0].id,
                           T0 + timedelta(days=2), "404", archive.ids["story_c"])
        store.add_imported_file("ab" * 32, 1234, "/data/cc-news.warc.gz",
                                "imported/cc-news.warc.gz", "copy", None, "国际", T0,
                                '{"records": 3}')


def _freshness(store: SqliteStore) -> None:
    sources = {s.name: s.id for s in store.sources()}
    with store.transaction():
        store.enqueue([FrontierEntry(url=u, source_id=sources["人民资讯"], kind=LinkKind.FEED,
                                     due_at=T0 + timedelta(minutes=i), priority=i % 3,
                                     title_hint=f"提示{i}")
                       for i, u in enumerate(FRONTIER_URLS)])
        store.record_fetch(FRONTIER_URLS[0], sources["人民资讯"], LinkKind.FEED, "failed", 503,
                           "service unavailable", T0)
        store.save_poll_record(PollRecord(
            url=FRONTIER_URLS[0], source_id=sources["人民资讯"], kind=LinkKind.FEED,
            last_poll_at=T0, next_poll_at=T0 + timedelta(minutes=15), interval_seconds=900.5,
            reason="rate", last_new_at=T0, polls=4, not_modified=1, new_items=7))
        store.add_poll_items(FRONTIER_URLS[0], [(f"https://rmzx.example.cn/{i}.html",
                                                 T0 - timedelta(hours=i)) for i in range(5)], T0)
        websub = store.websub_request("https://rmzx.example.cn/feed.xml", "https://hub.example",
                                      sources["人民资讯"], "websubsecret", T0)
        store.websub_set_state(websub.id, "active", T0, lease_seconds=86400)
        store.websub_receive(websub.id, b"<feed>\x00\xff binary-safe</feed>",
                             "application/atom+xml", T0)
    store.reserve_host_start("https://rmzx.example.cn:443", 2.0, 1_700_000_000.25)


def _takedowns(store: SqliteStore, archive: Archive) -> None:
    operator_remove(store, make_scope("url", "https://evil.example.com/news/1.html"),
                    reason="malicious page", category=ReasonCategory.OTHER, actor="admin",
                    now=T0)
    submit(store, NewRequest(
        origin=Origin.PUBLIC, reason_category=ReasonCategory.PRIVACY, reason="我的住址",
        requester_name="张三", requester_contact="zhang@example.org",
        relationship=Relationship.SUBJECT, good_faith=True,
        urls=("https://b.example.cn/flood.html",), snapshot_ids=(archive.ids["story_b"],)),
        T0 + timedelta(hours=5))
