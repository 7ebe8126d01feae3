"""Authors: people from the most trusted declaration, without the outlet itself."""

from __future__ import annotations

import json
from typing import Any

from kuaizhao import extract_article
from kuaizhao.extract.bylines import split_names

BODY = "<p>" + "The story itself runs long enough to count as an article body here. " * 8


def _page(authors: Any, meta_author: str = "", site: str = "", extra: str = "") -> bytes:
    ld = json.dumps({"@type": "NewsArticle", "headline": "A headline long enough",
                     "author": authors})
    head = f'<script type="application/ld+json">{ld}</script>'
    if meta_author:
        head += f'<meta name="author" content="{meta_author}">'
    if site:
        head += f'<meta property="og:site_name" content="{site}">'
    return (f"<html><head>{head}</head><body><h1>A headline long enough</h1>{extra}{BODY}</p>"
            "</body></html>").encode()


def test_organisation_author_is_dropped_beside_a_person() -> None:
    page = _page([{"@type": "Person", "name": "Rachel Riederer"},
                  {"@type": "Organization", "name": "Condé Nast"}])
    assert extract_article(page, "https://www.newyorker.example/x").author == ("Rachel Riederer",)


def test_site_name_and_host_are_not_authors() -> None:
    page = _page([{"@type": "Person", "name": "Dirk Knop"}, {"@type": "Person",
                                                            "name": "heise online"}])
    assert extract_article(page, "https://www.heise.de/news/1.html").author == ("Dirk Knop",)


def test_outlet_alone_is_kept_as_the_byline() -> None:
    page = _page([{"@type": "Organization", "name": "kicker"}])
    assert extract_article(page, "https://www.kicker.de/x").author == ("kicker",)


def test_sources_are_not_merged() -> None:
    page = _page([{"@type": "Person", "name": "Xiaoying You"}], meta_author="You, Xiaoying")
    assert extract_article(page).author == ("Xiaoying You",)


def test_person_named_on_the_page_beats_an_outlet_only_declaration() -> None:
    page = _page([{"@type": "Organization", "name": "Lesotho Times"}],
                 extra='<a rel="author" href="/author/mm">Mohloai Mpesi</a>')
    assert extract_article(page).author == ("Mohloai Mpesi",)


def test_json_ld_person_with_a_space_is_one_person() -> None:
    page = _page([{"@type": "Person", "name": "大渡 美咲"}])
    assert extract_article(page).author == ("大渡 美咲",)


def test_split_names_conjunctions_prefixes_and_staff_codes() -> None:
    assert split_names("Felix Schröder und Jörg Soldwisch") == ("Felix Schröder", "Jörg Soldwisch")
    assert split_names("By 배윤경") == ("배윤경",)
    assert split_names("Corina Gall (cog.)") == ("Corina Gall",)
    assert split_names("신현주 기자") == ("신현주",)
    assert split_names("记者 张三 李四") == ("张三", "李四")


def _plain(head: str, byline: str = "") -> bytes:
    return (f"<html><head>{head}</head><body><h1>A headline long enough</h1>{byline}{BODY}"
            "</p></body></html>").encode()


def test_yoast_written_by_card_names_the_author() -> None:
    page = _plain('<meta name="author" content="a.sleegers@example.de">'
                  '<meta name="twitter:label1" content="Written by">'
                  '<meta name="twitter:data1" content="Anna Sleegers">'
                  '<meta name="twitter:label2" content="Est. reading time">'
                  '<meta name="twitter:data2" content="4 Minuten">')
    article = extract_article(page)
    assert article.author == ("Anna Sleegers",)
    assert any(e.rule == "twitter:label written by" for e in article.evidence)


def test_reading_time_card_alone_is_no_author() -> None:
    page = _plain('<meta name="twitter:label1" content="Est. reading time">'
                  '<meta name="twitter:data1" content="4 Minuten">')
    assert extract_article(page).author == ()


