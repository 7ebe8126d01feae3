"""A simulated publishing web for freshness tests and `bench/bench_freshness.py`.

Many sources on loopback (one port each, so each is its own host to the crawler's
politeness), publishing on their own schedules over a timeline whose clock the caller
supplies — usually a `SimClock` that skips idle time. Each source serves an RSS feed of
its latest items (with ETag/Last-Modified and 304), the article pages, a robots.txt,
and — when it has one — advertises a WebSub hub that pushes the feed, signed, to
every verified subscriber the moment an item is published.

Three kinds of publisher, as news sites behave: *regular* desks publish on a fixed
beat with a little jitter during their working hours; *bursty* ones are quiet for hours
and then publish several items minutes apart (breaking news); *idle* ones publish a
few items a day at random times.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import random
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from typing import NamedTuple
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import aiohttp
from aiohttp import web

log = logging.getLogger(__name__)
ZONE = ZoneInfo("Asia/Shanghai")
FEED_ITEMS = 20
STYLES = ("regular", "bursty", "idle")


@dataclass(frozen=True, slots=True)
class Publisher:
    key: str  # "s07"
    style: str  # regular | bursty | idle
    times: tuple[datetime, ...]  # when each item is published, ascending
    websub: bool = False


class Hit(NamedTuple):
    key: str  # publisher
    path: str
    status: int
    at: datetime  # on the supplied clock


def _working_hours(t: datetime) -> bool:
    return 7 <= t.astimezone(ZONE).hour < 23


def _regular(rng: random.Random, start: datetime, end: datetime) -> list[datetime]:
    beat = timedelta(minutes=rng.choice((10, 15, 20, 30, 60)))
    jitter = 45.0
    slot = start.replace(minute=0, second=0, microsecond=0)
    out = []
    while slot < end:
        t = slot + timedelta(seconds=rng.uniform(-jitter, jitter))
        if start <= t < end and _working_hours(t):
            out.append(t)
        slot += beat
    return out


def _bursty(rng: random.Random, start: datetime, end: datetime) -> list[datetime]:
    out = []
    t = start + timedelta(minutes=rng.uniform(0, 180))
    while t < end:
        if _working_hours(t):
            item = t
            for _ in range(rng.randint(3, 8)):
                out.append(item)
                item += timedelta(minutes=rng.uniform(1, 5))
        t += timedelta(minutes=rng.expovariate(1 / 150))
    return [x for x in out if x < end]


def _idle(rng: random.Random, start: datetime, end: datetime) -> list[datetime]:
    hours = (end - start).total_seconds() / 3600
    count = sum(1 for _ in range(max(1, round(hours))) if rng.random() < 2 / 24)
    return sorted(start + timedelta(hours=rng.uniform(0, hours)) for _ in range(count))


def plan_publishers(start: datetime, end: datetime, *, count: int = 50, seed: int = 11,
                    websub_every: int = 5) -> list[Publisher]:
    """`count` publishers cycling through the three styles; every `websub_every`-th has a
    hub (0: none). Items before `start` give each feed a history to learn from."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible schedule, not a secret
    history = start - timedelta(days=1)
    makers = {"regular": _regular, "bursty": _bursty, "idle": _idle}
    out = []
    for i in range(count):
        style = STYLES[i % len(STYLES)]
        times = sorted(makers[style](rng, history, end))
        out.append(Publisher(key=f"s{i:02d}", style=style, times=tuple(times),
                             websub=websub_every > 0 and i % websub_every == websub_every - 1))
    return out


_WORDS = ("记者", "获悉", "今年", "城市", "农村", "企业", "学校", "医院", "铁路", "机场", "港口",
          "市场", "价格", "工资", "科技", "创新", "能源", "电力", "气温", "降雨", "河流", "森林",
          "博物馆", "图书馆", "比赛", "球队", "冠军", "音乐", "电影", "展览", "游客", "假期",
          "社区", "居民", "志愿者", "警方", "法院", "政府", "会议", "报告", "数据", "增长",
          "下降", "计划", "项目", "建设", "道路", "桥梁", "地铁", "公交", "网络", "手机",
          "芯片", "汽车", "电池", "粮食", "蔬菜", "水果", "天气", "台风")


def _sentence(rng: random.Random) -> str:
    return "".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 12))) + "。"


