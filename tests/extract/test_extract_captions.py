"""Captions and photo credits are kept apart from the body."""

from __future__ import annotations

import pytest

from kuaizhao import extract_article
from kuaizhao.extract.captions import is_credit_line, take_captions
from kuaizhao.extract.parse import parse_page

BODY = "".join(f"<p>这是正文第{i}段，讲述了会议的主要内容和各方的意见建议，内容充实。</p>"
               for i in range(8))


def _page(figure: str) -> bytes:
    return (f"<html><head><title>测试新闻标题_某网</title></head><body><h1>测试新闻标题</h1>"
            f"<div class='article'>{figure}{BODY}</div></body></html>").encode()


@pytest.mark.parametrize(
    ("figure", "caption"),
    [
        ("<figure><img src='a.jpg'><figcaption>会场一角</figcaption></figure>", "会场一角"),
        ("<p><img src='a.jpg'></p><p>座谈会现场。无锡日报供图</p>", "座谈会现场。无锡日报供图"),
        ("<p><img src='a.jpg'></p><p style='text-align: center'>图为会议现场，代表们正在发言</p>",
         "图为会议现场，代表们正在发言"),
        ("<div class='pic_txt'>嘉宾合影</div>", "嘉宾合影"),
        ("<p>（新华社记者 张三 摄）</p>", "（新华社记者 张三 摄）"),
        ("<p><img src='a.jpg'></p><p>图片来源：视觉中国</p>", "图片来源：视觉中国"),
    ],
)
def test_caption_is_taken_out_of_the_text(figure: str, caption: str) -> None:
    article = extract_article(_page(figure), "https://example.cn/a.html")
    assert caption in article.captions
    assert caption not in article.text
    assert "这是正文第7段" in article.text


def test_image_gets_its_caption_and_absolute_url() -> None:
    page = _page("<p><img src='/img/a.jpg' alt='现场'></p><p>座谈会现场。无锡日报供图</p>")
    article = extract_article(page, "https://example.cn/news/a.html")
    assert article.images[0].src == "https://example.cn/img/a.jpg"
    assert article.images[0].caption == "座谈会现场。无锡日报供图"
    assert article.images[0].alt == "现场"


def test_photo_credit_line_in_the_body_is_a_caption() -> None:
    article = extract_article(_page("<p>◎ 图：@人民日报微博截图</p>"))
    assert "◎ 图：@人民日报微博截图" in article.captions
    assert "微博截图" not in article.text


def test_teaser_headline_under_its_picture_is_no_caption() -> None:
    card = ("<ul><li><a href='/b.html'><img src='b.jpg'></a><p><strong>"
            "<a href='/b.html'>80后中年男：中医叫我好好补肾</a></strong></p></li></ul>")
    assert "80后中年男：中医叫我好好补肾" not in extract_article(_page(card)).captions


def test_sentence_after_image_stays_in_body() -> None:
    sentence = "张建锋表示，这款芯片的性能是同类产品的十倍以上，并将在年内上市销售。"
    article = extract_article(_page(f"<p><img src='a.jpg'></p><p>{sentence}</p>"))
    assert sentence in article.text
    assert sentence not in article.captions


@pytest.mark.parametrize("line", ["他们一起拍摄了这部影片。", "来源：人民资讯", "今天天气很好。"])
def test_not_credit_lines(line: str) -> None:
    assert not is_credit_line(line)


def test_every_caption_of_a_long_gallery_is_found() -> None:
    """All twenty captions are found, every run.

    The scan once remembered the elements inside found captions by id(); lxml frees
    those proxies at once, new proxies reuse the ids, and later captions were skipped
    (3 of these 20 were found).
    """
    gallery = "".join(
        f"<figure><img src='{i}.jpg'><figcaption><span>会场{i}</span> <em>无锡日报供图</em>"
        f"</figcaption></figure><p>正文{i}。</p>" for i in range(20))
    for _ in range(3):
        tree = parse_page(f"<html><body><article>{gallery}</article></body></html>".encode(),
                          None, 1 << 20).tree
        assert tree is not None
        found = take_captions(tree, "https://example.cn/a.html")
        assert list(found.captions) == [f"会场{i} 无锡日报供图" for i in range(20)]
        assert [image.caption for image in found.images] == list(found.captions)
