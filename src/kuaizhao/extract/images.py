"""Which of the page's images and captions belong to the article.

A news page carries many pictures that are not the story's: sidebar and "related"
thumbnails, promo cards, ads, logos, tracking pixels. Taken page-wide they were
attached to the article, with their captions (a VentureBeat page showed "Hearthstone:
Battlegrounds." and "Clumio" before its first paragraph). An image belongs to the
article when it sits inside the element that holds the chosen body, and not in a
navigation, aside, related or promo container there, nor in a link to another page
of the same site (a teaser's thumbnail). The lead photo a page declares (og:image, JSON-LD image)
often sits above the headline, outside the body's element: it counts when the page
shows it and not in such a container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import islice
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

import lxml.html

from kuaizhao.extract.captions import CaptionResult
from kuaizhao.models import Image

# How many of the body's paragraphs a child must hold for the search to go down into it.
_SHARE = 0.8
_KEY_CHARS = 24
_MIN_KEY = 8
_MAX_KEYS = 40
_PROMO_TAGS = frozenset({"nav", "aside", "footer", "form"})
_PROMO_NAME = re.compile(
    r"relat|recommend|promo|sponsor|advert|(?:^|[\s_-])ads?(?:$|[\s_-])|banner|sidebar|"
    r"side-?bar|widget|share|social|trending|popular|most-?read|read-?more|more-?stories|"
    r"newsletter|outbrain|taboola|xgwz|xiangguan|tuijian|hot-?news|rebang",
    re.I,
)
# Share of file-name words two names must have in common to be one picture.
_SAME_SHARE = 0.6
_WORD = re.compile(r"[^\W_]+")
_SIZE = re.compile(r"\d{1,4}|\d+x\d+|[whq]\d+|\d+(?:p|px|w)|rc|thumb|small|large|medium")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|bmp|tiff?)$", re.I)


@dataclass(frozen=True, slots=True)
class ArticleImages:
    images: tuple[Image, ...]
    captions: tuple[str, ...]
    rule: str


def article_images(
    root: lxml.html.HtmlElement, paragraphs: tuple[str, ...], caps: CaptionResult,
    declared: list[str], url: str | None,
) -> ArticleImages:
    """The images and captions of `caps` that belong to the article whose body is
    `paragraphs`; `declared` are the page's og:image / JSON-LD image URLs."""
    region = body_region(root, paragraphs)
    if region is None:
        return ArticleImages((), (), "no body element found: no images")
    leads = [urljoin(url or "", u) for u in declared]
    kept: list[Image] = []
    lead: tuple[float, Image] | None = None  # the best match for a declared lead
    promo = _Promo(region)
    for image, path in zip(caps.images, caps.image_paths, strict=True):
        if promo.holds(path) or _links_elsewhere(path, url):
            continue
        if region in path:
            kept.append(image)
        elif (score := max((_same_picture(image.src, u) for u in leads), default=0.0)) and (
                lead is None or score > lead[0]):
            lead = score, image
    images = tuple(([lead[1]] if lead else []) + kept)
    shown = {i.caption for i in images if i.caption}
    captions = tuple(
        text for text, path in zip(caps.captions, caps.caption_paths, strict=True)
        if text in shown or (region in path and not promo.holds(path)))
    return ArticleImages(images, captions, "inside the body's element, or the declared lead")


def body_region(
    root: lxml.html.HtmlElement, paragraphs: tuple[str, ...]
) -> lxml.html.HtmlElement | None:
    """The smallest element that holds (nearly) all of the body's paragraphs.

    From <body> down, step into the child that holds `_SHARE` of the paragraphs found
    so far; stop where none does (the paragraphs are spread over its children).
    Going up from there to take in more of the article's frame was tried: it also took
    in logos, QR codes and tracking pixels, which carry no text to tell them apart.
    """
    keys = list(islice((n[:_KEY_CHARS] for p in paragraphs
                        if len(n := _squeeze(p)) >= _MIN_KEY), _MAX_KEYS))
    node = root.find("body")
    if node is None:
        node = root
    page = _squeeze(node.text_content())
    found = [k for k in keys if k in page]
    if not found:
        return None
    while True:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            text = child.text_content()
            if len(text) < _SHARE * len(found) * _MIN_KEY:
                continue  # too short to hold that many keys; no need to look inside
            text = _squeeze(text)
            if sum(k in text for k in found) >= _SHARE * len(found):
                node = child
                break
        else:
            return node


class _Promo:
    """Whether an element sits in a navigation, aside or promo container of its own: one
    below the body's element, or (outside it) below the element that holds both. The
    images of a page share most ancestors, so each element is judged once."""

    def __init__(self, region: lxml.html.HtmlElement) -> None:
        self._stops = {region, *region.iterancestors()}
        self._seen: dict[lxml.html.HtmlElement, bool] = {}

    def holds(self, path: tuple[lxml.html.HtmlElement, ...]) -> bool:
        for parent in path[1:]:
            if parent in self._stops:
                return False
            if self._is_promo(parent):
                return True
        return False

    def _is_promo(self, el: lxml.html.HtmlElement) -> bool:
        found = self._seen.get(el)
        if found is None:
            names = f"{el.get('class') or ''} {el.get('id') or ''}"
            found = el.tag in _PROMO_TAGS or bool(names.strip() and _PROMO_NAME.search(names))
            self._seen[el] = found
        return found


def _squeeze(text: str) -> str:
    """`text` without white space: the body's paragraphs and the tree's text differ in
    their spaces only, and this is many times cheaper than `norm` on a whole page."""
    return "".join(text.split())


def _links_elsewhere(path: tuple[lxml.html.HtmlElement, ...], url: str | None) -> bool:
    """A thumbnail in a link to another page of the same site: a teaser for another
    article. A link to the picture itself, or to where it came from on another site
    (a NASA photo linking to NASA's page), keeps the picture the article's."""
    for parent in path[1:]:
        if parent.tag != "a":
            continue
        href = (parent.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            return False
        target = urlsplit(urljoin(url or "", href))
        here = urlsplit(url or "")
        return (not _IMAGE_FILE.search(target.path)
                and _site(target.netloc) == _site(here.netloc)
                and (target.path, target.query) != (here.path, here.query))
    return False


def _site(netloc: str) -> str:
    return netloc.lower().removeprefix("www.")


def _picture_words(src: str) -> frozenset[str]:
    """The words and ids of an image's file name, without sizes: a page shows its
    declared lead in another size or crop ("493-wework-lay-off.jpg" is shown as
    "1200-wework-lay-off-650x405.jpg", "184627-442866-442863.jpg" as
    "184627-442864-442863_rc.jpg")."""
    stem = PurePosixPath(urlsplit(src).path).stem.lower()
    return frozenset(w for w in _WORD.findall(stem) if not _SIZE.fullmatch(w))


def _same_picture(shown: str, declared: str) -> float:
    """How surely `shown` is the picture `declared` (0 when it is not)."""
    a, b = urlsplit(shown), urlsplit(declared)
    if a.path and (a.netloc, a.path) == (b.netloc, b.path):
        return 2.0  # the same file in another size (a query string asks for it)
    words, lead = _picture_words(shown), _picture_words(declared)
    if not words or not lead:
        return 0.0
    share = len(words & lead) / min(len(words), len(lead))
    if words == lead or (len(words & lead) >= 2 and share >= _SAME_SHARE):
        return share
    return 0.0
