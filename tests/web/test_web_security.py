"""Hostile stored content is inert, headers are on every response, and no input yields 500."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from httpx import AsyncClient
from web_archive import Archive

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "body", "a", "header", "div", "form", "label",
    "input", "button", "nav", "ul", "ol", "li", "main", "footer", "p", "h1", "h2", "h3",
    "section", "aside", "article", "dl", "dt", "dd", "time", "span", "mark", "figure",
    "figcaption", "select", "option", "iframe", "strong", "textarea",
}


class _Tags(HTMLParser):
    """Every element and attribute a browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _assert_inert(html: str) -> None:
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("style", "srcdoc"), (tag, name)
            if name in ("href", "src", "action"):
                assert value is not None
                assert value.startswith(("/", "#", "http://", "https://")), (tag, value)


@pytest.mark.parametrize("path", [
    "/snapshots/{hostile}", "/snapshots/{hostile}?q=<script>", "/", "/search?q=科技创新",
    "/categories/国内", "/sources/恶意来源", "/takedown?snapshot={hostile}",
    "/snapshots/{hostile}/raw", "/lookup?url=https://evil.example.com/news/1.html",
    "/snapshots/{seed}",
])
async def test_hostile_content_is_escaped_in_every_view(client: AsyncClient, archive: Archive,
                                                  path: str) -> None:
    r = await client.get(path.format(hostile=archive.ids["hostile"], seed=archive.ids["seed"]))
    assert r.status_code == 200
    _assert_inert(r.text)


async def test_hostile_values_are_shown_as_text(client: AsyncClient, archive: Archive) -> None:
    html = (await client.get(f"/snapshots/{archive.ids['hostile']}")).text
    assert "&lt;script&gt;window.PWNED=1&lt;/script&gt;坏标题" in html
    assert "&lt;a href=&#34;javascript:alert(3)&#34;&gt;点我&lt;/a&gt;" in html
    assert "javascript:alert(1)" in html  # shown, never linked
    assert 'href="javascript' not in html


async def test_hostile_json_keeps_values_as_data(client: AsyncClient, archive: Archive) -> None:
    data = (await client.get(f"/api/v1/snapshots/{archive.ids['hostile']}")).json()
    assert data["article"]["title"].startswith("<script>")
    assert data["original_snapshot_id"] is None


@pytest.mark.parametrize("path", [
    "/", "/snapshots/1", "/api/v1/snapshots/1", "/nowhere", "/api/v1/nowhere",
    "/snapshots/abc", "/search?page=x", "/static/site.css", "/api/v1/openapi.json",
])
async def test_security_headers_on_every_response(client: AsyncClient, path: str) -> None:
    r = await client.get(path)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert "script-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(("path", "status"), [
    ("/snapshots/abc", 404),
    ("/snapshots/-1", 404),
    ("/snapshots/1.5", 404),
    ("/snapshots/99999999999999999999999999", 404),
    ("/snapshots/9223372036854775807", 404),
    ("/snapshots/9223372036854775808", 404),
    ("/snapshots/%00", 404),
    ("/snapshots/%F0%9F%92%A9", 404),
    ("/snapshots/123456789/raw", 404),
    ("/snapshots/abc/raw/content", 404),
    ("/snapshots/abc/warc", 404),
    ("/api/v1/snapshots/abc", 404),
    ("/api/v1/snapshots/99999999999999999999/related", 404),
    ("/api/v1/snapshots/1/related?limit=0", 400),
    ("/api/v1/snapshots/1/related?limit=abc", 400),
    ("/search?q=科技&page=0", 400),
    ("/search?q=科技&page=-3", 400),
    ("/search?q=科技&page=99999999999999999999", 400),
    ("/search?q=科技&since=2024-13-01", 400),
    ("/search?q=科技&until=yesterday", 400),
    ("/search?q=科技&sort=random", 400),
    ("/search?q=%00", 400),
    ("/search?q=" + "长" * 600, 400),
    ("/api/v1/search", 400),
    ("/api/v1/search?q=科技&offset=-1", 400),
    ("/api/v1/search?q=科技&limit=100000", 400),
    ("/api/v1/search?q=科技&since=2024-02-30", 400),
    ("/categories/科技?page=abc", 400),
    ("/api/v1/categories/科技?offset=x", 400),
    ("/lookup?url=javascript:alert(1)", 400),
    ("/lookup?url=not a url", 400),
    ("/api/v1/lookup", 400),
    ("/api/v1/lookup?url=ftp://example.com/", 400),
    ("/web/abc/https://example.com/", 400),
    ("/web/99999999999999/https://example.com/", 400),
    ("/nowhere/at/all", 404),
    ("/api/v1/nowhere", 404),
    ("/static/../../etc/passwd", 404),
    ("/categories/%E0%A4%A", 404),
])
async def test_malformed_input_gets_a_clear_4xx(client: AsyncClient, path: str,
                                                status: int) -> None:
    r = await client.get(path)
    assert r.status_code == status, r.text[:300]
    if path.startswith("/api/") or path.endswith("/warc"):  # operations of the API document
        body = r.json()
        assert body["status"] == status
        assert body["error"]
    else:
        assert r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("query", ['"', "(", ")", "AND", "OR OR", "NOT", "*", "-", '"科技', "a:b",
                                   "科技 AND", "((((", "^", "NEAR(", "\\", "'", "科技*", "+-"])
async def test_hostile_search_queries_never_500(client: AsyncClient, query: str) -> None:
    html = await client.get("/search", params={"q": query})
    api = await client.get("/api/v1/search", params={"q": query})
    assert html.status_code in (200, 400)
    assert api.status_code in (200, 400)
    if api.status_code == 400:
        assert api.json()["error"]


async def test_404_page_offers_a_search_box(client: AsyncClient) -> None:
    r = await client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert r.status_code == 404
    assert "Page not found" in r.text
    assert 'role="search"' in r.text
    assert 'id="error-q"' in r.text


async def test_wrong_method_is_405_not_500(client: AsyncClient) -> None:
    assert (await client.post("/")).status_code == 405
    assert (await client.delete("/api/v1/snapshots/1")).status_code == 405


async def test_original_url_links_carry_rel(client: AsyncClient, archive: Archive) -> None:
    html = (await client.get(f"/snapshots/{archive.ids['seed']}")).text
    for tag in re.findall(r'<a href="https?://[^"]*"[^>]*>', html):
        assert 'rel="noopener noreferrer nofollow"' in tag
