"""Turning page bytes into text, getting Chinese encodings right.

Shared by discovery (feeds, listings) and extraction; pure, no I/O. Declared charsets
are trusted only when the bytes decode cleanly under them, because Chinese sites
often declare gb2312 while sending GBK/GB18030, or declare nothing at all.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_\-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([a-zA-Z0-9_\-]+)", re.I)

# GB2312 and GBK are subsets of GB18030; decoding with the superset never loses text.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
              "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252"}

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def _normalise(name: str) -> str | None:
    name = name.strip().lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charsets(body: bytes, content_type: str | None = None) -> list[str]:
    """Charsets the HTTP header, an XML declaration or a meta tag name, in that order."""
    found: list[str] = []
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m:
            found.append(m.group(1))
    head = body[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        declared = pattern.search(head)
        if declared:
            found.append(declared.group(1).decode("ascii", "replace"))
    return [n for n in (_normalise(f) for f in found) if n]


def detect_charset(body: bytes, content_type: str | None = None) -> str:
    """The codec that decodes `body` best: BOM, then UTF-8 when the non-ASCII bytes are
    valid UTF-8, then a declared charset that decodes cleanly, then statistical
    detection, then GB18030 as a last resort."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if _is_multibyte_utf8(body):
        return "utf-8"
    candidates = [*declared_charsets(body, content_type), "utf-8"]
    for name in dict.fromkeys(candidates):
        try:
            body.decode(name)
        except UnicodeDecodeError:
            continue
        return name
    best = from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return _normalise(best.encoding) or best.encoding
    return "gb18030"


def _is_multibyte_utf8(body: bytes) -> bool:
    """Bytes that hold non-ASCII characters and decode strictly as UTF-8 are UTF-8,
    whatever the page declares: Latin-1/cp1252 and GBK decode almost any bytes, so
    "decodes cleanly" proves nothing for them, while legacy-encoded text that is also
    valid multi-byte UTF-8 practically never occurs. Pages re-saved as UTF-8 keep their
    old `charset=iso-8859-1` meta; decoding them as declared garbles every ü (fÃ¼r)."""
    if body.isascii():
        return False
    try:
        # Not final: a body cut at a byte limit may end inside a character.
        codecs.getincrementaldecoder("utf-8")().decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Return `(text, codec)`; undecodable bytes become U+FFFD rather than an error."""
    name = detect_charset(body, content_type)
    return body.decode(name, errors="replace"), name
