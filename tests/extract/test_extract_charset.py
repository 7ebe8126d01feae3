"""Decoding: valid multi-byte UTF-8 wins over a lying single-byte declaration."""

from __future__ import annotations

from kuaizhao import extract_article
from kuaizhao.charset import decode_html, detect_charset

GERMAN = "<p>Für 10 GB Datenvolumen im gut ausgebauten Netz: größer, schöner.</p>"


def _page(meta_charset: str, body: str) -> str:
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; '
            f'charset={meta_charset}"><title>Tarif für alle</title></head>'
            f"<body><h1>Tarif für alle</h1>{body * 6}</body></html>")


def test_utf8_page_declaring_latin1_is_not_garbled() -> None:
    raw = _page("iso-8859-1", GERMAN).encode("utf-8")
    text, codec = decode_html(raw)
    assert codec == "utf-8"
    assert "Für 10 GB" in text
    assert "Ã" not in text
    article = extract_article(raw, "https://winfuture.example/news/1.html")
    assert "Ã" not in article.text + article.title
    assert article.title == "Tarif für alle"


def test_real_latin1_bytes_still_decode_as_declared() -> None:
    raw = _page("iso-8859-1", GERMAN).encode("cp1252")
    assert detect_charset(raw) == "cp1252"
    assert "Für 10 GB" in decode_html(raw)[0]


def test_gbk_page_declaring_gb2312_stays_gb18030() -> None:
    raw = ('<html><head><meta charset="gb2312"></head><body><p>无锡：放大三个效应，打造产业'
           "科技创新高地。</p></body></html>").encode("gbk")
    assert detect_charset(raw) == "gb18030"
    assert "打造产业科技创新高地" in decode_html(raw)[0]


def test_utf8_page_declaring_gbk_is_read_as_utf8() -> None:
    raw = '<html><head><meta charset="gbk"></head><body><p>座谈会现场。</p></body></html>'
    assert detect_charset(raw.encode("utf-8")) == "utf-8"


def test_utf8_cut_inside_a_character_is_still_utf8() -> None:
    raw = _page("iso-8859-1", GERMAN).encode("utf-8") + "für".encode()[:2]
    assert detect_charset(raw) == "utf-8"


def test_ascii_page_keeps_its_declared_charset() -> None:
    raw = b'<html><head><meta charset="iso-8859-1"></head><body>plain</body></html>'
    assert detect_charset(raw) == "cp1252"


def test_decomposed_letters_come_out_composed() -> None:
    # "für" written as u + U+0308 (NFD), as on some CMSs; search compares composed text.
    body = "<p>" + "Die Gesellschaft fu\u0308r Allgemeinmedizin feierte ihr Bestehen. " * 8
    page = f"<html><body><h1>Gru\u0308ndervater der SU\u0308GAM</h1>{body}</p></body></html>"
    article = extract_article(page.encode())
    assert article.title == "Gründervater der SÜGAM"
    assert "für Allgemeinmedizin" in article.text
    assert "u\u0308" not in article.text
