"""Short calls to action and staff credits never end up in the body."""

from __future__ import annotations

from kuaizhao import extract_article

PARAGRAPH = ("<p>无锡市在中航工业雷华电子技术研究所召开座谈会，"
             "研究部署产业科技创新工作，推动高质量发展。</p>")


def test_scan_prompts_and_staff_lines_are_dropped() -> None:
    html = ("<html><head><title>无锡召开座谈会</title></head><body><h1>无锡召开座谈会</h1>"
            "<div class='article'>" + PARAGRAPH * 5 + "<p>扫码阅读全文</p><p>打开APP阅读更多</p>"
            "<p>校对：李四</p><p>（责任编辑：王晓）</p></div></body></html>")
    article = extract_article(html.encode(), "https://news.example.cn/a/1.html")
    assert "无锡市在中航工业雷华电子技术研究所" in article.text
    for leftover in ("扫码", "打开APP", "校对", "责任编辑"):
        assert leftover not in article.text
    assert article.editor == "王晓"


def test_long_sentence_mentioning_a_prompt_word_stays() -> None:
    sentence = ("市民可以通过扫码的方式预约参观展览，"
                "主办方表示今年将进一步扩大开放的时间和范围，欢迎大家前来。")
    html = ("<html><body><h1>展览开放</h1><div>" + PARAGRAPH * 4 + f"<p>{sentence}</p>"
            "</div></body></html>")
    assert sentence in extract_article(html.encode()).text
