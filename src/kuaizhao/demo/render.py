"""HTML of the outlets' own pages: home, category listings, templated articles.

Pure functions from catalog entries to `str`; the caller encodes with the outlet's
charset. Links inside an outlet are relative (as on most news sites), links across
outlets absolute.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from kuaizhao.demo.catalog import PAGE_SIZE, ArticleSpec, OutletSpec

_LABELS = {
    "zh": {
        "home": "首页",
        "next": "下一页",
        "prev": "上一页",
        "related": "相关新闻",
        "latest": "最新资讯",
        "published": "发布时间:",
        "updated": "更新时间:",
        "source": "来源:",
        "repost": "本文转自:",
        "origin": "原文链接:",
        "footer": "版权所有 © {name} 未经授权禁止转载",
        "more": "更多",
        "sep": " &gt; ",
    },
    "en": {
        "home": "Home",
        "next": "Next page",
        "prev": "Previous page",
        "related": "Related stories",
        "latest": "Latest news",
        "published": "Published: ",
        "updated": "Updated: ",
        "source": "Source: ",
        "repost": "Originally published by: ",
        "origin": "Original: ",
        "footer": "© {name}. All rights reserved.",
        "more": "More",
        "sep": " › ",
    },
}


@dataclass(frozen=True, slots=True)
class ArticleView:
    """What a templated article page shows; built by the site from catalog + edition."""

    spec: ArticleSpec
    title: str
    paragraphs: tuple[str, ...]
    url: str
    image_src: str | None = None
    updated: str | None = None  # display time of a revision
    origin_url: str | None = None  # the reposted article's URL at the other outlet


def display_time(article: ArticleSpec) -> str:
    return article.published.strftime("%Y-%m-%d %H:%M:%S")


def _head(outlet: OutletSpec, title: str, extra: str = "") -> str:
    lang = "zh-CN" if outlet.language == "zh" else "en"
    feeds = "".join(
        f'<link rel="alternate" type="application/'
        f'{"atom" if f.endswith("atom.xml") else "rss"}+xml" href="{f}">'
        for f in outlet.feeds[:1]
    )
    charset = f'<meta charset="{outlet.charset}">' if outlet.charset else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n{charset}\n'
        f"<title>{escape(title)}</title>\n{feeds}\n{extra}</head>\n<body>\n"
    )


def _nav(outlet: OutletSpec) -> str:
    labels = _LABELS[outlet.language]
    items = [f'<a href="/">{labels["home"]}</a>']
    items += [f'<a href="{path}">{escape(name)}</a>' for path, name in outlet.categories]
    return f'<div class="nav">{" | ".join(items)}</div>\n'


def _footer(outlet: OutletSpec) -> str:
    text = _LABELS[outlet.language]["footer"].format(name=escape(outlet.name))
    return f'<div class="footer"><p>{text}</p></div>\n</body>\n</html>\n'


def _item(article: ArticleSpec, title: str) -> str:
    return (
        f'<li><a href="{article.path}">{escape(title)}</a> '
        f'<span class="time">{article.published.strftime("%Y-%m-%d %H:%M")}</span></li>'
    )


def page_path(listing: str, page: int, language: str) -> str:
    if page == 1:
        return listing
    return f"{listing}index_{page}.html" if language == "zh" else f"{listing}page/{page}/"


def page_count(n_articles: int) -> int:
    return max(1, math.ceil(n_articles / PAGE_SIZE))


def listing_html(
    outlet: OutletSpec,
    listing: str,
    category: str,
    articles: Sequence[tuple[ArticleSpec, str]],
    page: int,
) -> str:
    """One page of a category listing: PAGE_SIZE items, with previous/next links."""
    labels = _LABELS[outlet.language]
    pages = page_count(len(articles))
    shown = articles[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    items = "\n".join(_item(a, title) for a, title in shown)
    pager = []
    if page > 1:
        prev = page_path(listing, page - 1, outlet.language)
        pager.append(f'<a class="prev" href="{prev}">{labels["prev"]}</a>')
    if page < pages:
        nxt = page_path(listing, page + 1, outlet.language)
        pager.append(f'<a class="next" rel="next" href="{nxt}">{labels["next"]}</a>')
    crumbs = f'<a href="/">{labels["home"]}</a>{labels["sep"]}{escape(category)}'
    return (
        _head(outlet, f"{category}_{outlet.name}")
        + _nav(outlet)
        + f'<div class="breadcrumb">{crumbs}</div>\n'
        + f'<h2>{escape(category)}</h2>\n<ul class="news-list">\n{items}\n</ul>\n'
        + f'<div class="pager">{" ".join(pager)} <span>{page}/{pages}</span></div>\n'
        + _footer(outlet)
    )


def home_html(
    outlet: OutletSpec, articles: Sequence[tuple[ArticleSpec, str]], notice: str | None = None
) -> str:
    """The home page; with `notice`, the error page (404/410) that keeps the site's nav."""
    labels = _LABELS[outlet.language]
    latest = "\n".join(_item(a, title) for a, title in articles[:8])
    sections = []
    for path, name in outlet.categories:
        picks = [(a, t) for a, t in articles if a.category == name][:3]
        lis = "\n".join(_item(a, t) for a, t in picks)
        sections.append(
            f'<div class="section"><h3><a href="{path}">{escape(name)}</a></h3>\n'
            f'<ul>\n{lis}\n</ul>\n<a class="more" href="{path}">{labels["more"]}</a></div>'
        )
    return (
        _head(outlet, outlet.name)
        + _nav(outlet)
        + (f'<p class="error">{escape(notice)}</p>\n' if notice else "")
        + f'<h1 class="site-name">{escape(outlet.name)}</h1>\n'
        + f'<div class="latest"><h2>{labels["latest"]}</h2>\n<ul>\n{latest}\n</ul></div>\n'
        + "\n".join(sections)
        + "\n"
        + _footer(outlet)
    )


