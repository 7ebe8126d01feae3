"""The lookup key of captures (migration 0010): stored on insert, filled for rows an
older kuaizhao wrote, and found under any variant spelling on both backends."""

from __future__ import annotations

from test_store import capture

from kuaizhao.store import open_url
from kuaizhao.urls import lookup_key

URL = "https://www.news.example.cn/a/1.html?id=7&page=2"


def test_captures_are_found_under_their_variants(database_url: str) -> None:
    store = open_url(database_url)
    try:
        with store.transaction():
            store.add_capture(capture(URL, "sha1:A", 1))
            store.add_capture(capture("https://news.example.cn/a/2.html", "sha1:B", 2))
        variant = "http://news.example.cn/a/1.html?page=2&id=7&utm_source=wx&spm=a.b"
        assert store.captures_of_url(variant) == []
        found = store.captures_of_url_key(lookup_key(variant))
        assert [c.url for c in found] == [URL]
    finally:
        store.close()


def test_keys_missing_from_older_rows_are_filled_when_the_archive_opens(
        database_url: str) -> None:
    store = open_url(database_url)
    try:
        with store.transaction():
            for n in range(3):
                store.add_capture(capture(f"{URL}&n={n}", f"sha1:{n}", n))
            store._run("UPDATE captures SET url_key = NULL")  # type: ignore[attr-defined]
        assert store.captures_of_url_key(lookup_key(URL + "&n=1")) == []
    finally:
        store.close()
    reopened = open_url(database_url)
    try:
        assert reopened.fill_url_keys() == 0  # opening filled them already
        assert [c.url for c in reopened.captures_of_url_key(lookup_key(URL + "&n=1"))] == [
            URL + "&n=1"]
    finally:
        reopened.close()
