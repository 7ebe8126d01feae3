"""WACZ packaging: ZIP layout, stored entries and the datapackage digests."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kuaizhao.archive.wacz import WaczPage, page_line, write_wacz
from kuaizhao.errors import ArchiveError


def test_package_lists_every_file_with_its_sha256(tmp_path: Path) -> None:
    warc = tmp_path / "data.warc.gz"
    warc.write_bytes(b"\x1f\x8b fake but hashed" * 100)
    when = datetime(2024, 2, 7, 13, 2, 9, 500000, tzinfo=UTC)
    pages = [WaczPage("https://news.example.cn/a.html", when, "标题", "snapshot-1")]
    out = tmp_path / "x.wacz"
    write_wacz(out, [warc], ["cn,example,news)/a.html 20240207130209 {}"], pages,
               title="t", software="kuaizhao/test", created=when)
    with zipfile.ZipFile(out) as zf:
        assert all(info.compress_type == zipfile.ZIP_STORED for info in zf.infolist())
        package = json.loads(zf.read("datapackage.json"))
        digest = json.loads(zf.read("datapackage-digest.json"))
        for resource in package["resources"]:
            data = zf.read(resource["path"])
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
            assert resource["bytes"] == len(data)
        assert digest["hash"] == "sha256:" + hashlib.sha256(zf.read("datapackage.json")).hexdigest()
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
    assert package["wacz_version"] == "1.1.1"
    assert package["created"] == "2024-02-07T13:02:09Z"
    assert json.loads(lines[0])["format"] == "json-pages-1.0"
    assert json.loads(lines[1]) == {"id": "snapshot-1", "url": "https://news.example.cn/a.html",
                                    "ts": "2024-02-07T13:02:09.500Z", "title": "标题"}
    with pytest.raises(ArchiveError, match="already exists"):
        write_wacz(out, [warc], [], [], title="t", software="s")


def test_page_line_keeps_chinese_and_optional_text() -> None:
    when = datetime(2024, 2, 7, tzinfo=UTC)
    line = page_line(WaczPage("https://a.cn/", when, "新闻", "p", text="正文"))
    assert "新闻" in line
    assert json.loads(line)["text"] == "正文"
