"""Hostile files given to `kuaizhao import`: refused record by record, in bounded memory.

A 10 MB gzip file of one endless header line once took 21 GB. Each file here would
expand to hundreds of MB if read whole; the import runs in a child process, and its
peak resident set (`RUSAGE_CHILDREN` of a wrapper around it) must stay far below that.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

EXPANDED = 512 << 20  # what each hostile stream inflates to
PEAK_LIMIT_MB = 400  # the import's own footprint (~150 MB) plus one 64 MB record, twice
# Runs the import as its child and reports the child's peak RSS (KiB on Linux).
_WRAPPER = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
sys.stderr.write(f"\\nexit={done.returncode} peak_kib={peak}\\n")
"""


def _gzip_member(path: Path, parts: Iterable[bytes], mode: str = "wb") -> None:
    """One gzip member of everything in `parts`, compressed as it streams by."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with path.open(mode) as handle:
        for part in parts:
            handle.write(compressor.compress(part))
        handle.write(compressor.flush())


def _repeat(chunk: bytes, total: int) -> Iterable[bytes]:
    for _ in range(total // len(chunk)):
        yield chunk


def _http_block(body: bytes, *headers: str) -> bytes:
    head = "".join(f"{h}\r\n" for h in ("HTTP/1.1 200 OK", "Content-Type: text/html", *headers))
    return head.encode() + b"\r\n" + body


def _warc_head(length: int, uri: str) -> bytes:
    return ("WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: 2024-02-07T13:02:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{abs(hash(uri)):032x}>\r\nWARC-Target-URI: {uri}\r\n"
            f"Content-Type: application/http; msgtype=response\r\nContent-Length: {length}\r\n"
            "\r\n").encode()


def hostile_files(directory: Path) -> dict[str, Path]:
    files = {name: directory / name for name in (
        "endless-header.warc.gz", "huge-content-length.warc", "huge-content-length.warc.gz",
        "record-bomb.warc.gz", "body-bomb.warc.gz")}
    # One header line that never ends.
    _gzip_member(files["endless-header.warc.gz"],
                 [b"WARC/1.0\r\nWARC-Type: response\r\nX-Filler: ",
                  *_repeat(b"A" * (1 << 20), EXPANDED)])
    # A record that claims a petabyte and holds a page.
    page = _http_block(b"<html><body><p>tiny</p></body></html>")
    claim = _warc_head(10**15, "http://example.com/claim") + page
    files["huge-content-length.warc"].write_bytes(claim)
    _gzip_member(files["huge-content-length.warc.gz"], [claim])
    # A record whose block inflates to EXPANDED bytes of zeros.
    _gzip_member(files["record-bomb.warc.gz"],
                 [_warc_head(EXPANDED, "http://example.com/bomb"),
                  *_repeat(bytes(1 << 20), EXPANDED), b"\r\n\r\n"])
    # A small record whose HTTP body is gzip of EXPANDED zeros (Content-Encoding).
    body = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    encoded = b"".join(body.compress(c) for c in _repeat(bytes(1 << 20), EXPANDED))
    encoded += body.flush()
    block = _http_block(encoded, "Content-Encoding: gzip", f"Content-Length: {len(encoded)}")
    _gzip_member(files["body-bomb.warc.gz"],
                 [_warc_head(len(block), "http://example.com/body-bomb"), block, b"\r\n\r\n"])
    return files


def test_hostile_files_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    files = hostile_files(tmp_path)
    command = [sys.executable, "-m", "kuaizhao", "--home", str(tmp_path / "home"), "-q",
               "import", "--json", *map(str, files.values())]
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True,
                          text=True, check=False, timeout=600)
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("exit=0 "), done.stderr[-2000:]
    peak_mb = int(last.rpartition("peak_kib=")[2]) / 1024
    assert peak_mb < PEAK_LIMIT_MB, f"import peaked at {peak_mb:.0f} MB"

    reports = {Path(r["path"]).name: r for r in json.loads(done.stdout)}
    reasons = {name: " | ".join(s["reason"] for s in r["skipped"]) for name, r in reports.items()}
    assert "max_record_bytes" in reasons["endless-header.warc.gz"]
    assert "cut off" in reasons["huge-content-length.warc"]
    assert "shorter than its Content-Length" in reasons["huge-content-length.warc.gz"]
    assert "max_record_bytes" in reasons["record-bomb.warc.gz"]
    # The body stays as stored (kept as a capture, never inflated whole).
    assert reports["body-bomb.warc.gz"]["captures"] == 1
    for name in files:
        assert reports[name]["snapshots"] == 0
