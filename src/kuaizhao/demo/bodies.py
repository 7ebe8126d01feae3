"""Reading the bundled pages: the seed snapshot's article, body texts, raw HTML.

Everything here is read from `pages/` next to this module, once, and cached; the demo
never reads anything outside the package.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from kuaizhao.errors import ConfigError

PAGES_DIR = Path(__file__).parent / "pages"

_SEED_DISCLAIMER = "以上内容为资讯信息快照"


@dataclass(frozen=True, slots=True)
class SeedArticle:
    """The article part of the seed snapshot page (between title and disclaimer)."""

    title: str
    info_line: str  # "类别:国内 发布时间:2024-02-07 21:02:00 来源:人民资讯"
    reposted_from: str  # "人民网-江苏频道"
    caption: str  # "座谈会现场。无锡日报供图"
    paragraphs: tuple[str, ...]


def read_bytes(relative: str) -> bytes:
    path = PAGES_DIR / relative
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            f"demo page {path} cannot be read ({exc.strerror}); "
            "reinstall kuaizhao so the bundled demo pages are present"
        ) from exc


@functools.cache
def seed_article(relative: str) -> SeedArticle:
    """Parse the seed snapshot text: nav bullets, title, info line, 本文转自 line, the
    title repeated, the caption, then body paragraphs up to the disclaimer."""
    lines = [line.strip() for line in read_bytes(relative).decode("utf-8").splitlines()]
    lines = [line for line in lines if line]
    try:
        start = next(i for i, line in enumerate(lines) if not line.startswith("•"))
        end = next(i for i, line in enumerate(lines) if line.startswith(_SEED_DISCLAIMER))
    except StopIteration:
        raise ConfigError(
            f"seed file {relative} has no title or no disclaimer line "
            f"({_SEED_DISCLAIMER}…); restore the bundled copy"
        ) from None
    title, info, repost, repeated, caption, *body = lines[start:end]
    if not repost.startswith("本文转自:") or repeated != title or not body:
        raise ConfigError(
            f"seed file {relative} is not laid out as title / info / 本文转自 / title / "
            "caption / body; restore the bundled copy"
        )
    return SeedArticle(
        title=title,
        info_line=info,
        reposted_from=repost.removeprefix("本文转自:"),
        caption=caption,
        paragraphs=tuple(body),
    )


@functools.cache
def text_paragraphs(relative: str) -> tuple[str, ...]:
    """A body text file: one paragraph per non-empty line."""
    text = read_bytes(relative).decode("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def paragraphs_of(relative: str) -> tuple[str, ...]:
    if relative.startswith("seed/"):
        return seed_article(relative).paragraphs
    return text_paragraphs(relative)


_META_TAG = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_CHARSET_ATTR = re.compile(r"""charset\s*=\s*["']?[\w-]+["']?""", re.IGNORECASE)
_CANONICAL_TAG = re.compile(
    r"""<(?:link\b[^>]*\brel=["']canonical["']|meta\b[^>]*\bproperty=["']og:url["'])[^>]*>""",
    re.IGNORECASE,
)
_URL_ATTR = re.compile(r"""\b(href|content)=(["'])[^"']*\2""", re.IGNORECASE)
_ANY_CHARSET_ATTR = re.compile(r"""\scharset=["']?[\w-]+["']?""", re.IGNORECASE)


def prepare_raw(html: str, url: str, charset: str | None) -> str:
    """Make a copied page consistent with where the demo serves it.

    Its canonical and og:url point to the demo URL instead of the publisher's, and
    its meta charset declarations name the encoding the demo sends (`None`: all
    charset attributes removed, so the page declares nothing at all).
    """

    def fix_canonical(match: re.Match[str]) -> str:
        return _URL_ATTR.sub(lambda m: f"{m.group(1)}={m.group(2)}{url}{m.group(2)}", match[0])

    html = _CANONICAL_TAG.sub(fix_canonical, html)
    if charset is None:
        html = _META_TAG.sub(lambda m: _strip_meta_charset(m[0]), html)
        return _ANY_CHARSET_ATTR.sub("", html)
    return _META_TAG.sub(lambda m: _CHARSET_ATTR.sub(f"charset={charset}", m[0]), html)


def _strip_meta_charset(tag: str) -> str:
    lowered = tag.lower()
    if "http-equiv" in lowered and "content-type" in lowered:
        return ""
    if re.match(r"<meta\s+charset\b", lowered):
        return ""
    return tag
