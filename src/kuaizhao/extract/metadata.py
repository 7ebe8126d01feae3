"""What the page declares about itself: JSON-LD, OpenGraph, meta tags, <link rel>.

These are the strongest signals when present, so they are read first and kept as
named candidates; `article.py` weighs them against what the visible page says.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

import lxml.etree
import lxml.html

from kuaizhao.whitespace import collapse_whitespace

_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting",
                  "analysisnewsarticle", "opinionnewsarticle", "report", "webpage"}


@dataclass(slots=True)
class PageMeta:
    """Candidates per field, as (rule, value) pairs in order of trust."""

    title: list[tuple[str, str]] = field(default_factory=list)
    published: list[tuple[str, str]] = field(default_factory=list)
    updated: list[tuple[str, str]] = field(default_factory=list)
    author: list[tuple[str, str]] = field(default_factory=list)
    section: list[tuple[str, str]] = field(default_factory=list)
    keywords: list[tuple[str, str]] = field(default_factory=list)
    description: list[tuple[str, str]] = field(default_factory=list)
    site_name: list[tuple[str, str]] = field(default_factory=list)
    source: list[tuple[str, str]] = field(default_factory=list)
    canonical: list[tuple[str, str]] = field(default_factory=list)
    language: list[tuple[str, str]] = field(default_factory=list)
    breadcrumbs: list[str] = field(default_factory=list)
    # The lead image the page declares (og:image, JSON-LD image): the one picture from
    # outside the body that still belongs to the article, when the page shows it.
    images: list[tuple[str, str]] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)  # outlets named as authors
    # Text of elements whose class marks them as the byline, parts joined by " | ".
    marked_bylines: list[str] = field(default_factory=list)
    is_article: bool = False  # og:type article or an Article JSON-LD object
    article_body: str | None = None  # JSON-LD articleBody: a candidate for the judge


# meta name/property (lower case) → (field, rule); first matching rule wins per field.
_META: dict[str, tuple[str, str]] = {
    "og:title": ("title", "og:title"), "twitter:title": ("title", "twitter:title"),
    "headline": ("title", "meta headline"), "title": ("title", "meta title"),
    "article:published_time": ("published", "article:published_time"),
    "og:article:published_time": ("published", "article:published_time"),
    "pubdate": ("published", "meta pubdate"), "publishdate": ("published", "meta publishdate"),
    "publish-date": ("published", "meta publish-date"),
    "publication_date": ("published", "meta publication_date"),
    "date": ("published", "meta date"), "dc.date": ("published", "meta dc.date"),
    "dc.date.issued": ("published", "meta dc.date.issued"),
    "dcterms.created": ("published", "meta dcterms.created"),
    "sailthru.date": ("published", "meta sailthru.date"),
    "parsely-pub-date": ("published", "meta parsely-pub-date"),
    "firstpublishedtime": ("published", "meta firstpublishedtime"),
    "apub:time": ("published", "meta apub:time"),
    "weibo: article:create_at": ("published", "meta weibo create_at"),
    "article:modified_time": ("updated", "article:modified_time"),
    "og:updated_time": ("updated", "og:updated_time"),
    "lastmodifiedtime": ("updated", "meta lastmodifiedtime"),
    "article:author": ("author", "article:author"), "author": ("author", "meta author"),
    "dc.creator": ("author", "meta dc.creator"), "byl": ("author", "meta byl"),
    "parsely-author": ("author", "meta parsely-author"),
    "sailthru.author": ("author", "meta sailthru.author"),
    "article:section": ("section", "article:section"),
    "og:image": ("images", "og:image"), "og:image:url": ("images", "og:image"),
    "twitter:image": ("images", "twitter:image"),
    "og:article:section": ("section", "article:section"),
    "category": ("section", "meta category"), "section": ("section", "meta section"),
    "parsely-section": ("section", "meta parsely-section"),
    "catalogs": ("section", "meta catalogs"), "column": ("section", "meta column"),
    "keywords": ("keywords", "meta keywords"), "news_keywords": ("keywords", "meta news_keywords"),
    "article:tag": ("keywords", "article:tag"),
    "description": ("description", "meta description"),
    "og:description": ("description", "og:description"),
    "og:site_name": ("site_name", "og:site_name"), "application-name": ("site_name", "meta app"),
    "source": ("source", "meta source"), "mediaid": ("source", "meta mediaid"),
    "contentsource": ("source", "meta contentsource"),
    "og:url": ("canonical", "og:url"),
    "content-language": ("language", "meta content-language"),
    "og:locale": ("language", "og:locale"), "language": ("language", "meta language"),
}


# Yoast SEO's "Written by" label in the languages it ships (the card's label is
# translated with the site's locale).
_WRITTEN_BY = frozenset({
    "written by", "verfasst von", "geschrieben von", "écrit par", "escrito por",
    "scritto da", "geschreven door", "skriven av", "skrevet av", "skrevet af",
    "napisane przez", "kirjoittanut",
})


def read_metadata(root: lxml.html.HtmlElement) -> PageMeta:
    meta = PageMeta()
    lang = root.get("lang") or root.get("xml:lang")
    if lang:
        meta.language.append(("html lang", lang))
    tags = _tagged(root)
    for el in tags.links:
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            meta.canonical.insert(0, ("link rel=canonical", el.get("href", "").strip()))
    labels: dict[str, str] = {}  # twitter:labelN → its text, for the dataN that follows
    for el in tags.metas:
        key = (el.get("property") or el.get("name") or el.get("itemprop") or
               el.get("http-equiv") or "").strip().lower()
        value = collapse_whitespace(el.get("content") or "")
        if key in _META and value:
            name, rule = _META[key]
            getattr(meta, name).append((rule, value))
        elif key == "og:type" and "article" in value.lower():
            meta.is_article = True
        elif key.startswith("twitter:label"):
            labels[key.removeprefix("twitter:label")] = value.lower()
        elif value and (key == "twitter:misc:written by" or (
                key.startswith("twitter:data")
                and labels.get(key.removeprefix("twitter:data")) in _WRITTEN_BY)):
            # Yoast SEO's reading card ("Written by" / name), on many WordPress sites.
            meta.author.append(("twitter:label written by", value))
    for el in tags.times:
        if (el.get("itemprop") or "").lower() == "datepublished" or el.get("pubdate") is not None:
            value = el.get("datetime") or el.text_content()
            if value and value.strip():
                meta.published.append(("time datePublished", value.strip()))
    for el in tags.dated:
        value = el.get("content") or el.get("datetime") or el.text_content()
        target = meta.published if el.get("itemprop") == "datePublished" else meta.updated
        if value and value.strip():
            target.append((f"itemprop {el.get('itemprop')}", value.strip()))
    for el in tags.authors:
        # Visible bylines marked up for machines: <a rel="author">, itemprop="author".
        name_el = el.find('.//*[@itemprop="name"]')
        text = " ".join((name_el if name_el is not None else el).text_content().split())
        if 2 <= len(text) <= 80:
            meta.author.append(("rel/itemprop author", text))
    for script in tags.json_ld:
        _read_json_ld(script.text or "", meta)
    meta.marked_bylines = _marked_bylines(tags.marked)
    return meta


# class="author", "byline", "article-byline", "authorName", "detail__authors-link"; not
# "coauthor", and not the comment authors, avatars and bio boxes that share the word.
_MARKED = re.compile(r"(?<![a-z])(?:author|byline)", re.I)
_NOT_MARKED = re.compile(
    r"comment|avatar|bio|image|img|photo|social|follow|share|more|date|time|logo|"
    r"(?:author|byline)[-_]*(?:origin|location|place)", re.I)
_MAX_MARKED = 20
# Lower-case words after a comma in a Person's name make it a role ("…, profesorius");
# a list of names has none but "and"/"und"/"et"…
_TAG = re.compile(r"<[^>]{0,500}>")
_ROLE_WORDS = re.compile(r"\b(?!(?:and|und|et|y|e|og|och|en|von|van|de|der|da|di)\b)[a-zà-ÿ]\w*")
_MAX_MARKED_CHARS = 150


def _marked_bylines(elements: list[lxml.html.HtmlElement]) -> list[str]:
    """The text of the innermost marked elements (an outer "authorWrapper" also holds
    the date), each text node a part: "<span>A</span><span>B</span>" is two names.
    Parts inside a child marked as something else (`author-date`, `author-origin`)
    are left out."""
    out = []
    for el in elements:
        if any(other is not el and any(a is el for a in other.iterancestors())
               for other in elements):
            continue
        parts: list[str] = []
        walker = lxml.etree.iterwalk(el, events=("start", "end"))
        for event, node in walker:
            if event == "start":
                if not isinstance(node.tag, str) or (
                        node is not el and _NOT_MARKED.search(node.get("class") or "")):
                    walker.skip_subtree()
                elif node.text:
                    parts.append(node.text)
            elif node is not el and node.tail:
                parts.append(node.tail)
        text = " | ".join(p for p in (" ".join(t.split()) for t in parts) if p)
        if text and len(text) <= _MAX_MARKED_CHARS:
            out.append(text)
    return out


@dataclass(slots=True)
class _Tagged:
    links: list[lxml.html.HtmlElement] = field(default_factory=list)
    metas: list[lxml.html.HtmlElement] = field(default_factory=list)
    times: list[lxml.html.HtmlElement] = field(default_factory=list)
    dated: list[lxml.html.HtmlElement] = field(default_factory=list)  # itemprop date*
    authors: list[lxml.html.HtmlElement] = field(default_factory=list)
    json_ld: list[lxml.html.HtmlElement] = field(default_factory=list)
    marked: list[lxml.html.HtmlElement] = field(default_factory=list)  # class says byline


def _tagged(root: lxml.html.HtmlElement) -> _Tagged:
    """The elements that carry metadata, in document order, from one walk of the tree
    (an XPath per kind costs three times as much: libxml2 tests every node per query)."""
    found = _Tagged()
    for el in root.iter():
        tag = el.tag
        if tag == "link":
            found.links.append(el)
        elif tag == "meta":
            found.metas.append(el)
        elif tag == "time":
            found.times.append(el)
        elif tag == "script" and el.get("type") == "application/ld+json":
            found.json_ld.append(el)
        itemprop = el.get("itemprop")
        if itemprop == "datePublished" or itemprop == "dateModified":
            found.dated.append(el)
        if (itemprop == "author" or el.get("rel") == "author") and tag != "link":
            found.authors.append(el)
        cls = el.get("class")
        # The substring tests first: a regex on every class attribute cost 0.8 ms a page.
        if (cls and ("uthor" in cls or "yline" in cls) and len(found.marked) < _MAX_MARKED
                and _MARKED.search(cls) and not _NOT_MARKED.search(cls)):
            found.marked.append(el)
    return found


def _image_urls(value: object) -> list[str]:
    """JSON-LD `image`: a URL, an ImageObject, or a list of either."""
    items = value if isinstance(value, list) else [value]
    urls = [item.get("url") or item.get("contentUrl") if isinstance(item, dict) else item
            for item in items[:5]]
    return [url.strip() for url in urls if isinstance(url, str) and url.strip()]


def _read_json_ld(raw: str, meta: PageMeta) -> None:
    try:
        data = json.loads(raw.strip().rstrip(";"), strict=False)
    except (ValueError, RecursionError):
        return
    for obj in _objects(data, depth=0):
        types = obj.get("@type")
        names = {t.lower() for t in (types if isinstance(types, list) else [types])
                 if isinstance(t, str)}
        if "breadcrumblist" in names:
            meta.breadcrumbs = _breadcrumb_names(obj) or meta.breadcrumbs
            continue
        if not names & _ARTICLE_TYPES:
            continue
        rule = "json-ld " + sorted(names & _ARTICLE_TYPES)[0]
        if names - {"webpage"}:
            meta.is_article = True
        # JSON-LD is the page's own structured claim: put it ahead of meta tags.
        for key, target in (("headline", meta.title), ("datePublished", meta.published),
                            ("dateModified", meta.updated), ("articleSection", meta.section),
                            ("keywords", meta.keywords)):
            value = obj.get(key)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value if isinstance(v, str | int))
            if isinstance(value, str) and value.strip():
                # JSON-LD is often HTML-escaped twice ("&quot;", "&#039;").
                target.insert(0, (rule, collapse_whitespace(html.unescape(value))))
        meta.images[0:0] = [(rule, url) for url in _image_urls(obj.get("image"))]
        body = obj.get("articleBody")
        if isinstance(body, str) and body.strip() and meta.article_body is None:
            # some CMSs put the body's HTML there, some escape it once more
            meta.article_body = _TAG.sub("\n", html.unescape(body)).strip()
        people, organisations = _person_names(obj.get("author"))
        meta.author[0:0] = [(rule, name) for name in people or organisations]
        meta.organisations.extend(organisations)
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            meta.site_name.append((rule + " publisher", publisher["name"].strip()))


def _objects(data: Any, depth: int) -> list[dict[str, Any]]:
    """Every dict in a JSON-LD document, @graph included, without unbounded recursion."""
    if depth > 6:
        return []
    if isinstance(data, list):
        return [o for item in data for o in _objects(item, depth + 1)]
    if not isinstance(data, dict):
        return []
    found = [data]
    for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
        if key in data and isinstance(data[key], list | dict):
            found.extend(_objects(data[key], depth + 1))
    return found


def _person_names(value: Any) -> tuple[list[str], list[str]]:
    """(people, organisations) named as JSON-LD authors; an Organization author is the
    outlet, not a byline."""
    items = value if isinstance(value, list) else [value]
    people: list[str] = []
    organisations: list[str] = []
    for item in items[:20]:
        target = people
        if isinstance(item, dict):
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(isinstance(k, str) and "organization" in k.lower() for k in kinds):
                target = organisations
            item = item.get("name")
        if isinstance(item, str) and target is people:
            # "Povilas Aleksandravičius, Mykolo Romerio universiteto … profesorius":
            # a role after the name (not "Doe, John", which has one word after).
            head, _, role = item.partition(",")
            if len(_ROLE_WORDS.findall(role)) >= 2:
                item = head
        if isinstance(item, str) and item.strip() and len(item) < 100:
            target.append(collapse_whitespace(html.unescape(item)))
    return people, organisations


def _breadcrumb_names(obj: dict[str, Any]) -> list[str]:
    items = obj.get("itemListElement")
    if not isinstance(items, list):
        return []
    ranked: list[tuple[int, str]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        inner = item.get("item")
        if not name and isinstance(inner, dict):
            name = inner.get("name")
        if isinstance(name, str) and name.strip():
            position = item.get("position")
            ranked.append((position if isinstance(position, int) else len(ranked), name.strip()))
    return [name for _, name in sorted(ranked)]