def test_by_line_drops_the_place_it_was_filed_from() -> None:
    page = _plain("", "<h5>Von Anna Sleegers, Frankfurt</h5>")
    assert extract_article(page).author == ("Anna Sleegers",)
    page = _plain("", "<h5>By Jane Doe, John Roe</h5>")
    assert extract_article(page).author == ("Jane Doe", "John Roe")


def test_yoast_card_in_the_sites_language() -> None:
    page = _plain('<meta name="twitter:label1" content="Verfasst von">'
                  '<meta name="twitter:data1" content="Gregor Meier">')
    assert extract_article(page).author == ("Gregor Meier",)


def test_a_visible_by_line_beats_a_declaration_naming_only_the_outlet() -> None:
    page = _page([{"@type": "Organization", "name": "STERN.de"}], site="STERN.de",
                 extra="<p>von Jemima Kelly, STERN.de</p>")
    article = extract_article(page, "https://www.stern.de/x.html")
    assert article.author == ("Jemima Kelly",)
    assert any(e.rule == "'By …' line" for e in article.evidence)
    outlet_only = _page([{"@type": "Organization", "name": "STERN.de"}], site="STERN.de")
    assert extract_article(outlet_only, "https://www.stern.de/x.html").author == ("STERN.de",)


def test_by_line_read_from_a_part_of_a_dateline() -> None:
    page = _plain("", "<div>Do 25.04.24 | 14:07 Uhr | Von <span>Eva Kirchner-Rätsch</span></div>")
    assert extract_article(page).author == ("Eva Kirchner-Rätsch",)


def test_the_first_by_line_decides_and_the_outlet_alone_is_no_person() -> None:
    # Teasers further down credit other people: they are not this article's byline.
    related = "".join(f"<h3>Another story number {i}</h3><p>By REUTERS</p>" for i in range(3))
    page = _page([], meta_author="", extra=f"<p>By JERUSALEM POST STAFF</p>{related}")
    assert "REUTERS" not in extract_article(page, "https://www.jpost.example/x").author


def test_a_by_line_with_words_that_are_no_names_is_no_byline() -> None:
    page = _plain("", "<p>By TPN, in News, Portugal, Business · 31 Jan 2025</p>")
    assert extract_article(page).author == ()


def test_labelled_author_field_anywhere_on_the_page() -> None:
    side = ("<ul><li><strong>Datum</strong> 28.04.2023</li>"
            "<li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>")
    page = (f"<html><body><h1>A headline long enough</h1>{BODY}</p>"
            + "<p>Filler paragraph between the story and the sidebar.</p>" * 80
            + f"{side}</body></html>").encode()
    article = extract_article(page)
    assert article.author == ("Roman Goncharenko",)
    assert any(e.rule == "labelled author field" for e in article.evidence)
    assert extract_article(_plain("", "<p>Author: the editors of this site</p>")).author == ()


def test_element_marked_as_byline_names_each_person() -> None:
    byline = ('<div class="article-byline"><div class="article-origins">'
              '<span class="simple">Birgit Baumann</span> <span class="simple">Anna Giulia Fink'
              '</span></div></div>')
    article = extract_article(_plain("", byline))
    assert article.author == ("Birgit Baumann", "Anna Giulia Fink")
    assert any(e.rule.startswith("element marked as byline") for e in article.evidence)
    split_name = ('<address class="byline"><a rel="nofollow"><span class="firstname">Ingrid'
                  '</span> <span class="lastname">Treborg</span></a></address>')
    assert extract_article(_plain("", split_name)).author == ("Ingrid Treborg",)


def test_marked_element_parts_about_date_or_place_are_not_names() -> None:
    byline = ('<div class="solar-author"><div class="solar-author-origin">São Paulo</div>'
              '<div class="solar-author-date">19/05/2024 15h27</div></div>')
    assert extract_article(_plain("", byline)).author == ()
    sentence = '<p class="author-note">The Russian and Syrian defense ministries</p>'
    assert extract_article(_plain("", sentence)).author == ()


