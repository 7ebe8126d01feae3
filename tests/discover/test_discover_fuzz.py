"""The discovery parsers never raise: whatever bytes a server sends, each returns a
DiscoveryResult (what it could read plus problems). Hypothesis builds feeds, sitemaps
and listing pages from damaged parts — character references to no character, entity
declarations, wrong encodings, truncation, gzip — next to plain random bytes; the
corpus in tests/data/discover/broken holds hand-made files of the same kinds."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuaizhao.discover import DiscoveryResult, parse_feed, parse_listing, parse_sitemap
from kuaizhao.discover.websub import hub_links

BROKEN = Path(__file__).parent.parent / "data" / "discover" / "broken"
BASE = "http://a.example/feed.xml"
FUZZ = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])

_char_refs = st.one_of(
    st.integers(0, 0xFFFFFFFFFF).map(lambda n: f"&#x{n:X};"),
    st.integers(0, 10**30).map(lambda n: f"&#{n};"),
    st.sampled_from(["&#;", "&#x;", "&#xD800;", "&#0;", "&amp;", "&lt;", "&nbsp;", "&bogus;",
                     "&#x" + "F" * 5000 + ";", "&#" + "9" * 5000 + ";", "&", "&#"]),
)
_text = st.one_of(st.text(max_size=40), _char_refs,
                  st.sampled_from(["<![CDATA[", "]]>", "<b>", "</b>", "<", ">", '"', "\x00",
                                   "\ufeff", "\ud7ff", "\U0010ffff", "javascript:x", "//", "\\"]))
_fragment = st.lists(_text, max_size=6).map("".join)
_doctype = st.sampled_from([
    "", '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">]>',
    '<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    '"http://my.netscape.com/publish/formats/rss-0.91.dtd">',
    "<!DOCTYPE", "<?xml-stylesheet href='x'?>"])
_declaration = st.sampled_from([
    '<?xml version="1.0" encoding="utf-8"?>', '<?xml version="1.0" encoding="gb2312"?>',
    '<?xml version="1.0" encoding="utf-16"?>', '<?xml version="1.0" encoding="nonsense"?>',
    '<?xml version="1.1"?>', "", "\ufeff", "<?xml"])
_encoding = st.sampled_from(["utf-8", "gb18030", "utf-16", "latin-1", "big5"])


@st.composite
def _documents(draw: st.DrawFn, kind: str) -> bytes:
    items = draw(st.lists(st.tuples(_fragment, _fragment, _fragment), max_size=4))
    if kind == "rss":
        body = "".join(f"<item><title>{t}</title><link>{link}</link><pubDate>{d}</pubDate>"
                       "</item>" for t, link, d in items)
        doc = f'<rss version="2.0"><channel><title>{draw(_fragment)}</title>{body}</channel></rss>'
    elif kind == "atom":
        body = "".join(f'<entry><title>{t}</title><link href="{link}"/><updated>{d}</updated>'
                       "</entry>" for t, link, d in items)
        doc = (f'<feed xmlns="http://www.w3.org/2005/Atom">'
               f'<link rel="next" href="{draw(_fragment)}"/>{body}</feed>')
    elif kind == "sitemap":
        root = draw(st.sampled_from(["urlset", "sitemapindex", "news", ""]))
        child = "sitemap" if root == "sitemapindex" else "url"
        body = "".join(f"<{child}><loc>{link}</loc><lastmod>{d}</lastmod><news:news>"
                       f"<news:title>{t}</news:title></news:news></{child}>"
                       for t, link, d in items)
        doc = (f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
               f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{body}</{root}>')
    else:
        body = "".join(f'<a href="{link}" class="{d}">{t}</a>' for t, link, d in items)
        doc = (f'<html><head><meta charset="{draw(_fragment)}"><base href="{draw(_fragment)}">'
               f'</head><body>{body}<a rel="next" href="?page=2">下一页</a></body></html>')
    text = draw(_declaration) + draw(_doctype) + doc
    data = text.encode(draw(_encoding), errors="replace")
    cut = draw(st.integers(0, len(data)))
    data = data[:cut] if draw(st.booleans()) else data
    return gzip.compress(data) if draw(st.integers(0, 4)) == 0 else data


def _check(result: DiscoveryResult) -> None:
    assert isinstance(result, DiscoveryResult)
    for candidate in (*result.candidates, *result.children):
        assert candidate.url.startswith(("http://", "https://"))


@FUZZ
@given(st.one_of(_documents("rss"), _documents("atom"), st.binary(max_size=2000)))
def test_feeds_never_raise(body: bytes) -> None:
    _check(parse_feed(body, BASE))
    hub_links(body, BASE)


@FUZZ
@given(st.one_of(_documents("sitemap"), st.binary(max_size=2000)))
def test_sitemaps_never_raise(body: bytes) -> None:
    _check(parse_sitemap(body, "http://a.example/sitemap.xml"))


@FUZZ
@given(st.one_of(_documents("listing"), st.binary(max_size=2000)),
       st.sampled_from([None, "text/html", "text/html; charset=gbk", "text/html; charset=x"]))
def test_listings_never_raise(body: bytes, content_type: str | None) -> None:
    _check(parse_listing(body, "http://a.example/news/", r"/\d+", content_type=content_type))


@pytest.mark.parametrize("path", sorted(BROKEN.iterdir()), ids=lambda p: p.name)
def test_broken_corpus_is_read_without_raising(path: Path) -> None:
    body = path.read_bytes()
    for parse in (parse_feed, parse_sitemap):
        _check(parse(body, BASE))
    _check(parse_listing(body, BASE, r"/\d+"))
    hub_links(body, BASE, '<http://[x>; rel="hub"')
