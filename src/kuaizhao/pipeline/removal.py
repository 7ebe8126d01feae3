"""Reading one exchange of an article fetch: the article on it, and whether it shows the
page gone (404/410, a redirect to the home page, a "page not found" page).

Used by the crawl and by `reindex` on the same inputs (the capture row, the response
headers and payload), so both reach the same removal decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

from kuaizhao.config import Settings
from kuaizhao.dedupe import RemovalDecision, decide_removal
from kuaizhao.extract import ExtractOptions, extract_article
from kuaizhao.index.keywords import key_terms
from kuaizhao.models import Article, Headers
from kuaizhao.pipeline.ingest import extract_capture, extract_options, header, is_html
from kuaizhao.sources import SourceConfig
from kuaizhao.store.base import NewCapture


@dataclass(frozen=True, slots=True)
class Examined:
    article: Article | None
    removal: RemovalDecision


def examine(capture: NewCapture, headers: Headers, body: bytes, source: SourceConfig | None,
            settings: Settings) -> Examined:
    """The article a captured article URL shows, and whether the page is gone."""
    status = capture.status
    if status != 200 or capture.is_revisit:
        return Examined(None, decide_removal(capture.url, status, header(headers, "location"),
                                             None))
    article = extract_capture(capture, body, source, settings)
    if article is not None:
        return Examined(article, decide_removal(capture.url, status, None, article))
    if not is_html(capture.content_type, body):
        return Examined(None, decide_removal(capture.url, status, None, None))
    options = extract_options(source, settings, capture.captured_at, capture.content_type)
    page = extract_article(body, capture.url, options)  # not an article: is it a notice?
    return Examined(None, decide_removal(capture.url, status, None, page))


_WARM_UP_PAGE = ("<html lang='zh'><head><meta charset='utf-8'><title>科技创新</title></head>"
                 "<body><article><h1>科技创新工作座谈会</h1><p>无锡市召开科技创新工作座谈会，"
                 "打造产业科技创新高地。The city met on Monday.</p></article></body></html>")


def warm_up() -> None:
    """Load now what the first extraction and indexing would load (jieba's dictionaries,
    1–2 s that hold the interpreter): before the crawl's first request, not while
    requests wait for their turn at a host."""
    article = extract_article(_WARM_UP_PAGE.encode(), "http://warm-up.invalid/a.html",
                              ExtractOptions())
    key_terms(article.title, article.text)


def examine_all(exchanges: list[tuple[NewCapture, Headers, bytes]], source: SourceConfig | None,
                settings: Settings) -> list[Examined]:
    """`examine` for every exchange of one fetch; a top-level function, so a process
    pool can run it."""
    return [examine(capture, headers, body, source, settings)
            for capture, headers, body in exchanges]
