"""Listing pages (a section front, 国内新闻 page 3): article links and the next page.

Which links are articles is the source's business: a regex from the sources file
(`link_pattern`) matched against the absolute, normalised URL. Pagination is found
by `rel=next`, by 下一页 / Next / › style anchors, or by the anchor numbered one
past the current page.
"""

from __future__ import annotations

import re
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from kuaizhao.charset import decode_html
from kuaizhao.discover.result import DiscoveryResult
from kuaizhao.errors import ConfigError, UsageError
from kuaizhao.models import Candidate, LinkKind
from kuaizhao.urls import normalize_url
from kuaizhao.whitespace import collapse_whitespace

_NEXT_WORDS = frozenset({"下一页", "下页", "下一頁", "后页", "後頁", "下一页>>", "next",
                         "nextpage", "older", "olderposts", "olderentries"})
_NEXT_ARROWS = frozenset({"›", "»", ">", "→", "下一页»", "next»", "next›"})
_DECORATION = re.compile(r"[\s\u00a0<>›»→]+")
_CURRENT_CLASSES = frozenset({"current", "active", "cur", "on", "selected", "curr"})
# A portal's front page has ~3,000 links; each costs ~0.1 ms, and a hostile page of
# 250,000 took 35 s on the event loop, so only the first ones are looked at.
MAX_LISTING_LINKS = 10_000
_PAGE_IN_URL = (
    re.compile(r"[?&](?:page|p|pn|pg|pageno|pageindex|pagenum)=(\d+)", re.I),
    re.compile(r"/page/(\d+)/?$", re.I),
    re.compile(r"[_-](\d+)\.s?html?$", re.I),
)


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """Compile a sources-file regex, turning a bad one into a message that says so."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"link pattern {pattern!r} is not a valid regular expression "
                          f"({exc}); fix it in the sources file") from exc


def _text(node: LexborNode) -> str:
    return collapse_whitespace(node.text(deep=True, separator=" ") or "")


def _classes(node: LexborNode | None) -> set[str]:
    if node is None:
        return set()
    return set((node.attributes.get("class") or "").lower().split())


def _current_page(tree: LexborHTMLParser, base_url: str) -> int:
    """The page number this listing shows: a pagination item marked current, else a
    number in the URL, else 1."""
    for node in tree.css("[class]"):
        if _classes(node) & _CURRENT_CLASSES:
            text = _text(node)
            if text.isdigit() and len(text) < 6:
                return int(text)
    for pattern in _PAGE_IN_URL:
        m = pattern.search(base_url)
        if m:
            return int(m.group(1))
    return 1


def _is_next_anchor(node: LexborNode) -> bool:
    rel = (node.attributes.get("rel") or "").lower().split()
    if "next" in rel:
        return True
    if "next" in _classes(node) or "next" in _classes(node.parent):
        return True
    text = _text(node)
    squashed = _DECORATION.sub("", text).lower()
    if squashed in _NEXT_WORDS:
        return True
    return text.replace(" ", "").lower() in _NEXT_ARROWS


def _next_page(tree: LexborHTMLParser, anchors: list[LexborNode], base: str,
               page_url: str) -> str | None:
    def resolve(href: str | None) -> str | None:
        if not href or href.strip().lower().startswith(("javascript:", "#")):
            return None
        try:
            url = normalize_url(href, base)
        except UsageError:
            return None
        return url if url != page_url else None

    for node in tree.css("link[rel][href]"):
        if "next" in (node.attributes.get("rel") or "").lower().split():
            found = resolve(node.attributes.get("href"))
            if found:
                return found
    for node in anchors:
        if _is_next_anchor(node):
            found = resolve(node.attributes.get("href"))
            if found:
                return found
    wanted = str(_current_page(tree, page_url) + 1)
    for node in anchors:
        if _text(node) == wanted:
            found = resolve(node.attributes.get("href"))
            if found:
                return found
    return None


def parse_listing(body: bytes, base_url: str, link_pattern: str, next_page: bool = True,
                  *, content_type: str | None = None) -> DiscoveryResult:
    """Links on a listing page whose absolute URL matches `link_pattern` (re.search),
    in page order with the anchor text as title, plus the next page as a child."""
    pattern = compile_pattern(link_pattern)
    page_url = normalize_url(base_url)
    text, _codec = decode_html(body, content_type)
    tree = LexborHTMLParser(text)
    base = page_url
    base_node = tree.css_first("base[href]")
    if base_node is not None:
        try:
            base = normalize_url(base_node.attributes.get("href") or "", page_url)
        except UsageError:
            base = page_url

    anchors = tree.css("a[href]")
    problems: tuple[str, ...] = ()
    if len(anchors) > MAX_LISTING_LINKS:
        problems = (f"the page has {len(anchors)} links; only the first {MAX_LISTING_LINKS} "
                    "were looked at",)
        anchors = anchors[:MAX_LISTING_LINKS]
    nxt = _next_page(tree, anchors, base, page_url) if next_page else None
    titles: dict[str, str | None] = {}
    for node in anchors:
        href = node.attributes.get("href") or ""
        try:
            url = normalize_url(href, base)
        except UsageError:
            continue
        if url in (nxt, page_url) or not pattern.search(url):
            continue
        title = _text(node) or node.attributes.get("title") or None
        old = titles.get(url)
        if url not in titles or (title and (not old or len(title) > len(old))):
            titles[url] = title
    if tree.body is None or not text.strip():
        problems = ("listing page is empty or not HTML; check the listing URL",)
    elif not titles:
        problems += (f"no link on the page matches {link_pattern!r}; the site may have changed "
                    "its URLs or the pattern needs updating",)
    return DiscoveryResult(
        candidates=tuple(Candidate(url=u, kind=LinkKind.ARTICLE, title=t)
                         for u, t in titles.items()),
        children=(Candidate(url=nxt, kind=LinkKind.LISTING),) if nxt else (),
        problems=problems,
    )
