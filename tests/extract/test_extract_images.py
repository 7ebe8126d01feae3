"""Only the article's own pictures are its images: not sidebar, promo or related ones."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from kuaizhao import extract_article
from kuaizhao.models import Article

SEED = Path(__file__).parents[1] / "data" / "extract" / "seed_article.html"
PAGES = resources.files("kuaizhao.demo") / "pages"


def _demo(name: str) -> Article:
    [page] = [p for p in (PAGES / name[:2]).iterdir() if p.name.startswith(name[3:])]
    return extract_article(page.read_bytes(), f"https://news.example.cn/{name}.html")


def _files(article: Article) -> list[str]:
    return [image.src.split("?")[0].rsplit("/", 1)[-1] for image in article.images]


def test_seed_article_keeps_its_photo_and_caption() -> None:
    article = extract_article(SEED.read_bytes(),
                              "https://news.example.cn/guonei/2024-02-07/1000.html")
    [image] = article.images
    assert image.caption == "座谈会现场。无锡日报供图"
    assert article.captions == ("座谈会现场。无锡日报供图",)


def test_venturebeat_sidebar_thumbnails_are_gone() -> None:
    # Seven images came before the first paragraph: the lead photo, then "related"
    # thumbnails (Hearthstone, The Mandalorian, Clumio …) and a tracking pixel.
    article = _demo("en/06e5123e4ef7")
    assert _files(article) == ["WeWork-SF.jpg"]
    assert article.images[0].caption is not None
    assert article.images[0].caption.startswith("Above: A WeWork coworking space")
    shown = " ".join(f"{i.alt} {i.caption}" for i in article.images)
    for promo in ("Hearthstone", "Mandalorian", "Clumio"):
        assert promo not in shown


def test_the_real_deal_keeps_lead_and_inline_photo_with_their_own_captions() -> None:
    # The lead is declared as "493-wework-to-lay-off-thousands.jpg" and shown as
    # "1200-wework-to-lay-off-thousands-650x405.jpg"; the inline photo sits in a
    # div.wp-caption (a caption element holding its image); the "crosspost" teasers go.
    article = _demo("en/bc13ff87b263")
    assert _files(article) == ["1200-wework-to-lay-off-thousands-650x405.jpg",
                               "300-marcelo-claure.jpg"]
    lead, inline = article.images
    assert lead.caption is not None
    assert lead.caption.startswith("More than 4,000 people")
    assert inline.caption == "WeWork chairman Marcelo Claure (Credit: Getty Images)"


def test_youth_cn_keeps_its_two_photos_and_drops_the_channel_logos() -> None:
    article = _demo("zh/9c642bd57e7c")
    assert [i.caption for i in article.images] == [
        "5月9日，山东女子学院养老服务管理专业毕业生就业双选会现场。山东女子学院供图",
        "上海工程技术大学管理学院养老服务管理专业学生杨锦（右）在为老服务中心实习。"
        "上海工程技术大学供图",
    ]
    assert not {"中国青年报", "中青看点", "青创头条"} & set(article.captions)


BODY = "".join(f"<p>第{i}段：会议强调，要坚持稳中求进工作总基调，完整准确全面贯彻新发展理念。</p>"
               for i in range(6))


def test_layout_rules_on_one_page() -> None:
    page = f"""<html><head><title>某地召开工作会议</title>
    <meta property="og:image" content="https://news.example.cn/img/lead-meeting-1200x800.jpg">
    </head><body>
    <div class="top-promo"><img src="/img/promo-a.jpg"><p class="pic_txt">促销活动</p></div>
    <div class="hero"><img src="/img/lead-meeting-650x405.jpg"></div>
    <h1>某地召开工作会议</h1>
    <div class="article">{BODY}
      <p><img src="/img/inline-photo.jpg"></p><p class="pic_txt">会议现场。某某供图</p>
      <p><a href="https://news.example.cn/a/2.html"><img src="/img/teaser.jpg"></a></p>
      <div class="related-news"><img src="/img/related.jpg"><p class="pic_txt">另一条新闻</p></div>
      {BODY}
    </div>
    <aside><img src="/img/sidebar.jpg"></aside>
    </body></html>""".encode()
    article = extract_article(page, "https://news.example.cn/a/1.html")
    assert _files(article) == ["lead-meeting-650x405.jpg", "inline-photo.jpg"]
    assert article.captions == ("会议现场。某某供图",)