def _article_html(key: str, n: int, published: datetime) -> str:
    """A page whose text is its own (articles of a real site are not near-copies of
    each other), drawn reproducibly from the source key and item number."""
    rng = random.Random(f"{key}/{n}")  # noqa: S311 - reproducible text, not a secret
    local = published.astimezone(ZONE)
    paragraphs = "".join(
        "<p>" + "".join(_sentence(rng) for _ in range(rng.randint(3, 6))) + "</p>"
        for _ in range(rng.randint(4, 7)))
    title = "".join(rng.choice(_WORDS) for _ in range(4))
    return (f"<!doctype html><html lang=zh><head><meta charset=utf-8>"
            f"<title>{escape(title)} - {key}</title>"
            f'<meta property="article:published_time" content="{published.isoformat()}">'
            f"</head><body><article><h1>{escape(title)}</h1>"
            f'<time datetime="{published.isoformat()}">{local:%Y-%m-%d %H:%M:%S}</time>'
            f"{paragraphs}</article></body></html>")


@dataclass
class _Subscription:
    callback: str
    secret: str | None
    expires: datetime


@dataclass
class PublishingWeb:
    """Serve `publishers` on loopback; `now` is the clock their schedules run on."""

    publishers: list[Publisher]
    now: Callable[[], datetime]
    host: str = "127.0.0.1"
    crawl_delay: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    pushes: int = 0
    _bases: dict[str, str] = field(default_factory=dict)
    _by_port: dict[int, Publisher] = field(default_factory=dict)
    _runners: list[web.AppRunner] = field(default_factory=list)
    _hub_url: str = ""
    _subs: dict[str, dict[str, _Subscription]] = field(default_factory=dict)
    _session: aiohttp.ClientSession | None = None

    # ------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._serve)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        self._runners.append(runner)
        for publisher in self.publishers:
            site = web.TCPSite(runner, self.host, 0)
            await site.start()
            port = runner.addresses[-1][1]
            self._by_port[port] = publisher
            self._bases[publisher.key] = f"http://{self.host}:{port}"
        hub = web.Application()
        hub.router.add_post("/hub", self._hub)
        hub_runner = web.AppRunner(hub, access_log=None)
        await hub_runner.setup()
        self._runners.append(hub_runner)
        await web.TCPSite(hub_runner, self.host, 0).start()
        self._hub_url = f"http://{self.host}:{hub_runner.addresses[0][1]}/hub"
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        if self._session is not None:
            await self._session.close()
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()

    async def __aenter__(self) -> PublishingWeb:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ------------------------------------------------------------ what it says

    def feed_url(self, key: str) -> str:
        return f"{self._bases[key]}/feed.xml"

    def article_url(self, key: str, n: int) -> str:
        return f"{self._bases[key]}/news/{n}.html"

    def sources_toml(self, *, interval: int, min_interval: int, max_interval: int) -> str:
        blocks = []
        for p in self.publishers:
            blocks.append(
                f'[[source]]\nname = "{p.key} ({p.style}{", websub" if p.websub else ""})"\n'
                f'homepage = "{self._bases[p.key]}/"\nfeeds = ["{self.feed_url(p.key)}"]\n'
                f'timezone = "Asia/Shanghai"\ninterval = {interval}\n'
                f"min_interval = {min_interval}\nmax_interval = {max_interval}\n")
        return "\n".join(blocks)

    def published(self, since: datetime, until: datetime) -> dict[str, datetime]:
        """Article URL -> publication time, for items published in [since, until)."""
        return {self.article_url(p.key, n): t for p in self.publishers
                for n, t in enumerate(p.times) if since <= t < until}

    def source_of(self, url: str) -> str | None:
        return next((k for k, base in self._bases.items() if url.startswith(base + "/")), None)

    # ------------------------------------------------------------ serving

    def _feed(self, p: Publisher, now: datetime) -> tuple[str, str, datetime | None]:
        live = [(n, t) for n, t in enumerate(p.times) if t <= now][-FEED_ITEMS:]
        items = "".join(
            f"<item><title>{p.key} 新闻 {n}</title><link>{self.article_url(p.key, n)}</link>"
            f"<guid>{self.article_url(p.key, n)}</guid><pubDate>{format_datetime(t)}</pubDate>"
            f"</item>" for n, t in reversed(live))
        hub = (f'<atom:link rel="hub" href="{self._hub_url}"/>'
               f'<atom:link rel="self" href="{self.feed_url(p.key)}"/>' if p.websub else "")
        body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
                'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
                f"<title>{p.key}</title><link>{self._bases[p.key]}/</link>{hub}{items}"
                "</channel></rss>")
        etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:16] + '"'
        return body, etag, live[-1][1] if live else None

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        port = request.transport.get_extra_info("sockname")[1] if request.transport else 0
        publisher = self._by_port.get(port)
        if publisher is None:
            raise web.HTTPNotFound()
        now = self.now()
        response = self._answer(publisher, request, now)
        self.hits.append(Hit(publisher.key, request.path_qs, response.status, now))
        return response

    def _answer(self, p: Publisher, request: web.Request, now: datetime) -> web.Response:
        if request.path == "/robots.txt":
            delay = f"Crawl-delay: {self.crawl_delay}\n" if self.crawl_delay else ""
            return web.Response(text=f"User-agent: *\n{delay}Allow: /\n")
        if request.path == "/feed.xml":
            body, etag, last = self._feed(p, now)
            headers = {"ETag": etag}
            if last is not None:
                headers["Last-Modified"] = format_datetime(last.replace(microsecond=0),
                                                           usegmt=True)
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers=headers)
            return web.Response(body=body.encode(), headers=headers,
                                content_type="application/rss+xml", charset="utf-8")
        if request.path.startswith("/news/") and request.path.endswith(".html"):
            number = request.path[len("/news/"):-len(".html")]
            if number.isdigit() and int(number) < len(p.times) and p.times[int(number)] <= now:
                return web.Response(text=_article_html(p.key, int(number),
                                                       p.times[int(number)]),
                                    content_type="text/html", charset="utf-8")
        return web.Response(status=404, text="not found")

    # ------------------------------------------------------------ the WebSub hub

    async def _hub(self, request: web.Request) -> web.Response:
        """Subscribe requests (spec §5.1); intent is verified before answering, so
        the subscriber's state is settled when its request returns."""
        form = await request.post()
        mode, topic = str(form.get("hub.mode", "")), str(form.get("hub.topic", ""))
        callback = str(form.get("hub.callback", ""))
        key = next((p.key for p in self.publishers if p.websub and self.feed_url(p.key) == topic),
                   None)
        if mode not in ("subscribe", "unsubscribe") or key is None or not callback:
            return web.Response(status=400, text="unknown topic or mode")
        lease = int(str(form.get("hub.lease_seconds", "86400")) or 86400)
        challenge = secrets.token_hex(8)
        query = urlencode({"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge,
                           "hub.lease_seconds": lease})
        assert self._session is not None
        async with self._session.get(f"{callback}?{query}") as answer:
            verified = answer.status == 200 and (await answer.text()) == challenge
        if not verified:
            return web.Response(status=409, text="callback did not confirm the challenge")
        subs = self._subs.setdefault(topic, {})
        if mode == "unsubscribe":
            subs.pop(callback, None)
        else:
            secret = str(form["hub.secret"]) if "hub.secret" in form else None
            subs[callback] = _Subscription(callback, secret,
                                           self.now() + timedelta(seconds=lease))
        return web.Response(status=202)

    async def publish_loop(self, sleep_until: Callable[[datetime], Awaitable[None]],
                           until: datetime) -> None:
        """Push each WebSub publisher's feed to its subscribers as its items appear.
        `sleep_until(t)` is awaited between items (the caller's clock)."""
        events = sorted((t, p.key) for p in self.publishers if p.websub for t in p.times
                        if self.now() <= t < until)
        for when, key in events:
            await sleep_until(when)
            await self._push(key)

    async def _push(self, key: str) -> None:
        publisher = next(p for p in self.publishers if p.key == key)
        body, _, _ = self._feed(publisher, self.now())
        data = body.encode()
        assert self._session is not None
        for sub in list(self._subs.get(self.feed_url(key), {}).values()):
            headers = {"Content-Type": "application/rss+xml",
                       "Link": f'<{self._hub_url}>; rel="hub", <{self.feed_url(key)}>; rel="self"'}
            if sub.secret:
                digest = hmac.new(sub.secret.encode(), data, hashlib.sha256).hexdigest()
                headers["X-Hub-Signature"] = f"sha256={digest}"
            try:
                async with self._session.post(sub.callback, data=data, headers=headers) as r:
                    await r.read()
                    self.pushes += 1
            except aiohttp.ClientError as exc:
                log.warning("push to %s failed: %s", sub.callback, exc)
        await asyncio.sleep(0)
