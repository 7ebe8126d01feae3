from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from kuaizhao.discover import parse_feed
from kuaizhao.discover.feeds import MAX_FEED_BYTES, MAX_FEED_ITEMS
from kuaizhao.models import LinkKind

DATA = Path(__file__).parent.parent / "data" / "discover"
SHANGHAI = timezone(timedelta(hours=8))

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>
<link rel="next" href="/feed?page=2"/>
<entry><title>Atom one</title><link rel="alternate" href="https://a.example/one#top"/>
<id>urn:x:1</id><published>2024-02-07T13:02:00Z</published><updated>2024-02-08T00:00:00Z</updated></entry>
<entry><title>Atom two</title><link href="two.html"/><id>urn:x:2</id>
<updated>2024-02-07T10:00:00+08:00</updated></entry>
<entry><title>dup</title><link href="https://a.example/one"/><id>urn:x:3</id></entry>
</feed>"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://r.example/"><title>r</title><link>http://r.example/</link></channel>
<item rdf:about="http://r.example/1"><title>RDF item</title><link>http://r.example/1</link>
<dc:date>2024-02-07T21:02:00+08:00</dc:date></item>
</rdf:RDF>"""


def test_atom_entries_resolved_deduplicated_and_dated() -> None:
    result = parse_feed(ATOM, "https://a.example/feed.xml")
    assert result.ok
    assert [c.url for c in result.candidates] == ["https://a.example/one", "https://a.example/two.html"]
    one, two = result.candidates
    assert one.title == "Atom one"
    assert one.published_at == datetime(2024, 2, 7, 13, 2, tzinfo=UTC)
    assert one.updated_at == datetime(2024, 2, 8, tzinfo=UTC)
    assert two.published_at == datetime(2024, 2, 7, 2, 0, tzinfo=UTC)  # updated is all it has
    assert [c.url for c in result.children] == ["https://a.example/feed?page=2"]
    assert result.children[0].kind is LinkKind.FEED


def test_rss1_rdf_with_dc_date() -> None:
    result = parse_feed(RDF, "http://r.example/rss")
    assert [(c.url, c.title) for c in result.candidates] == [("http://r.example/1", "RDF item")]
    assert result.candidates[0].published_at == datetime(2024, 2, 7, 21, 2, tzinfo=SHANGHAI)


def test_truncated_rss_keeps_parseable_items_and_records_problem() -> None:
    body = (DATA / "rss_truncated.xml").read_bytes()
    result = parse_feed(body, "https://news.example.cn/rss.xml", local_tz=SHANGHAI)
    urls = [c.url for c in result.candidates]
    assert urls[:2] == ["https://news.example.cn/gn/2024/02/07/1.html",
                        "https://news.example.cn/gn/2024/02/07/2.html"]
    assert result.candidates[0].title == "无锡召开科技创新座谈会"
    assert result.candidates[0].published_at == datetime(2024, 2, 7, 21, 2, tzinfo=SHANGHAI)
    # a zone-less time is the source's local time
    assert result.candidates[1].published_at == datetime(2024, 2, 7, 22, 10, tzinfo=SHANGHAI)
    assert all(c.published_at is None or c.published_at.tzinfo for c in result.candidates)
    assert not result.ok
    assert any("malformed feed" in p for p in result.problems)


def test_gbk_bytes_declared_utf8_are_read_as_gbk() -> None:
    body = (DATA / "rss_gbk_declared_utf8.xml").read_bytes()
    result = parse_feed(body, "http://gbk.example.cn/rss", local_tz=SHANGHAI)
    assert result.candidates[0].title == "江苏省召开经济工作会议，部署明年重点任务"
    assert result.candidates[0].published_at == datetime(2024, 2, 7, 21, 2, tzinfo=SHANGHAI)
    assert any("declares encoding utf-8" in p for p in result.problems)


def test_billion_laughs_is_not_expanded() -> None:
    body = (DATA / "rss_billion_laughs.xml").read_bytes()
    start = time.perf_counter()
    result = parse_feed(body, "http://a.example/rss")
    assert time.perf_counter() - start < 2
    assert all(len(c.title or "") < 1000 for c in result.candidates)


def test_external_entity_is_not_read() -> None:
    body = (DATA / "rss_xxe.xml").read_bytes()
    result = parse_feed(body, "http://a.example/rss")
    for c in result.candidates:
        assert "root:" not in (c.title or "")


def test_body_that_names_a_file_is_not_opened(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(b'<rss version="2.0"><channel><item><link>http://leak.example/</link>'
                       b"</item></channel></rss>")
    result = parse_feed(str(secret).encode(), "http://a.example/rss")
    assert result.candidates == ()
    assert result.problems


def test_html_page_is_reported_not_a_feed() -> None:
    result = parse_feed(b"<html><body><p>hello</p></body></html>", "http://a.example/")
    assert result.candidates == ()
    assert any("no RSS or Atom feed" in p for p in result.problems)


def test_items_without_http_link_are_skipped_with_problem() -> None:
    body = (b'<rss version="2.0"><channel><item><title>x</title><link>mailto:a@b.c</link></item>'
            b"<item><title>y</title><link>http://a.example/y</link></item></channel></rss>")
    result = parse_feed(body, "http://a.example/rss")
    assert [c.url for c in result.candidates] == ["http://a.example/y"]
    assert any("no usable http(s) link" in p for p in result.problems)


def test_character_references_to_no_character_keep_the_items() -> None:
    # feedparser's fallback parser raised OverflowError / UnicodeEncodeError on these
    for ref in ("&#xFFFFFFFF;", "&#99999999999999999999;", "&#xD800;", "&#x110000;"):
        body = (f'<rss version="2.0"><channel><item><title>a {ref} b</title>'
                "<link>http://a.example/1</link></item></channel></rss>").encode()
        (item,) = parse_feed(body, "http://a.example/feed").candidates
        assert item.title == "a \ufffd b"


def test_quadratic_blowup_is_not_expanded() -> None:
    # one 100 kB entity used 20,000 times: 2 GB if expanded
    start = time.perf_counter()
    result = parse_feed((DATA / "broken" / "feed_quadratic_blowup.xml").read_bytes(),
                        "http://a.example/feed")
    assert time.perf_counter() - start < 2
    assert any("amplification" in p for p in result.problems)
    assert all(len(c.title or "") < 100_000 for c in result.candidates)


def test_gzip_feed_is_inflated_with_a_cap() -> None:
    item = b"<item><title>t</title><link>http://a.example/1</link></item>"
    plain = b'<rss version="2.0"><channel>' + item + b"</channel></rss>"
    assert parse_feed(gzip.compress(plain), "http://a.example/f") == parse_feed(
        plain, "http://a.example/f")
    bomb = gzip.compress(b'<rss version="2.0"><channel>' + item
                         + b" " * (MAX_FEED_BYTES + 1) + b"</channel></rss>")
    result = parse_feed(bomb, "http://a.example/f")
    assert [c.url for c in result.candidates] == ["http://a.example/1"]
    assert any(f"inflates past {MAX_FEED_BYTES} bytes" in p for p in result.problems)


def test_a_feed_is_read_up_to_its_item_cap() -> None:
    items = b"".join(b"<item><title>t%d</title><link>http://a.example/%d</link></item>"
                     % (n, n) for n in range(MAX_FEED_ITEMS + 500))
    start = time.perf_counter()
    result = parse_feed(b'<rss version="2.0"><channel>' + items + b"</channel></rss>",
                        "http://a.example/f")
    assert time.perf_counter() - start < 5
    assert len(result.candidates) == MAX_FEED_ITEMS
    assert result.candidates[-1].url == f"http://a.example/{MAX_FEED_ITEMS - 1}"
    assert result.problems == (f"feed lists more than {MAX_FEED_ITEMS} items; only the first "
                               f"{MAX_FEED_ITEMS} were read",)
    exactly = b"".join(b"<item><link>http://a.example/%d</link></item>" % n
                       for n in range(MAX_FEED_ITEMS))
    full = parse_feed(b'<rss version="2.0"><channel>' + exactly + b"</channel></rss>",
                      "http://a.example/f")
    assert len(full.candidates) == MAX_FEED_ITEMS
    assert full.ok


def test_a_hard_wrapped_chinese_title_reads_as_shown() -> None:
    body = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>"
            "<item><title>国务院明确知\n      悉 Hello\nworld</title>"
            "<link>https://news.example.cn/a/1.html</link></item></channel></rss>").encode()
    [item] = parse_feed(body, "https://news.example.cn/rss.xml").candidates
    assert item.title == "国务院明确知悉 Hello world"
