"""The crawl's reader of discovery documents: a parser that raises, or a document
with nothing readable, is a failure of that URL; sitemap indexes nest only so deep."""

from __future__ import annotations

from pathlib import Path

from kuaizhao.models import LinkKind
from kuaizhao.pipeline.discovery import MAX_SITEMAP_DEPTH, DiscoveryReader
from kuaizhao.sources import Listing, SourceConfig

BROKEN = Path(__file__).parent.parent / "data" / "discover" / "broken"


def _index(n: int) -> bytes:
    return (f'<sitemapindex><sitemap><loc>http://a.example/index-{n + 1}.xml</loc></sitemap>'
            "</sitemapindex>").encode()


def test_a_parser_that_raises_is_a_failure_of_that_url() -> None:
    # The sources file refuses this pattern; a source made in code reaches the parser,
    # which raises ConfigError: the reader reports it instead of letting it end the crawl.
    source = SourceConfig(name="s", listings=(Listing("http://a.example/news/", "([", 3),))
    read = DiscoveryReader({"http://a.example/news/"}).read(
        LinkKind.LISTING, "http://a.example/news/", b"<a href='/1'>x</a>",
        "http://a.example/news/", source)
    assert read.failure is not None
    assert read.failure.startswith("listing page http://a.example/news/ could not be parsed "
                                   "(ConfigError: link pattern '([' is not a valid")
    assert "remove it from the sources file" in read.failure
    assert read.result.candidates == ()


def test_a_document_with_nothing_readable_is_a_failure() -> None:
    reader = DiscoveryReader(set())
    garbage = reader.read(LinkKind.FEED, "http://a.example/f.xml",
                          (BROKEN / "binary_random.bin").read_bytes(), "http://a.example/f.xml",
                          None)
    assert garbage.failure is not None
    assert "lists nothing readable" in garbage.failure
    empty = reader.read(LinkKind.FEED, "http://a.example/f.xml",
                        b'<rss version="2.0"><channel><title>t</title></channel></rss>',
                        "http://a.example/f.xml", None)
    assert empty.failure is None  # an empty feed is not a broken one


def test_the_overflowing_character_reference_keeps_the_feed() -> None:
    read = DiscoveryReader(set()).read(
        LinkKind.FEED, "http://a.example/f.xml", (BROKEN / "feed_huge_charref.xml").read_bytes(),
        "http://a.example/f.xml", None, want_hubs=True)
    assert read.failure is None
    assert [c.url for c in read.result.candidates] == [
        "http://news.example.cn/a/1.html", "http://news.example.cn/a/2.html"]
    assert read.result.candidates[0].title == "标题 \ufffd 一"


def test_sitemap_indexes_nest_only_so_deep() -> None:
    reader = DiscoveryReader({"http://a.example/index-0.xml"})
    fetched, queue = [], ["http://a.example/index-0.xml"]
    while queue:  # a hostile site: every index names one more, forever
        url = queue.pop()
        fetched.append(url)
        read = reader.read(LinkKind.SITEMAP, url, _index(len(fetched) - 1), url, None)
        queue += [c.url for c in read.result.children]
    assert len(fetched) == MAX_SITEMAP_DEPTH + 1
    assert read.failure is not None
    assert f"nest deeper than {MAX_SITEMAP_DEPTH} levels" in read.failure
