"""The body stage's speed measures must not change what is extracted.

trafilatura runs on the page with navigation, footers and <head> detached (it deletes
them itself, later and at more cost); the tree must come back exactly as it was,
because the density fallback and htmldate read it afterwards.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import trafilatura

from kuaizhao import extract_article
from kuaizhao.extract.body import _hidden_chrome, extract_body
from kuaizhao.extract.parse import parse_page

PAGE = """<html><head><title>t</title><meta name="x" content="y">
<script type="application/ld+json">{"@type": "NewsArticle"}</script></head>
<body>lead<nav><a href="/">首页</a><ul><li>国内</li></ul></nav>after nav
<div class="main"><h1>市场监管总局发布新规</h1>
<form id="aspnetForm"><p>表单里的正文也是正文。</p></form>
<figure><table><tr><td>表格</td></tr></table></figure>
<p>第一段：市场监管总局今天发布新规，明确了平台责任。<button>分享</button>按钮之后</p>
<aside><p>相关阅读</p><footer>inner</footer></aside>tail of aside
<p>第二段：消费者权益保护的具体措施同日公布。</p></div>
<footer>版权所有</footer><script>var x = 1;</script>end</body></html>"""


def _tree() -> lxml.html.HtmlElement:
    tree = parse_page(PAGE.encode(), None, 1 << 20).tree
    assert tree is not None
    return tree


def test_hidden_chrome_detaches_and_restores_exactly() -> None:
    tree = _tree()
    before = lxml.html.tostring(tree, encoding="unicode")
    with _hidden_chrome(tree):
        tags = {el.tag for el in tree.iter()}
        text = tree.text_content()
        assert not tags & {"nav", "aside", "footer", "button", "title", "meta"}
        # left for trafilatura: a page-wrapping form, a figure with a table, JSON-LD
        assert {"form", "figure", "table", "script"} <= tags
        assert tree.find(".//script").get("type") == "application/ld+json"
        # the text around detached elements stays where it was
        for kept in ("lead", "after nav", "按钮之后", "tail of aside", "end"):
            assert kept in text
        assert "相关阅读" not in text
        assert "首页" not in text
    assert lxml.html.tostring(tree, encoding="unicode") == before


def test_hidden_chrome_restores_after_an_error() -> None:
    tree = _tree()
    before = lxml.html.tostring(tree, encoding="unicode")
    try:
        with _hidden_chrome(tree):
            raise RuntimeError("trafilatura failed")
    except RuntimeError:
        pass
    assert lxml.html.tostring(tree, encoding="unicode") == before


def test_trafilatura_leaves_its_input_tree_alone() -> None:
    """The quick pass and the retry share one tree: that holds only while trafilatura
    works on a copy (it prunes the tree it works on)."""
    tree = _tree()
    before = lxml.html.tostring(tree, encoding="unicode")
    trafilatura.extract(tree, favor_precision=True, fast=True, include_comments=False,
                        with_metadata=False)
    assert lxml.html.tostring(tree, encoding="unicode") == before


def test_body_keeps_text_next_to_detached_elements() -> None:
    paragraphs = "".join(
        f"<p>第{i}段：市场监管总局今天发布新规，明确了平台责任和消费者权益保护的具体措施，"
        f"<button>分享</button>各地将陆续落实。</p>" for i in range(6))
    page = (f"<html><body><nav><a href='/'>首页</a></nav><article><h1>新规</h1>{paragraphs}"
            "</article><footer>版权所有</footer></body></html>")
    tree = parse_page(page.encode(), None, 1 << 20).tree
    assert tree is not None
    body = extract_body(tree, "https://news.example/a.html", "新规", fast=False)
    assert len(body.paragraphs) == 6
    assert all("各地将陆续落实" in p for p in body.paragraphs)
    assert not any("首页" in p or "版权所有" in p for p in body.paragraphs)


def test_layout_table_is_read_as_blocks_not_rows() -> None:
    # Older government sites lay the page out in nested tables, the article in one cell.
    article = "".join(f"<p>第{i}条 为了深化国家监察体制改革，加强对所有行使公权力的公职人员的监督，"
                      "实现国家监察全面覆盖。</p>" for i in range(8))
    page = ("<html><body><table><tr><td><table><tr><td>添加收藏夹 | 设为首页</td></tr></table>"
            f"</td></tr><tr><td>{article}</td></tr></table></body></html>")
    tree = parse_page(page.encode(), None, 1 << 20).tree
    assert tree is not None
    body = extract_body(tree, None, "", fast=False)
    assert len(body.paragraphs) >= 8
    assert not any(p.startswith("|") or p.endswith("|") for p in body.paragraphs)


def test_data_table_keeps_its_rows() -> None:
    rows = "".join(f"<tr><td>{i}</td><td>选手{i}</td><td>{100 - i}</td></tr>" for i in range(6))
    text = "".join(f"<p>第{i}段：比赛结束后，积分榜前六名的情况如下表所示，各队差距不大。</p>"
                   for i in range(6))
    page = f"<html><body><article>{text}<table>{rows}</table></article></body></html>"
    tree = parse_page(page.encode(), None, 1 << 20).tree
    assert tree is not None
    body = extract_body(tree, None, "", fast=False)
    assert any(p.startswith("|") and "选手3" in p for p in body.paragraphs)


def test_balanced_mode_reads_on_where_precision_kept_a_sliver() -> None:
    # urdupoint.com: trafilatura's precision mode keeps the headline, byline and a
    # disclaimer (547 characters) and drops the 6,800-character column.
    page = (Path(__file__).parents[1] / "data" / "extract" / "quality" / "magic_html_article"
            / "html" / "eee73319935536d6bfdd70c3ec8cd1ff406aec151b06be086462f35a899138a0.html")
    article = extract_article(page.read_bytes(), "https://www.urdupoint.com/daily/article/x.html")
    assert any(e.rule == "trafilatura balanced" for e in article.evidence)
    assert len(article.text) > 5000


def _with_dek(shown: bool) -> bytes:
    dek = "The government's move aims to prevent the building from becoming a pilgrimage site."
    body = "".join(f"<p>Paragraph {i}: the house will be turned into a police station, the "
                   "interior minister said on Tuesday after years of debate.</p>" for i in range(6))
    standfirst = f"<p class='dek'>{dek}</p>" if shown else ""
    return (f'<html><head><meta name="description" content="{dek}"></head><body>'
            f"<h1>House where Hitler was born will become a police station</h1>{standfirst}"
            f"<article>{body}</article></body></html>").encode()


def test_standfirst_shown_by_the_headline_opens_the_body() -> None:
    article = extract_article(_with_dek(shown=True))
    assert article.paragraphs[0].startswith("The government's move")
    assert article.subtitle is None  # it is the body's opening now, not shown twice
    hidden = extract_article(_with_dek(shown=False))
    assert hidden.subtitle is not None
    assert hidden.subtitle.startswith("The government's move")
    assert "pilgrimage" not in hidden.text
