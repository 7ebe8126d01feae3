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