def article_html(
    outlet: OutletSpec,
    view: ArticleView,
    category_path: str,
    related: Sequence[tuple[ArticleSpec, str]],
) -> str:
    """A templated article in the layout of a Chinese news site: nav, breadcrumb,
    h1, info line, repost line, image and caption, body, related list, footer."""
    labels = _LABELS[outlet.language]
    spec = view.spec
    info = f"{labels['published']}{display_time(spec)} {labels['source']}{escape(outlet.name)}"
    if view.updated:
        info += f" {labels['updated']}{view.updated}"
    parts = [
        _head(outlet, f"{view.title}_{outlet.name}", f'<link rel="canonical" href="{view.url}">\n'),
        _nav(outlet),
        f'<div class="breadcrumb"><a href="/">{labels["home"]}</a>{labels["sep"]}'
        f'<a href="{category_path}">{escape(spec.category)}</a></div>\n',
        f'<div class="article">\n<h1>{escape(view.title)}</h1>\n<div class="info">{info}</div>\n',
    ]
    if spec.reposted_from:
        parts.append(f'<p class="repost">{labels["repost"]}{escape(spec.reposted_from)}</p>\n')
    parts.append('<div class="content">\n')
    if view.image_src:
        parts.append(f'<p class="image"><img src="{view.image_src}" alt=""></p>\n')
        if spec.image_caption:
            parts.append(f'<p class="caption">{escape(spec.image_caption)}</p>\n')
    parts += [f"<p>{escape(p)}</p>\n" for p in view.paragraphs]
    parts.append("</div>\n")
    if view.origin_url:
        parts.append(
            f'<p class="origin">{labels["origin"]}'
            f'<a href="{view.origin_url}">{view.origin_url}</a></p>\n'
        )
    parts.append("</div>\n")
    if related:
        lis = "\n".join(_item(a, t) for a, t in related)
        parts.append(
            f'<div class="related"><h3>{labels["related"]}</h3>\n<ul>\n{lis}\n</ul></div>\n'
        )
    parts.append(_footer(outlet))
    return "".join(parts)


def oversized_html(outlet: OutletSpec, title: str, paragraphs: Sequence[str], size: int) -> bytes:
    """A page of at least `size` bytes: the paragraphs numbered and repeated. Same
    arguments, same bytes."""
    head = (_head(outlet, f"{title}_{outlet.name}") + f"<h1>{escape(title)}</h1>\n").encode(
        outlet.charset, "xmlcharrefreplace"
    )
    tail = _footer(outlet).encode(outlet.charset, "xmlcharrefreplace")
    chunks = [head]
    total = len(head) + len(tail)
    n = 0
    while total < size:
        text = f"<p>（{n + 1}）{escape(paragraphs[n % len(paragraphs)])}</p>\n"
        chunk = text.encode(outlet.charset, "xmlcharrefreplace")
        chunks.append(chunk)
        total += len(chunk)
        n += 1
    chunks.append(tail)
    return b"".join(chunks)