def test_marked_element_only_near_the_headline() -> None:
    far = ("<p>Filler paragraph between the story and the comments.</p>" * 80
           + '<span class="comment-author">Jane Reader</span><span class="author">John Roe</span>')
    page = f"<html><body><h1>A headline long enough</h1>{BODY}</p>{far}</body></html>".encode()
    assert extract_article(page).author == ()


def test_json_ld_person_with_a_role_after_the_name() -> None:
    role = "Povilas Aleksandravičius, Mykolo Romerio universiteto profesorius, Lrt.lt"
    assert extract_article(_page([{"@type": "Person", "name": role}])).author == (
        "Povilas Aleksandravičius",)
    listed = "Mamokete Modiba, Claire Benit-Gbaffou and Tanya Zack"
    assert extract_article(_page([{"@type": "Person", "name": listed}])).author == (
        "Mamokete Modiba", "Claire Benit-Gbaffou", "Tanya Zack")


def test_the_fuller_json_ld_author_list_wins() -> None:
    # Yoast's Article object names one author; the site's own NewsArticle names both.
    one = json.dumps({"@type": "Article", "author": {"@type": "Person", "name": "Till Eckert"}})
    page = _page([{"@type": "Person", "name": n} for n in ("Till Eckert", "Max Bernhard")],
                 extra=f'<script type="application/ld+json">{one}</script>')
    assert extract_article(page).author == ("Till Eckert", "Max Bernhard")


def test_byline_window_anchors_on_the_h1_when_the_declared_headline_differs() -> None:
    # JSON-LD's headline is another wording; a sub-heading further down repeats part of it.
    ld = json.dumps({"@type": "NewsArticle", "headline": "Ist die Bratwurst eine Illusion? "
                     "Das harte Geschäft", "author": {"@type": "Organization", "name": "MDR"}})
    page = (f'<html><head><script type="application/ld+json">{ld}</script></head><body>'
            "<h1>Das harte Geschäft mit dem Tod: Warum weniger geschlachtet wird</h1>"
            "<p>von David Straub, MDR THÜRINGEN</p>" + BODY + "</p>"
            + "<p>More of the story in many paragraphs that follow here.</p>" * 40
            + "<h3>Ist die Bratwurst eine Illusion?</h3><p>By Someone Else</p>"
            + "</body></html>").encode()
    assert extract_article(page, "https://www.mdr.de/x.html").author == ("David Straub",)


def test_editor_that_names_nobody_is_no_editor() -> None:
    page = _plain("", "<p>责任编辑：系统管理员</p>")
    assert extract_article(page).editor is None
    assert extract_article(_plain("", "<p>责任编辑：张申</p>")).editor == "张申"


def test_closing_credit_beats_a_byline_naming_the_outlet() -> None:
    # sina.com.cn: "作者：新京报" beside "来源：新京报"; the reporters close the text.
    paragraphs = "".join(f"<p>第{i}段，庭审最后，法庭宣布休庭，择期宣判，旁听人员陆续离场。</p>"
                         for i in range(6))
    page = ("<html><body><h1>青岛市政协原主席汲斌昌受审</h1>"
            "<div>2024年05月16日 17:02 来源：新京报 作者：新京报</div>"
            f"<div class='article'>{paragraphs}<p>（总台央视记者 奚丹霓 张赛）</p></div>"
            "</body></html>").encode()
    article = extract_article(page, "https://news.sina.com.cn/c/2024-05-16/doc.shtml")
    assert article.author == ("奚丹霓", "张赛")
    assert article.source == "新京报"
    without_credit = page.replace("<p>（总台央视记者 奚丹霓 张赛）</p>".encode(), b"")
    assert extract_article(without_credit).author == ("新京报",)  # nobody else is named


def test_site_name_under_a_country_registry_is_the_outlet() -> None:
    page = _page([{"@type": "Person", "name": "sina_mobile"}])
    assert extract_article(page, "https://finance.sina.com.cn/a.html").author == ("sina_mobile",)
    page = _page([{"@type": "Person", "name": "sina_mobile"}, {"@type": "Person",
                                                              "name": "张三"}])
    assert extract_article(page, "https://finance.sina.com.cn/a.html").author == ("张三",)
