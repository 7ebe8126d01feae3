"""Packaging a WARC file, its CDXJ index and a page list as WACZ 1.1.1.

WACZ (Web Archive Collection Zipped, specs.webrecorder.net/wacz/1.1.1) is what
ReplayWeb.page opens directly: a ZIP holding `archive/*.warc.gz`, the index,
`pages/pages.jsonl` and `datapackage.json`, which lists every file with its size and
SHA-256; `datapackage-digest.json` holds the digest of `datapackage.json` itself.
The index is written as py-wacz writes it, ZipNum `indexes/index.cdx.gz` plus
`indexes/index.idx` (`archive/zipnum.py`): pywb finds no index in a plain
`index.cdxj`. Entries are stored, not deflated, so a replay tool can seek to a record
or an index block inside the ZIP (py-wacz deflates the small `.idx`; either is valid).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kuaizhao.archive.zipnum import zipnum
from kuaizhao.errors import ArchiveError

WACZ_VERSION = "1.1.1"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class WaczPage:
    """One entry of pages.jsonl: a page a viewer lists (an exported snapshot)."""

    url: str
    captured_at: datetime
    title: str
    page_id: str
    text: str | None = None


def page_line(page: WaczPage) -> str:
    ts = page.captured_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    data: dict[str, str] = {"id": page.page_id, "url": page.url, "ts": ts, "title": page.title}
    if page.text is not None:
        data["text"] = page.text
    return json.dumps(data, ensure_ascii=False)


def _sha256_of(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, f"sha256:{digest.hexdigest()}"


def _resource(name: str, path_in_zip: str, data: bytes) -> dict[str, object]:
    return {"name": name, "path": path_in_zip,
            "hash": f"sha256:{hashlib.sha256(data).hexdigest()}", "bytes": len(data)}


def write_wacz(out: Path, warcs: Sequence[Path], cdxj_lines: Iterable[str],
               pages: Iterable[WaczPage], *, title: str, software: str,
               created: datetime | None = None, description: str = "") -> None:
    """Write the WACZ file `out` from finished WARC files and their (sorted) index lines."""
    created = created or datetime.now(UTC)
    index = zipnum(cdxj_lines, "index.cdx.gz")
    page_list = "\n".join([json.dumps(PAGES_HEADER), *(page_line(p) for p in pages)]) + "\n"
    page_bytes = page_list.encode("utf-8")
    resources: list[dict[str, object]] = []
    try:
        with zipfile.ZipFile(out, "x", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for warc in warcs:
                name = f"archive/{warc.name}"
                zf.write(warc, name)
                size, digest = _sha256_of(warc)
                resources.append({"name": warc.name.lower(), "path": name, "hash": digest,
                                  "bytes": size})
            zf.writestr("indexes/index.cdx.gz", index.data)
            resources.append(_resource("index.cdx.gz", "indexes/index.cdx.gz", index.data))
            zf.writestr("indexes/index.idx", index.summary)
            resources.append(_resource("index.idx", "indexes/index.idx", index.summary))
            zf.writestr("pages/pages.jsonl", page_bytes)
            resources.append(_resource("pages.jsonl", "pages/pages.jsonl", page_bytes))
            package: dict[str, object] = {
                "profile": "data-package",
                "resources": resources,
                "wacz_version": WACZ_VERSION,
                "title": title,
                "description": description,
                "software": software,
                "created": created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
            package_bytes = json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
            zf.writestr("datapackage.json", package_bytes)
            digest_doc = {"path": "datapackage.json",
                          "hash": f"sha256:{hashlib.sha256(package_bytes).hexdigest()}"}
            zf.writestr("datapackage-digest.json", json.dumps(digest_doc, indent=2))
    except FileExistsError:
        raise ArchiveError(f"{out} already exists; choose a new file name") from None
    except OSError as exc:
        raise ArchiveError(f"cannot write {out}: {exc}; check free space and permissions") \
            from exc

