"""pywb 2.10 replays captures from kuaizhao's WARC + CDXJ, on loopback.

Three ways: a `kuaizhao export --format warc` file with its index, the archive's
own WARC files in place (imported files are links under warc/linked/) indexed by
`kuaizhao export --format cdxj`, and a `kuaizhao export --format wacz` file added with
`wb-manager add --unpack-wacz`, which finds its index only as `indexes/*.cdx.gz`.
pywb's `id_` replay mode returns the archived payload unchanged, which must equal the
bytes that were captured.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from import_warcs import BuiltWarc, build_news_warc

from kuaizhao.archive.cdxj import cdxj_timestamp
from kuaizhao.config import load_settings
from kuaizhao.pipeline.exporter import ExportFormat, ExportOptions, export
from kuaizhao.pipeline.importer import ImportOptions, import_files
from kuaizhao.store import open_store

WAYBACK = Path(sys.executable).parent / "wayback"
WB_MANAGER = Path(sys.executable).parent / "wb-manager"
pytestmark = pytest.mark.skipif(not WAYBACK.exists(), reason="pywb is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, BuiltWarc]]:
    root = tmp_path_factory.mktemp("pywb")
    built = build_news_warc(root / "crawl")
    settings = load_settings(home=str(root / "home"), environ={},
                             overrides={"warc_fsync": False})
    store = open_store(settings)
    try:
        import_files(store, settings, [], [built.path], ImportOptions())
        exported = root / "export.warc.gz"
        export(store, settings, ExportOptions(ExportFormat.WARC), exported)
        in_place = root / "archive.cdxj"
        export(store, settings, ExportOptions(ExportFormat.CDXJ), in_place)
        export(store, settings, ExportOptions(ExportFormat.WACZ), root / "export.wacz")
    finally:
        store.close()
    pywb = root / "pywb"
    (pywb / "collections" / "exported" / "archive").mkdir(parents=True)
    (pywb / "collections" / "exported" / "indexes").mkdir()
    shutil.copy(exported, pywb / "collections" / "exported" / "archive")
    shutil.copy(root / "export.warc.gz.cdxj",
                pywb / "collections" / "exported" / "indexes" / "index.cdxj")
    wacz = str(root / "export.wacz")
    for command in (["init", "wacz"], ["add", "--unpack-wacz", "wacz", wacz]):
        done = subprocess.run([WB_MANAGER, *command], cwd=pywb, capture_output=True, text=True,
                              check=False)
        assert done.returncode == 0, done.stderr
        assert "does not contain any" not in done.stderr, done.stderr
    (pywb / "config.yaml").write_text(
        "collections:\n"
        "  inplace:\n"
        f"    index_paths: {in_place}\n"
        f"    archive_paths: {settings.warc_path}/\n", encoding="utf-8")
    port = _free_port()
    log = root / "pywb.log"
    with log.open("wb") as sink:
        server = subprocess.Popen([WAYBACK, "-p", str(port), "-b", "127.0.0.1", "-d", str(pywb)],
                                  cwd=pywb, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base + "/")
                break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"pywb did not start: {log.read_text()[-2000:]}") from exc
                time.sleep(0.2)
        yield base, built
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("collection", ["exported", "inplace", "wacz"])
def test_pywb_replays_the_captured_payload(replay: tuple[str, BuiltWarc],
                                           collection: str) -> None:
    base, built = replay
    for url, body in built.articles[:4]:
        stamp = cdxj_timestamp(built.originals[url].fetched_at)
        status, replayed = _get(f"{base}/{collection}/{stamp}id_/{url}")
        assert status == 200
        assert replayed == body


def test_pywb_finds_the_image_and_lists_the_captures(replay: tuple[str, BuiltWarc]) -> None:
    base, built = replay
    status, listing = _get(f"{base}/inplace/cdx?url={built.revisit_url}&output=json")
    assert status == 200
    lines = [line for line in listing.decode().splitlines() if line.strip()]
    assert len(lines) == 2  # the response and its revisit
    status, _ = _get(f"{base}/inplace/20240207130200id_/{built.image_url}")
    assert status == 200
