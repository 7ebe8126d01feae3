"""Hard-wrapped source text comes out as the browser shows it (CSS Text 3 segment breaks).

Old Chinese sites break their text into source lines; a break between two Chinese
characters is not rendered, so it must not become a space in any field. The real pages
below are re-wrapped the way those sites do it, and must extract exactly as before.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import lxml.html
import pytest

from kuaizhao import extract_article
from kuaizhao.charset import decode_html
from kuaizhao.extract import ExtractOptions
from kuaizhao.models import Article
from kuaizhao.whitespace import WIDE_CLASS

DATA = Path(__file__).parents[1] / "data" / "extract"
MAGIC = DATA / "quality" / "magic_html_article"
PAGES = [DATA / "seed_article.html", *(
    MAGIC / "html" / f"{row['id']}.html"
    for row in csv.DictReader((MAGIC / "pages.tsv").read_text("utf-8").splitlines(),
                              delimiter="\t")
    if row["lang_guess"] == "zh")]
_BETWEEN_WIDE = re.compile(f"(?<=[{WIDE_CLASS}])(?=[{WIDE_CLASS}])")
_KEPT = {"script", "style", "pre", "textarea"}


def _hard_wrapped(page: bytes, every: int = 7) -> bytes:
    """`page` with a source line break (and indentation) after every `every`-th place
    between two wide characters, in text the page flows."""
    root = lxml.html.document_fromstring(page.decode())
    count = 0

    def wrap(text: str) -> str:
        nonlocal count
        out, last = [], 0
        for m in _BETWEEN_WIDE.finditer(text):
            count += 1
            if count % every == 0:
                out.append(text[last:m.start()] + "\n      ")
                last = m.start()
        return "".join(out) + text[last:]

    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in _KEPT:
            continue
        if el.text:
            el.text = wrap(el.text)
        if el.tail and (el.getparent() is None or el.getparent().tag not in _KEPT):
            el.tail = wrap(el.tail)
    return lxml.html.tostring(root, encoding="utf-8")


def _shown(article: Article) -> tuple[object, ...]:
    return (article.title, article.subtitle, article.text, article.captions, article.author,
            article.source, article.category, [(i.src, i.caption) for i in article.images])


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name[:16])
def test_a_hard_wrapped_real_page_extracts_as_the_unwrapped_one(path: Path) -> None:
    text, _ = decode_html(path.read_bytes(), None)
    # The same serialisation on both sides, read as the UTF-8 it now is.
    page = lxml.html.tostring(lxml.html.document_fromstring(text), encoding="utf-8")
    wrapped = _hard_wrapped(page)
    assert wrapped.count(b"\n      ") > 20  # the wrapping really happened
    url = "https://news.example.cn/guonei/2024-02-07/1000.html"
    options = ExtractOptions(content_type="text/html; charset=utf-8")
    assert (_shown(extract_article(wrapped, url, options))
            == _shown(extract_article(page, url, options)))


def _page(head: str, body: str) -> bytes:
    return (f"<html><head>{head}</head><body>{body}</body></html>").encode()


_PARAGRAPHS = "".join(
    f"<p>第{i}段：会议强调，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。</p>"
    for i in range(5))


def test_breaks_go_in_every_field_and_across_inline_elements() -> None:
    page = _page(
        '<title>无锡召开\n  座谈会</title>'
        '<meta name="description" content="座谈会明确了\n下一步工作">',
        "<h1>无锡召开\n  座谈会</h1><div class='article'>"
        "<p>他表示，必须明确知\n      悉，成为护蔽\n<b>美国</b>的力量；大家支\n"
        "<a href='/x'>起</a>红色的小帐篷，继续推进各项工作落实落地见效。</p>"
        f"{_PARAGRAPHS}<p><img src='/a.jpg'></p><p class='pic_txt'>座谈会\n现场。无锡日报供图</p>"
        "</div>")
    article = extract_article(page, "https://news.example.cn/a/1.html")
    assert article.title == "无锡召开座谈会"
    assert "必须明确知悉，成为护蔽美国的力量；大家支起红色的小帐篷" in article.text
    assert article.captions == ("座谈会现场。无锡日报供图",)
    assert article.subtitle == "座谈会明确了下一步工作"


def test_spaces_the_page_shows_stay() -> None:
    page = _page("<title>标题 湖南省中医药研究院附属医院</title>",
                 "<h1>标题 湖南省中医药研究院附属医院</h1>"
                 "<p>第一章\u3000总则。记者 张三\n李四报道：中文\nEnglish 混排。</p>"
                 f"{_PARAGRAPHS}<pre>代码\n保留</pre>")
    article = extract_article(page)
    assert article.title == "标题 湖南省中医药研究院附属医院"
    # "三\n李" is a break between two Han characters: not shown, so removed; the space
    # before "English" is shown (a Latin word beside Chinese).
    assert "第一章 总则。记者 张三李四报道：中文 English 混排。" in article.text
