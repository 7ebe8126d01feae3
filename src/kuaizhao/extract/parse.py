"""Bytes to an lxml tree, within bounded time and memory.

Everything downstream works on one parsed tree; this is the only place that decides
how much of the input is read and how broken markup is repaired.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.etree
import lxml.html

from kuaizhao.charset import decode_html
from kuaizhao.errors import ExtractError

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# lxml refuses str input holding NUL and most C0 controls; browsers drop them too.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """A parsed page, or (tree None) the reason there is nothing to parse."""

    tree: lxml.html.HtmlElement | None
    codec: str | None = None
    truncated: bool = False
    reason: str | None = None


def parse_page(body: bytes, content_type: str | None, max_bytes: int) -> ParsedPage:
    """Decode and parse at most the first `max_bytes` bytes of `body`.

    Empty input, binary data and markup-free text give a ParsedPage without a tree
    and with a reason, because the pipeline feeds every fetched body through here and
    a non-article page is an outcome, not an error.
    """
    if max_bytes <= 0:
        raise ExtractError(f"max_bytes must be a positive number of bytes, got {max_bytes}")
    truncated = len(body) > max_bytes
    head = body[:max_bytes]
    if not head.strip():
        return ParsedPage(None, reason="empty page: no bytes to extract from")
    if _looks_binary(head):
        return ParsedPage(
            None,
            reason="binary data, not HTML (many NUL bytes): an image, PDF or compressed file?",
        )
    text, codec = decode_html(head, content_type)
    text = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
    if "<" not in text:
        return ParsedPage(None, codec=codec, reason="plain text without HTML markup")
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, default_doctype=False)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        return ParsedPage(None, codec=codec, reason=f"HTML could not be parsed: {exc}")
    return ParsedPage(tree=tree, codec=codec, truncated=truncated)


def _looks_binary(head: bytes) -> bool:
    """Text pages hold almost no NUL bytes; images, archives and PDFs hold many."""
    sample = head[:8192]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 has a NUL in every other byte and is still text
    return sample.count(0) > len(sample) // 100 + 1
