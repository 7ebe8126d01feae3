"""Image captions and photo credits, kept apart from the body.

No general extractor separates them (trafilatura #281), yet Chinese pages put a
caption paragraph under nearly every photo ("座谈会现场。无锡日报供图"). A caption is
recognised by markup (figcaption, caption-like class names) or by position and shape
(a short paragraph right after an image, or a line ending in a credit such as 供图 /
摄 / 图片来源), then removed from the tree before the body is extracted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html

from kuaizhao.models import Image
from kuaizhao.whitespace import collapse_whitespace

_CAPTION_CLASS = re.compile(
    r"(?:^|[\s_-])(?:caption|figcaption|pic_?txt|pictext|pic-?info|pic_?desc|img_?desc|"
    r"img-?title|img_?txt|imgtxt|image-?desc|photo-?desc|photo_?txt|photo-?caption|"
    r"wp-caption-text|picintro|pic_?note|tuzhu|img_?note|desc_?img)(?:$|[\s_-])",
    re.I,
)
# A caption ending in a photo credit: "座谈会现场。无锡日报供图", "（新华社记者 张三 摄）",
# "图片来源：视觉中国". The credit must follow a break (start, space, bracket, 。, /)
# and end the line without a full stop, so a sentence such as "他们一起拍摄。" is not one.
CREDIT_RE = re.compile(
    r"(?:(?:^|[\s（(【\[。/|｜])[^\s（(。]{0,12}?\s*[\u4e00-\u9fffA-Za-z·]{2,12}\s*/?\s*"
    r"(?:供图|摄影?|制图|绘图)"
    r"|(?:图片来源|图源|图片)\s*[:：/]\s*\S.{0,30}"
    r"|资料图(?:片)?|视觉中国|新华社发(?:\s*[\u4e00-\u9fff·]{2,4}\s*摄)?"
    r"|\bIC\s*photo|Getty Images|\b(?:Photo|Image|Credit)s?\s*:.{0,60}"
    r"|/\s*(?:Reuters|AP|AFP|EPA|Bloomberg)(?: Photo)?)"
    r"\s*[)）\]】]?$",
    re.I,
)
_SHORT_CAPTION = 120
_SHAPE_TAGS = frozenset({"p", "center", "font", "em"})
# Chinese captions often open with these; body sentences rarely do.
_CAPTION_OPENING = re.compile(r"^(?:图为|图[:：]|上图|下图|左图|右图|组图|▲|△|↑|（图）)")
MAX_CAPTIONS = 200


@dataclass(frozen=True, slots=True)
class CaptionResult:
    """Every caption and image on the page. Which of them belong to the article is only
    known once the body is found (`images.article_images`), so each comes with where it
    was."""

    captions: tuple[str, ...]
    images: tuple[Image, ...]
    # Where each image and caption was, as the chain of elements from it up to the root,
    # taken now: body extraction later removes caption elements (WordPress's
    # div.wp-caption holds its image) and invisible ones (an <img> in <noscript>).
    image_paths: tuple[tuple[lxml.html.HtmlElement, ...], ...] = ()
    caption_paths: tuple[tuple[lxml.html.HtmlElement, ...], ...] = ()


def is_credit_line(text: str) -> bool:
    """A short line that reads as a caption with a photo credit."""
    text = text.strip()
    return 0 < len(text) <= _SHORT_CAPTION and bool(CREDIT_RE.search(text))


def take_captions(root: lxml.html.HtmlElement, base_url: str | None) -> CaptionResult:
    """Find captions and images under `root`; remove caption elements from the tree."""
    captions: list[str] = []
    found: list[lxml.html.HtmlElement] = []
    # Elements under an already found caption. The set holds the elements themselves, not
    # their id()s: holding them keeps lxml from recycling their proxies (and the ids).
    inside: set[lxml.html.HtmlElement] = set()
    for el in root.iter("figcaption", "p", "div", "span", "td", "center", "font", "em"):
        if len(found) >= MAX_CAPTIONS:
            break
        if el in inside:
            continue
        by_class = el.tag == "figcaption" or _caption_class(el)
        if not by_class and el.tag not in _SHAPE_TAGS:
            continue  # text_content() of every div would make this quadratic
        text = " ".join(el.text_content().split())
        if not text or len(text) > _SHORT_CAPTION * 2:
            continue
        if by_class or (len(text) <= _SHORT_CAPTION and (
            is_credit_line(text) or (_follows_image(el) and _looks_like_caption(el, text))
        )):
            found.append(el)
            inside.update(el.iterdescendants())
    images = _images(root, base_url, found)
    image_paths = tuple(_path(el) for _, el in images)
    paths: list[tuple[lxml.html.HtmlElement, ...]] = []
    for el in found:
        text = " ".join(el.text_content().split())
        if text and text not in captions:
            captions.append(text)
            paths.append(_path(el))
        _drop_keep_tail(el)
    return CaptionResult(tuple(captions), tuple(i for i, _ in images), image_paths,
                         tuple(paths))


def _path(el: lxml.html.HtmlElement) -> tuple[lxml.html.HtmlElement, ...]:
    return (el, *el.iterancestors())


def _caption_class(el: lxml.html.HtmlElement) -> bool:
    names = f"{el.get('class') or ''} {el.get('id') or ''}"
    # Most elements carry no name that could match: testing for the words every
    # alternative of _CAPTION_CLASS contains is much cheaper than the regex.
    low = names.lower()
    hinted = ("cap" in low or "pic" in low or "img" in low or "imag" in low or "photo" in low
              or "tuzhu" in low or "desc" in low)
    return hinted and bool(_CAPTION_CLASS.search(names))


def _follows_image(el: lxml.html.HtmlElement) -> bool:
    """True when the nearest preceding content is an image (sibling or inside it)."""
    if el.find(".//img") is not None and not (el.text or "").strip():
        return False  # the image itself, not its caption
    prev = el.getprevious()
    while prev is not None and not isinstance(prev.tag, str):
        prev = prev.getprevious()
    if prev is None:
        return False
    return prev.tag == "img" or (
        prev.find(".//img") is not None and not " ".join(prev.text_content().split())
    )


def _looks_like_caption(el: lxml.html.HtmlElement, text: str) -> bool:
    """Shape of a caption right under an image: centred, or opened like one, or a
    short label that is not a sentence (body sentences end with 。！？ or a period),
    and not a link (the headline of a teaser card)."""
    linked = "".join(a.text_content() for a in el.iter("a"))
    if linked and "".join(linked.split()) == "".join(text.split()):
        return False  # a card's headline under its picture, linking to another article
    style = (el.get("style") or "").replace(" ", "").lower()
    centred = "text-align:center" in style or (el.get("align") or "").lower() == "center"
    if centred or el.tag == "center" or _CAPTION_OPENING.match(text):
        return True
    return len(text) <= 30 and not text.endswith(("。", "！", "？", ".", "!", "?", "：", ":"))


def _drop_keep_tail(el: lxml.html.HtmlElement) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    prev = el.getprevious()
    if tail and tail.strip():
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _images(
    root: lxml.html.HtmlElement, base_url: str | None, captions: list[lxml.html.HtmlElement]
) -> list[tuple[Image, lxml.html.HtmlElement]]:
    """Images in document order, each with its element; each caption goes to the image
    its element holds, else to the closest image before it."""
    caption_set = set(captions)
    srcs: list[tuple[str, str | None, lxml.html.HtmlElement]] = []
    caption_of: dict[int, str] = {}
    pending: int | None = None  # index of the last image still without a caption
    wrapping: tuple[lxml.html.HtmlElement, str] | None = None  # a caption holding images
    for el in root.iter("img", *{c.tag for c in captions}):
        if el in caption_set:
            text = " ".join(el.text_content().split())
            if el.find(".//img") is not None:
                wrapping = el, text  # WordPress's div.wp-caption: its image is next
            elif pending is not None:
                caption_of[pending] = text
            pending = None
            continue
        if el.tag != "img" or len(srcs) >= 100:
            continue
        src = (el.get("data-original") or el.get("data-src") or el.get("src") or "").strip()
        width = el.get("width") or ""
        if not src or src.startswith("data:") or (width.isdigit() and int(width) < 100):
            continue  # inline data, icons, share buttons, tracking pixels
        srcs.append((src, collapse_whitespace(el.get("alt") or "") or None, el))
        pending = len(srcs) - 1
        if wrapping is not None and wrapping[0] in el.iterancestors():
            caption_of[pending], wrapping, pending = wrapping[1], None, None
    out: list[tuple[Image, lxml.html.HtmlElement]] = []
    seen: set[str] = set()
    for i, (src, alt, el) in enumerate(srcs):
        url = urljoin(base_url, src) if base_url else src
        if url in seen:
            continue
        seen.add(url)
        out.append((Image(src=url, caption=caption_of.get(i) or None, alt=alt), el))
    return out
