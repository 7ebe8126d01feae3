"""Parsing untrusted XML without letting it reach files, the network or all memory.

Sitemaps come from servers we do not control. lxml is told never to load a DTD,
never to expand entities and never to touch the network, and a document that declares
entities at all is refused, so neither `file:///etc/passwd` nor a billion laughs goes
anywhere; `recover` keeps what precedes other damage.
Gzip-compressed sitemaps are inflated here with a cap, so a gzip bomb stops early.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from lxml import etree

GZIP_MAGIC = b"\x1f\x8b"
# The sitemaps.org protocol caps an uncompressed sitemap at 50 MB.
MAX_XML_BYTES = 50 * 1024 * 1024
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class ParsedXml:
    root: etree._Element | None
    problems: tuple[str, ...]


def gunzip_capped(data: bytes, limit: int = MAX_XML_BYTES) -> tuple[bytes, str | None]:
    """Inflate a gzip stream, stopping once `limit` bytes come out.

    Returns `(data, problem)`; on a problem `data` holds what inflated cleanly, so a
    truncated .xml.gz still yields its first entries.
    """
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    pending = data
    try:
        while pending:
            out += inflater.decompress(pending, _CHUNK)
            if len(out) > limit:
                return bytes(out[:limit]), (
                    f"gzip content inflates past {limit} bytes (a gzip bomb or an oversized "
                    "sitemap); only the first part was read")
            pending = inflater.unconsumed_tail
        out += inflater.flush()
    except zlib.error as exc:
        return bytes(out), f"gzip content is damaged ({exc}); read what inflated before it"
    if not inflater.eof:
        return bytes(out), "gzip content ends early (truncated download); read what was there"
    return bytes(out), None


def parse_untrusted_xml(body: bytes) -> ParsedXml:
    """Parse `body` (gzip-compressed or not) with entities and DTDs switched off."""
    problems: list[str] = []
    if body.startswith(GZIP_MAGIC):
        body, problem = gunzip_capped(body)
        if problem:
            problems.append(problem)
    if len(body) > MAX_XML_BYTES:
        body = body[:MAX_XML_BYTES]
        problems.append(f"document is larger than {MAX_XML_BYTES} bytes; only the first part "
                        "was read")
    if _ENTITY_DECL.search(body[:65536]):
        # No sitemap needs entities; a document declaring them is an attack or broken,
        # and what lxml recovers after refusing them cannot be trusted either.
        return ParsedXml(None, (*problems, "document declares XML entities, which no sitemap "
                                "needs (entity-expansion or external-entity attack?); refused"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, recover=True, remove_comments=True,
                             remove_pis=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        return ParsedXml(None, (*problems, f"not XML: {exc}"))
    errors = [e for e in parser.error_log if e.level >= etree.ErrorLevels.ERROR]
    if errors:
        first = errors[0]
        problems.append(f"malformed XML at line {first.line}: {first.message.strip()} "
                        f"({len(errors)} error(s)); kept what parsed")
    if root is None:
        problems.append("no XML document found")
    return ParsedXml(root, tuple(problems))
