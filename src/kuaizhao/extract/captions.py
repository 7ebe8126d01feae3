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

_CAPTION_CLASS = re.compile(
    r"(?:^|[\s_-])(?:caption|figcaption|pic_?txt|pictext|pic-?info|pic_?desc|img_?desc|"
    r"img-?title|img_?txt|imgtxt|image-?desc|photo-?desc|photo_?txt|photo-?caption|"
    r"wp-caption-text|picintro|pic_?note|tuzhu|img_?note|desc_?img)(?:$|[\s_-])",
    re.I,
)
# A line that is only a photo credit, or a caption ending in one.
CREDIT_RE = re.compile(
    r"(?:供图|摄影?|图片来源[:：].{0,30}|图源[:：].{0,30}|资料图(?:片)?|视觉中国|"
    r"新华社发|图/.{1,20}|\bIC\s*photo|Getty Images|Photo:.{0,60}|/\s*(?:Reuters|AP|AFP))"
    r"\s*[)）\]】]?\s*[。.]?$",
    re.I,
)
_SHORT_CAPTION = 120
MAX_CAPTIONS = 200


@dataclass(frozen=True, slots=True)
class CaptionResult:
    captions: tuple[str, ...]
    images: tuple[Image, ...]


def is_credit_line(text: str) -> bool:
    """A short line that reads as a caption with a photo credit."""
    text = text.strip()
    return 0 < len(text) <= _SHORT_CAPTION and bool(CREDIT_RE.search(text))


def take_captions(root: lxml.html.HtmlElement, base_url: str | None) -> CaptionResult:
    """Find captions and images under `root`; remove caption elements from the tree."""
    captions: list[str] = []
    found: list[lxml.html.HtmlElement] = []
    for el in root.iter("figcaption", "p", "div", "span", "td", "center", "font", "em"):
        if len(found) >= MAX_CAPTIONS:
            break
        if any(el is f or _is_ancestor(f, el) for f in found[-3:]):
            continue
        text = " ".join(el.text_content().split())
        if not text or len(text) > _SHORT_CAPTION * 2:
            continue
        if el.tag == "figcaption" or (
            _CAPTION_CLASS.search(f"{el.get('class', '')} {el.get('id', '')}")
            and len(text) <= _SHORT_CAPTION * 2
        ):
            found.append(el)
        elif el.tag in {"p", "center", "font", "em"} and len(text) <= _SHORT_CAPTION and (
            is_credit_line(text) or (_follows_image(el) and _looks_like_caption(el, text))
        ):
            found.append(el)
    images = _images(root, base_url, found)
    for el in found:
        text = " ".join(el.text_content().split())
        if text and text not in captions:
            captions.append(text)
        _drop_keep_tail(el)
    return CaptionResult(tuple(captions), images)


def _is_ancestor(ancestor: lxml.html.HtmlElement, el: lxml.html.HtmlElement) -> bool:
    return any(parent is ancestor for parent in el.iterancestors())


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
    style = (el.get("style") or "").replace(" ", "").lower()
    centred = "text-align:center" in style or (el.get("align") or "").lower() == "center"
    return centred or el.tag == "center" or len(text) <= 60 and not text.endswith(("：", ":"))


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
) -> tuple[Image, ...]:
    """Images in document order; each caption goes to the closest image before it."""
    caption_ids = {id(c) for c in captions}
    srcs: list[tuple[str, str | None]] = []
    caption_of: dict[int, str] = {}
    pending: int | None = None  # index of the last image still without a caption
    for el in root.iter():
        if id(el) in caption_ids:
            if pending is not None:
                caption_of[pending] = " ".join(el.text_content().split())
                pending = None
            continue
        if el.tag != "img" or len(srcs) >= 100:
            continue
        src = (el.get("data-original") or el.get("data-src") or el.get("src") or "").strip()
        width = el.get("width") or ""
        if not src or src.startswith("data:") or (width.isdigit() and int(width) < 100):
            continue  # inline data, icons, share buttons, tracking pixels
        srcs.append((src, el.get("alt") or None))
        pending = len(srcs) - 1
    out: list[Image] = []
    seen: set[str] = set()
    for i, (src, alt) in enumerate(srcs):
        url = urljoin(base_url, src) if base_url else src
        if url in seen:
            continue
        seen.add(url)
        out.append(Image(src=url, caption=caption_of.get(i) or None, alt=alt))
    return tuple(out)
