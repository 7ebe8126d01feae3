"""The demo web as data: every (outlet, path) of one edition resolved to a `Page`.

No sockets here: `Site` maps a request path to the bytes, status and validators the
server sends, so the same edition always yields the same bytes (given the same base
URLs). The server adds what depends on time or on earlier requests (slow answers,
the 503-once page, conditional GET).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from kuaizhao.demo import feeds, render
from kuaizhao.demo.bodies import paragraphs_of, prepare_raw, read_bytes
from kuaizhao.demo.catalog import (
    ARTICLES,
    FIXED_LAST_MODIFIED,
    OUTLETS,
    REDIRECTS,
    ArticleSpec,
    Behaviour,
    OutletSpec,
    article_spec,
    articles_of,
    is_disallowed,
    outlet_spec,
)
from kuaizhao.demo.image import demo_png


@dataclass(frozen=True, slots=True)
class Page:
    status: int
    body: bytes
    content_type: str
    last_modified: datetime | None = None
    behaviour: Behaviour = Behaviour.NORMAL
    location: str | None = None
    etag: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "etag", '"' + hashlib.sha256(self.body).hexdigest()[:24] + '"')

    def headers(self) -> dict[str, str]:
        out = {"Content-Type": self.content_type}
        if self.status == 200:
            out["ETag"] = self.etag
            if self.last_modified is not None:
                modified = self.last_modified.astimezone(UTC)
                out["Last-Modified"] = format_datetime(modified, usegmt=True)
        if self.location is not None:
            out["Location"] = self.location
        return out


@dataclass(frozen=True, slots=True)
class Expected:
    """What a correct crawl of one edition does with each article URL."""

    edition: int
    captured: frozenset[str]  # fetched and archived: robots-allowed, within limits
    disallowed: frozenset[str]  # linked from listings/feeds, but robots.txt forbids them
    too_large: frozenset[str]  # over the crawler's default 10 MB limit
    gone: frozenset[str]  # 410 in this edition after being there before
    changed: frozenset[str]  # content differs from edition 1
    new: frozenset[str]  # appear only from this edition on
    slow: frozenset[str]
    flaky: frozenset[str]  # 503 with Retry-After on the first request
    redirects: dict[str, str]  # old URL -> article URL (301)
    reposts: dict[str, str]  # reposting article URL -> original article URL


def title_in(article: ArticleSpec, edition: int) -> str:
    if article.behaviour is Behaviour.CHANGES and edition >= 2 and article.title_v2:
        return article.title_v2
    return article.title


def updated_in(article: ArticleSpec, edition: int) -> datetime:
    if article.behaviour is Behaviour.CHANGES and edition >= 2 and article.updated_v2:
        return article.updated_v2
    return article.published


@functools.cache
def _oversized(outlet_key: str, title: str, source: str, size: int) -> bytes:
    return render.oversized_html(outlet_spec(outlet_key), title, paragraphs_of(source), size)


class Site:
    """All pages of all outlets in one edition, built on first request and kept."""

    def __init__(
        self, base_urls: dict[str, str], edition: int, crawl_delay: float, oversize_bytes: int
    ) -> None:
        self.base_urls = base_urls  # outlet key -> "http://127.0.0.1:PORT"
        self.edition = edition
        self.crawl_delay = crawl_delay
        self.oversize_bytes = oversize_bytes
        self._pages: dict[tuple[str, str], Page] = {}

    def url(self, article: ArticleSpec) -> str:
        return self.base_urls[article.outlet] + article.path

    def page(self, outlet_key: str, path_qs: str) -> Page:
        key = (outlet_key, path_qs)
        page = self._pages.get(key)
        if page is None:
            page = self._build(outlet_spec(outlet_key), path_qs)
            if page.status != 404:  # arbitrary missing paths must not grow the cache
                self._pages[key] = page
        return page

    # ------------------------------------------------------------ routing

    def _build(self, outlet: OutletSpec, path_qs: str) -> Page:
        base = self.base_urls[outlet.key]
        listed = [(a, title_in(a, self.edition)) for a in articles_of(outlet.key, self.edition)]
        newest = max((updated_in(a, self.edition) for a, _ in listed), default=FIXED_LAST_MODIFIED)
        if (outlet.key, path_qs) in REDIRECTS:
            target = self.url(article_spec(REDIRECTS[(outlet.key, path_qs)]))
            return Page(301, b"", "text/html", location=target)
        if path_qs == "/":
            html = render.home_html(outlet, listed)
            return self._html(outlet, html, newest)
        if path_qs == "/robots.txt":
            body = feeds.robots_txt(
                outlet.disallow, self.crawl_delay, [base + s for s in outlet.sitemaps]
            )
            return Page(200, body, "text/plain; charset=utf-8", FIXED_LAST_MODIFIED)
        for listing, category in outlet.categories:
            in_category = [(a, t) for a, t in listed if a.category == category]
            for n in range(1, render.page_count(len(in_category)) + 1):
                if path_qs == render.page_path(listing, n, outlet.language):
                    html = render.listing_html(outlet, listing, category, in_category, n)
                    return self._html(outlet, html, newest)
        indexes = self._indexes(outlet, listed, newest)
        if path_qs in indexes:
            return indexes[path_qs]
        for article in ARTICLES:
            if article.outlet == outlet.key and article.path == path_qs:
                return self._article(outlet, article)
            is_image = path_qs == f"/images/{article.key}.png"
            if article.outlet == outlet.key and is_image and article.image_caption:
                return Page(200, demo_png(article.key), "image/png", article.published)
        return self._missing(outlet, 404)

    def _html(self, outlet: OutletSpec, html: str, modified: datetime) -> Page:
        body = html.encode(outlet.charset, "xmlcharrefreplace")
        return Page(200, body, f"text/html; charset={outlet.charset}", modified)

    def _missing(self, outlet: OutletSpec, status: int) -> Page:
        if outlet.language == "zh":
            text = "该新闻已被删除" if status == 410 else "您访问的页面不存在"
        else:
            text = "This story has been removed." if status == 410 else "Page not found."
        html = render.home_html(outlet, [], notice=text)
        body = html.encode(outlet.charset, "xmlcharrefreplace")
        return Page(status, body, f"text/html; charset={outlet.charset}")

    # ------------------------------------------------------------ feeds and sitemaps

    def _entries(self, listed: list[tuple[ArticleSpec, str]]) -> list[feeds.FeedEntry]:
        out = []
        for article, title in listed:
            if article.behaviour is Behaviour.OVERSIZED:
                continue  # listed on the site, kept out of feeds like most attachments
            url = self.url(article)
            for (outlet_key, old), key in REDIRECTS.items():
                if key == article.key:
                    url = self.base_urls[outlet_key] + old
            summary = None if article.raw else paragraphs_of(article.source)[0]
            out.append(
                feeds.FeedEntry(
                    url=url,
                    title=title,
                    published=article.published,
                    updated=updated_in(article, self.edition),
                    category=article.category,
                    summary=summary,
                )
            )
        return out

    def _indexes(
        self, outlet: OutletSpec, listed: list[tuple[ArticleSpec, str]], newest: datetime
    ) -> dict[str, Page]:
        base = self.base_urls[outlet.key]
        entries = self._entries(listed)
        allowed = [
            feeds.FeedEntry(self.url(a), t, a.published, updated_in(a, self.edition), a.category)
            for a, t in listed
            if not is_disallowed(outlet, a.path)
        ]
        xml = "application/xml; charset=utf-8"
        pages: dict[str, Page] = {
            "/sitemap.xml": Page(
                200, feeds.sitemap_index([(base + "/sitemap-articles.xml", newest)]), xml, newest
            ),
            "/sitemap-articles.xml": Page(200, feeds.urlset(allowed), xml, newest),
            "/sitemap-news.xml": Page(
                200,
                feeds.news_sitemap(
                    outlet.name, "zh-cn" if outlet.language == "zh" else "en", allowed
                ),
                xml,
                newest,
            ),
        }
        if outlet.key == "ledger":
            body = feeds.atom(
                title=outlet.name,
                link=base + "/",
                self_url=base + "/atom.xml",
                entries=entries,
                fallback=FIXED_LAST_MODIFIED,
            )
            pages["/atom.xml"] = Page(200, body, "application/atom+xml; charset=utf-8", newest)
            return pages
        body = feeds.rss(
            title=outlet.name,
            link=base + "/",
            language="zh-cn",
            entries=entries,
            charset=outlet.charset,
            fallback=FIXED_LAST_MODIFIED,
        )
        rss_type = f"application/rss+xml; charset={outlet.charset}"
        pages["/rss.xml"] = Page(200, body, rss_type, newest)
        for extra in outlet.feeds[1:]:
            pages[extra] = Page(200, feeds.truncated(body), rss_type, newest)
        return pages

    # ------------------------------------------------------------ articles

    def _article(self, outlet: OutletSpec, article: ArticleSpec) -> Page:
        if self.edition not in article.editions:
            return self._missing(outlet, 404)
        if article.behaviour is Behaviour.VANISHES and self.edition >= 2:
            return self._missing(outlet, 410)
        modified = updated_in(article, self.edition)
        content_type = f"text/html; charset={outlet.charset}"
        if article.behaviour is Behaviour.OVERSIZED:
            body = _oversized(outlet.key, article.title, article.source, self.oversize_bytes)
            return Page(200, body, content_type, modified, article.behaviour)
        if article.raw:
            declared = outlet.charset if article.declare_charset else None
            original = read_bytes(article.source).decode("utf-8")
            html = prepare_raw(original, self.url(article), declared)
            if not article.declare_charset:
                content_type = "text/html"
            body = html.encode(outlet.charset, "xmlcharrefreplace")
            return Page(200, body, content_type, modified, article.behaviour)
        category_path = self._category_path(outlet, article)
        view, related = self._view(article), self._related(article)
        html = render.article_html(outlet, view, category_path, related)
        body = html.encode(outlet.charset, "xmlcharrefreplace")
        return Page(200, body, content_type, modified, article.behaviour)

    def _view(self, article: ArticleSpec) -> render.ArticleView:
        paragraphs = paragraphs_of(article.source)
        changed = article.behaviour is Behaviour.CHANGES and self.edition >= 2
        if changed and article.correction_v2:
            paragraphs = (*paragraphs, article.correction_v2)
        origin = self.url(article_spec(article.repost_of)) if article.repost_of else None
        return render.ArticleView(
            spec=article,
            title=title_in(article, self.edition),
            paragraphs=paragraphs,
            url=self.url(article),
            image_src=f"/images/{article.key}.png" if article.image_caption else None,
            updated=updated_in(article, self.edition).strftime("%Y-%m-%d %H:%M:%S")
            if changed
            else None,
            origin_url=origin,
        )

    def _category_path(self, outlet: OutletSpec, article: ArticleSpec) -> str:
        return next((p for p, name in outlet.categories if name == article.category), "/")

    def _related(self, article: ArticleSpec) -> list[tuple[ArticleSpec, str]]:
        others = [
            (a, title_in(a, self.edition))
            for a in articles_of(article.outlet, self.edition)
            if a.key != article.key and not is_disallowed(outlet_spec(a.outlet), a.path)
        ]
        return others[:4]

    # ------------------------------------------------------------ expectations

    def expected(self) -> Expected:
        edition = self.edition
        visible = [a for o in OUTLETS for a in articles_of(o.key, edition)]

        def urls(keep: list[ArticleSpec]) -> frozenset[str]:
            return frozenset(self.url(a) for a in keep)

        def allowed(a: ArticleSpec) -> bool:
            return not is_disallowed(outlet_spec(a.outlet), a.path)

        return Expected(
            edition=edition,
            captured=urls(
                [a for a in visible if allowed(a) and a.behaviour is not Behaviour.OVERSIZED]
            ),
            disallowed=urls([a for a in visible if not allowed(a)]),
            too_large=urls([a for a in visible if a.behaviour is Behaviour.OVERSIZED]),
            gone=urls([a for a in ARTICLES if a.behaviour is Behaviour.VANISHES and edition >= 2]),
            changed=urls(
                [a for a in ARTICLES if a.behaviour is Behaviour.CHANGES and edition >= 2]
            ),
            new=urls([a for a in visible if a.editions[0] == edition and edition > 1]),
            slow=urls([a for a in visible if a.behaviour is Behaviour.SLOW]),
            flaky=urls([a for a in visible if a.behaviour is Behaviour.FLAKY]),
            redirects={
                self.base_urls[o] + old: self.url(article_spec(key))
                for (o, old), key in REDIRECTS.items()
            },
            reposts={
                self.url(a): self.url(article_spec(a.repost_of))
                for a in visible
                if a.repost_of and allowed(a)
            },
        )
