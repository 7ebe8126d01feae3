"""Regenerate the hand-made WARC files with valid but unusual records, and `odd.json`.

Run from the repository root: `.venv/bin/python tests/data/archive/make_odd_fixtures.py`.
Unlike the broken fixtures these are well-formed: `warcio check` passes every one (the
tests run it). They are written byte by byte here, because kuaizhao's writer makes
neither IRIs in WARC-Target-URI nor segmented records:

- `utf8-target-uri.warc`: a response whose WARC-Target-URI holds UTF-8 characters
  unescaped, as several tools write it (WARC 1.1 allows an IRI).
- `segmented.warc`: a response cut into three segments (WARC 1.1 §6.8: the first with
  `WARC-Segment-Number: 1`, then `continuation` records, the last one with
  `WARC-Segment-Total-Length`).
- `segmented-missing.warc`: the same without its second segment.
"""

from __future__ import annotations

import json
from pathlib import Path

from kuaizhao.archive.digest import sha1_digest

HERE = Path(__file__).parent
DATE = "2024-02-07T13:02:00Z"
IRI = "https://hk.news.yahoo.com/義大利公開賽-費德勒晉級-063012345.html"
SEGMENTED_URL = "https://news.example.cn/2024/02/07/long-report.html"
PARAGRAPHS = 20


def record(fields: list[tuple[str, str]], block: bytes) -> bytes:
    lines = ["WARC/1.1", *(f"{k}: {v}" for k, v in fields),
             f"WARC-Block-Digest: {sha1_digest(block)}", f"Content-Length: {len(block)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def article(title: str, paragraph: str) -> bytes:
    """An article page of PARAGRAPHS numbered paragraphs (each names its number)."""
    body = "".join(f"<p>第{n}段：{paragraph}（第{n}段完）</p>\n" for n in range(1, PARAGRAPHS + 1))
    return (f"<!DOCTYPE html>\n<html lang=\"zh-Hant\"><head><meta charset=\"utf-8\">"
            f"<title>{title}</title></head><body><header><nav><a href=\"/\">首頁</a></nav>"
            f"</header><article><h1>{title}</h1>\n{body}</article>"
            f"<footer>版權所有</footer></body></html>\n").encode()


def http_response(body: bytes) -> bytes:
    head = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


def response(uri: str, record_id: str, block: bytes, *extra: tuple[str, str]) -> bytes:
    return record([("WARC-Type", "response"), ("WARC-Record-ID", record_id),
                   ("WARC-Date", DATE), ("WARC-Target-URI", uri),
                   ("Content-Type", "application/http; msgtype=response"), *extra], block)


def segments(block: bytes, parts: int) -> list[bytes]:
    """The segmented record's bytes, one item per segment, in order."""
    first_id = "<urn:uuid:3f1c2a52-5b7e-4f0e-9a55-6d2b8f0c1e01>"
    size = -(-len(block) // parts)
    pieces = [block[i : i + size] for i in range(0, len(block), size)]
    out = [response(SEGMENTED_URL, first_id, pieces[0], ("WARC-Segment-Number", "1"))]
    for n, piece in enumerate(pieces[1:], start=2):
        last = [("WARC-Segment-Total-Length", str(len(block)))] if n == len(pieces) else []
        out.append(record([("WARC-Type", "continuation"),
                           ("WARC-Record-ID", f"<urn:uuid:3f1c2a52-5b7e-4f0e-9a55-6d2b8f0c1e0{n}>"),
                           ("WARC-Date", DATE), ("WARC-Target-URI", SEGMENTED_URL),
                           ("WARC-Segment-Origin-ID", first_id),
                           ("WARC-Segment-Number", str(n)), *last], piece))
    return out


def main() -> None:
    iri_page = article("義大利公開賽：費德勒晉級八強",
                       "費德勒在羅馬以直落二擊敗對手，順利晉級。" * 3)
    (HERE / "utf8-target-uri.warc").write_bytes(
        response(IRI, "<urn:uuid:0c7f6a9e-2d4b-4c1a-8f3e-5a6b7c8d9e0f>", http_response(iri_page)))
    long_page = article("長篇報導：城市更新計劃公布",
                        "市政府公布新一輪城市更新計劃，涵蓋多個舊區。" * 4)
    parts = segments(http_response(long_page), 3)
    (HERE / "segmented.warc").write_bytes(b"".join(parts))
    (HERE / "segmented-missing.warc").write_bytes(parts[0] + parts[2])
    manifest = {"iri": IRI, "segmented_url": SEGMENTED_URL, "paragraphs": PARAGRAPHS,
                "segmented_payload_bytes": len(long_page),
                "segment_offsets": [sum(len(p) for p in parts[:i]) for i in range(len(parts))]}
    (HERE / "odd.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")


if __name__ == "__main__":
    main()
