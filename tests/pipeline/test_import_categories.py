"""`import --category` follows the category order of docs/sources.md; codes are no labels."""

from __future__ import annotations

from pathlib import Path

import pytest
from import_warcs import BASE_TIME, demo_pages, exchange

from kuaizhao.archive import WarcOptions, WarcWriter
from kuaizhao.cli.main import main
from kuaizhao.config import Settings
from kuaizhao.pipeline.importer import ImportOptions, import_files
from kuaizhao.store import Store

# Real demo pages: one whose breadcrumb names its section (国内), one that names none.
LABELLED, UNLABELLED = "zh/9c642bd57e7c", "zh/42076fe0b7e3"


def _warc(directory: Path, pages: dict[str, bytes]) -> Path:
    with WarcWriter(WarcOptions(directory=directory, prefix="cats", fsync=False)) as writer:
        for url, body in pages.items():
            writer.write_exchange(exchange(url, body, BASE_TIME))
        name = writer.current_file
    assert name is not None
    return directory / name


def _with_section(body: bytes, section: str) -> bytes:
    """The page as its CMS would serve it with a section id in its meta tags."""
    meta = f'<meta property="article:section" content="{section}">'.encode()
    return body.replace(b"</head>", meta + b"</head>", 1)


def test_a_page_that_gives_only_a_code_takes_the_import_category(
        home: tuple[Settings, Store], tmp_path: Path) -> None:
    settings, store = home
    pages = dict(demo_pages())
    urls = {
        "code": "https://news.example.cn/a/01002002050/1.html",
        "labelled": "https://news.example.cn/a/2.html",
        "code-and-label": "https://news.example.cn/a/3.html",
    }
    warc = _warc(tmp_path / "in", {
        urls["code"]: _with_section(pages[UNLABELLED], "01002002050"),
        urls["labelled"]: pages[LABELLED],
        urls["code-and-label"]: _with_section(pages[LABELLED], "1004"),
    })
    [report] = import_files(store, settings, [], [warc],
                            ImportOptions(source="Example News", category="财经"))
    assert report.snapshots == 3
    categories = {key: store.snapshots_of_url(url)[0].article.category
                  for key, url in urls.items()}
    # The page's own label beats the import's default; a code is no label at all.
    assert categories == {"code": "财经", "labelled": "国内", "code-and-label": "国内"}


def test_cli_refuses_a_code_as_the_import_category(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warc = _warc(tmp_path / "in", {"https://news.example.cn/a/1.html": demo_pages()[0][1]})
    home = str(tmp_path / "cli-home")
    assert main(["--home", home, "import", str(warc), "--category", "1004"]) == 2
    err = capsys.readouterr().err
    assert "'1004' is a code" in err
    assert "--category 国内" in err
