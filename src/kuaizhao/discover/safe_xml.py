"""Parsing untrusted XML without letting it reach files, the network or all memory.

Sitemaps come from servers we do not control. lxml is told never to load a DTD,
never to expand entities and never to touch the network, and a document that declares
entities at all is refused, so neither `file:///etc/passwd` nor a billion laughs goes
anywhere; `recover` keeps what precedes other damage.
Gzip-compressed documents are inflated here in chunks with a cap, and
`stream_untrusted_xml` parses them as they inflate, dropping each entry once read:
a gzip bomb or a 50 MB sitemap costs a few chunks of memory, not its whole tree.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass

from lxml import etree

GZIP_MAGIC = b"\x1f\x8b"
# The sitemaps.org protocol caps an uncompressed sitemap at 50 MB.
MAX_XML_BYTES = 50 * 1024 * 1024
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_HEAD_BYTES = 65536  # entity declarations must precede the root element: look this far
_CHUNK = 1 << 16


@dataclass(frozen=True, slots=True)
class ParsedXml:
    root: etree._Element | None
    problems: tuple[str, ...]


def inflate(body: bytes, problems: list[str], limit: int = MAX_XML_BYTES) -> Iterator[bytes]:
    """`body` in chunks, gzip-inflated when it starts with the gzip magic, stopping
    once `limit` bytes came out. What went wrong is appended to `problems`; the
    chunks before the damage are still yielded, so a truncated .xml.gz keeps its
    first entries."""
    if not body.startswith(GZIP_MAGIC):
        for start in range(0, min(len(body), limit), _CHUNK):
            yield body[start:min(start + _CHUNK, limit)]
        if len(body) > limit:
            problems.append(f"document is larger than {limit} bytes; only the first part "
                            "was read")
        return
    inflater = zlib.decompressobj(wbits=31)
    pending, total = body, 0
    try:
        while pending:
            chunk = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            if total + len(chunk) > limit:
                yield chunk[:limit - total]
                problems.append(f"gzip content inflates past {limit} bytes (a gzip bomb or "
                                "an oversized document); only the first part was read")
                return
            total += len(chunk)
            yield chunk
            if inflater.eof:
                break
        yield inflater.flush()[:limit - total]
    except zlib.error as exc:
        problems.append(f"gzip content is damaged ({exc}); read what inflated before it")
        return
    if not inflater.eof:
        problems.append("gzip content ends early (truncated download); read what was there")


def gunzip_capped(data: bytes, limit: int = MAX_XML_BYTES) -> tuple[bytes, str | None]:
    """Inflate a gzip stream whole, up to `limit` bytes: `(data, problem)`."""
    problems: list[str] = []
    out = b"".join(inflate(data, problems, limit))
    return out, problems[0] if problems else None


def attribute(element: etree._Element, name: str) -> str | None:
    """An attribute's value; None when recovery left it undecodable (lxml keeps a
    reference to a surrogate such as `&#xD800;` as bytes that are not UTF-8)."""
    try:
        value = element.get(name)
    except UnicodeDecodeError:
        return None
    return str(value) if value is not None else None


def text_of(element: etree._Element) -> str | None:
    """All text inside `element`; None when recovery left it undecodable."""
    try:
        return "".join(element.itertext())
    except UnicodeDecodeError:
        return None


def _refuses_entities(head: bytes) -> str | None:
    if _ENTITY_DECL.search(head):
        # No sitemap needs entities; a document declaring them is an attack or broken,
        # and what lxml recovers after refusing them cannot be trusted either.
        return ("document declares XML entities, which no sitemap needs (entity-expansion "
                "or external-entity attack?); refused")
    return None


def _parser_options() -> dict[str, bool]:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False,
            "huge_tree": False, "recover": True, "remove_comments": True,
            "remove_pis": True}


def _error_problem(log: etree._ListErrorLog) -> str | None:
    errors = [e for e in log if e.level >= etree.ErrorLevels.ERROR]
    if not errors:
        return None
    first = errors[0]
    return (f"malformed XML at line {first.line}: {first.message.strip()} "
            f"({len(errors)} error(s)); kept what parsed")


def stream_untrusted_xml(body: bytes,
                         problems: list[str]) -> Generator[etree._Element, None, None]:
    """Parse `body` (gzip-compressed or not) as it inflates: yields the root element
    when it opens, then each child of the root once it is complete.

    A child is cleared after the caller has read it, so memory stays at one entry
    however long the document; a caller that has enough simply stops iterating and
    nothing more is inflated. Problems are appended to `problems`.
    """
    chunks = inflate(body, problems)
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= _HEAD_BYTES:
            break
    refused = _refuses_entities(head[:_HEAD_BYTES])
    if refused:
        problems.append(refused)
        return
    parser = etree.XMLPullParser(events=("start", "end"), **_parser_options())
    depth, seen_root = 0, False
    try:
        for data in _chain(head, chunks):
            parser.feed(data)
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    if depth == 1 and not seen_root:
                        seen_root = True
                        yield element
                    continue
                depth -= 1
                if depth == 1:
                    yield element
                    element.clear(keep_tail=False)
                    parent = element.getparent()
                    if parent is not None:
                        parent.remove(element)
        parser.close()
    except etree.XMLSyntaxError as exc:
        if not seen_root:
            problems.append(f"not XML: {exc}")
            return
    problem = _error_problem(parser.error_log)
    if problem:
        problems.append(problem)
    if not seen_root:
        problems.append("no XML document found")


def _chain(head: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    if head:
        yield head
    yield from rest


def parse_untrusted_xml(body: bytes) -> ParsedXml:
    """Parse `body` (gzip-compressed or not) whole, with entities and DTDs switched off;
    for short documents (a feed's links), where a tree is convenient."""
    problems: list[str] = []
    data = b"".join(inflate(body, problems))
    refused = _refuses_entities(data[:_HEAD_BYTES])
    if refused:
        return ParsedXml(None, (*problems, refused))
    parser = etree.XMLParser(**_parser_options())
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        return ParsedXml(None, (*problems, f"not XML: {exc}"))
    problem = _error_problem(parser.error_log)
    if problem:
        problems.append(problem)
    if root is None:
        problems.append("no XML document found")
    return ParsedXml(root, tuple(problems))
