"""End to end with WARC files in an S3 bucket (moto's real HTTP server on loopback).

Crawl the demo web with warc_storage = s3, push, delete every local WARC file, then
read every capture back by ranged GET — byte for byte against the files as written,
through warcio's own reader, through the web views — and rebuild the database from
the bucket alone with `reindex`.
"""

from __future__ import annotations

import asyncio
import io
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient
from warcio.archiveiterator import ArchiveIterator

from kuaizhao.archive.reader import read_record_bytes
from kuaizhao.archive.s3 import S3WarcStorage, push
from kuaizhao.archive.storage import open_storage
from kuaizhao.config import Settings
from kuaizhao.pipeline.crawl import Crawler
from kuaizhao.pipeline.reindex import reindex
from kuaizhao.sources import load_sources
from kuaizhao.store import open_store
from kuaizhao.store.base import Store
from kuaizhao.web.app import create_app
from s3_server import client, moto_s3, new_bucket, s3_overrides


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_s3() as url:
        yield url


def _snapshots(store: Store) -> list[tuple[str, str, str, int, int]]:
    return sorted((s.url, s.captured_at.isoformat(), s.warc.filename, s.warc.offset,
                   s.warc.length) for s in store.iter_snapshots())


def _copy_raw(path: Path, offset: int, length: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(length)


async def _web_views(app: object, ids: list[int]) -> dict[int, tuple[int, bytes, int]]:
    seen = {}
    async with AsyncClient(transport=ASGITransport(app=app),  # type: ignore[arg-type]
                           base_url="http://testserver") as web:
        for sid in ids:
            record = await web.get(f"/snapshots/{sid}/warc")
            content = await web.get(f"/snapshots/{sid}/raw/content")
            seen[sid] = (record.status_code, record.content, content.status_code)
    return seen


def test_crawl_into_s3_push_delete_local_and_read_everything_back(
    tmp_path: Path, settings_for: Callable[..., Settings], endpoint: str
) -> None:
    bucket = new_bucket(endpoint)
    # Small files, so the crawl rotates and uploads several while it runs.
    settings = settings_for(tmp_path / "home", warc_max_bytes=60_000,
                            **s3_overrides(endpoint, bucket))
    store = open_store(settings)
    asyncio.run(Crawler(store, settings, load_sources(settings.sources_path)).run(once=True))
    storage = open_storage(settings.warc_storage_options)
    assert isinstance(storage, S3WarcStorage)
    local_names = storage.local.list_files()
    assert len(local_names) >= 3, "expected the crawl to rotate through several files"
    # The crawler published every file it finished, the last one on close.
    assert sorted(storage.remote_files()) == sorted(local_names)
    keys = [o["Key"] for o in client(endpoint).list_objects_v2(Bucket=bucket)["Contents"]]
    assert all(k.startswith("archive/warc/") for k in keys)

    written = tmp_path / "as-written"
    shutil.copytree(settings.warc_path, written)
    report = push(storage, delete_local=True)
    assert sorted(report.already) == sorted(local_names)
    assert not report.uploaded
    assert sorted(report.deleted) == sorted(local_names)
    assert storage.local.list_files() == []
    assert storage.list_files() == [*local_names]  # same names, same write order

    captures = list(store.iter_archived_captures())
    assert len(captures) > 20
    for capture in captures:
        for pointer in filter(None, (capture.response, capture.request)):
            raw = storage.read_range(pointer.filename, pointer.offset, pointer.length)
            assert raw == _copy_raw(written / pointer.filename, pointer.offset, pointer.length)
            assert read_record_bytes(storage, pointer) == read_record_bytes(written, pointer)
        raw = storage.read_range(capture.response.filename, capture.response.offset,
                                 capture.response.length)
        records = list(ArchiveIterator(io.BytesIO(raw)))
        assert len(records) == 1
        assert records[0].rec_type in ("response", "revisit")
        assert records[0].rec_headers.get_header("WARC-Target-URI") == capture.url
        assert records[0].rec_headers.get_header("WARC-Record-ID") == capture.record_id

    snapshots = _snapshots(store)
    ids = [s.id for s in store.iter_snapshots()]
    seen = asyncio.run(_web_views(create_app(store, settings), ids))
    for snap in store.iter_snapshots():
        status, body, content_status = seen[snap.id]
        assert (status, content_status) == (200, 200)
        assert body == _copy_raw(written / snap.warc.filename, snap.warc.offset,
                                 snap.warc.length)

    rebuilt = reindex(store, settings, load_sources(settings.sources_path))
    assert rebuilt.files == len(local_names)
    assert not rebuilt.damaged
    assert _snapshots(store) == snapshots
    store.close()
