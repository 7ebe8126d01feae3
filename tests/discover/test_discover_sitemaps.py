from __future__ import annotations

import gzip
import subprocess
import sys
import time
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kuaizhao.discover import parse_sitemap
from kuaizhao.discover.safe_xml import MAX_XML_BYTES
from kuaizhao.discover.sitemaps import MAX_SITEMAP_URLS
from kuaizhao.models import LinkKind

DATA = Path(__file__).parent.parent / "data" / "discover"
SHANGHAI = timezone(timedelta(hours=8))

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://a.example/sitemap-1.xml.gz</loc><lastmod>2024-02-07T21:02:00+08:00</lastmod></sitemap>
<sitemap><loc>/sitemap-2.xml</loc></sitemap>
</sitemapindex>"""


def test_sitemap_index_gives_children() -> None:
    result = parse_sitemap(INDEX, "https://a.example/sitemap.xml")
    assert result.ok
    assert result.candidates == ()
    assert [(c.url, c.kind) for c in result.children] == [
        ("https://a.example/sitemap-1.xml.gz", LinkKind.SITEMAP),
        ("https://a.example/sitemap-2.xml", LinkKind.SITEMAP)]
    assert result.children[0].updated_at == datetime(2024, 2, 7, 21, 2, tzinfo=SHANGHAI)


def test_news_sitemap_titles_dates_and_bad_loc() -> None:
    result = parse_sitemap((DATA / "sitemap_news.xml").read_bytes(),
                           "https://news.example.cn/sitemap.xml", local_tz=SHANGHAI)
    first, second = result.candidates
    assert first.title == "无锡召开科技创新座谈会"
    assert first.published_at == datetime(2024, 2, 7, 21, 2, tzinfo=SHANGHAI)
    assert first.updated_at == datetime(2024, 2, 7, 23, 45, 8, tzinfo=SHANGHAI)
    assert second.title is None
    assert second.published_at is None
    assert second.updated_at == datetime(2024, 2, 7, tzinfo=SHANGHAI)
    assert len(result.problems) == 1
    assert "javascript:alert(1)" in result.problems[0]


def test_gzip_sitemap_equals_plain() -> None:
    plain = (DATA / "sitemap_news.xml").read_bytes()
    a = parse_sitemap(plain, "https://news.example.cn/s.xml")
    b = parse_sitemap(gzip.compress(plain), "https://news.example.cn/s.xml.gz")
    assert a == b


def test_truncated_gzip_sitemap_keeps_first_entries() -> None:
    result = parse_sitemap((DATA / "sitemap_news_truncated.xml.gz").read_bytes(),
                           "https://news.example.cn/s.xml.gz")
    assert result.candidates[0].url == "https://news.example.cn/gn/2024/02/07/1.html"
    assert any("ends early" in p for p in result.problems)


def test_gzip_bomb_stops_at_cap() -> None:
    bomb = gzip.compress(b'<urlset><url><loc>http://a.example/1</loc></url>'
                         + b" " * (MAX_XML_BYTES + 1024) + b"</urlset>", compresslevel=9)
    assert len(bomb) < 200_000
    result = parse_sitemap(bomb, "http://a.example/s.xml.gz")
    assert any("gzip bomb" in p for p in result.problems)
    assert [c.url for c in result.candidates] == ["http://a.example/1"]


@pytest.mark.parametrize("name", ["sitemap_xxe.xml", "sitemap_billion_laughs.xml"])
def test_documents_declaring_entities_are_refused(name: str) -> None:
    start = time.perf_counter()
    result = parse_sitemap((DATA / name).read_bytes(), "http://a.example/s.xml")
    assert time.perf_counter() - start < 2
    assert result.candidates == ()
    assert any("declares XML entities" in p for p in result.problems)


def test_entity_reference_in_loc_skips_the_entry() -> None:
    body = (b'<urlset><url><loc>http://a.example/&undeclared;</loc></url>'
            b"<url><loc>http://a.example/ok</loc></url></urlset>")
    result = parse_sitemap(body, "http://a.example/s.xml")
    # not shortened to "http://a.example/"
    assert [c.url for c in result.candidates] == ["http://a.example/ok"]


def test_not_a_sitemap_and_not_xml() -> None:
    rss = parse_sitemap(b'<rss version="2.0"><channel/></rss>', "http://a.example/s.xml")
    assert rss.candidates == ()
    assert "not <urlset>" in rss.problems[0]
    empty = parse_sitemap(b"", "http://a.example/s.xml")
    assert empty.candidates == ()


def test_plain_text_sitemap() -> None:
    result = parse_sitemap(b"http://a.example/1\n\nhttp://a.example/2\nnot a url\n",
                           "http://a.example/sitemap.txt")
    assert [c.url for c in result.candidates] == ["http://a.example/1", "http://a.example/2"]
    assert len(result.problems) == 1


_PEAK = """
import resource, sys
from kuaizhao.discover import parse_sitemap
body = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = parse_sitemap(body, "http://a.example/s.xml.gz")
print(len(result.candidates), before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _bomb(entries: int, padding_mib: int) -> bytes:
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [gz.compress(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')]
    parts += [gz.compress(b"<url><loc>http://a.example/%d</loc></url>" % i)
              for i in range(entries)]
    parts += [gz.compress(b" " * (1 << 20)) for _ in range(padding_mib)]
    return b"".join((*parts, gz.compress(b"</urlset>"), gz.flush()))


@pytest.mark.parametrize(("entries", "padding_mib", "taken"), [
    (300_000, 0, MAX_SITEMAP_URLS),  # six times the URLs a sitemap may hold
    (1, 400, 1),  # 400 MiB of whitespace behind one URL
])
def test_gzip_bomb_sitemap_parses_in_bounded_memory(tmp_path: Path, entries: int,
                                                    padding_mib: int, taken: int) -> None:
    bomb = tmp_path / "sitemap.xml.gz"
    bomb.write_bytes(_bomb(entries, padding_mib))
    assert bomb.stat().st_size < 8_000_000
    child = subprocess.run([sys.executable, "-c", _PEAK, str(bomb)], capture_output=True,
                           text=True, check=True, timeout=120,
                           env={"PYTHONPATH": ":".join(sys.path)})
    found, before_kib, peak_kib = map(int, child.stdout.split())
    assert found == taken
    # read whole (before streaming): +129 MiB for the padding, +570 MiB for 50 MB of URLs
    assert (peak_kib - before_kib) / 1024 < 40, (before_kib, peak_kib)
