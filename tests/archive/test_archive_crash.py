"""A writer killed mid-record must leave every earlier record readable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from archive_exchanges import build_exchange

from kuaizhao.archive import (
    DamagedRecord,
    WarcEntry,
    WarcOptions,
    WarcWriter,
    iter_warc,
    list_warc_files,
    read_response,
)
from kuaizhao.archive.records import build_capture
from kuaizhao.archive.writer import encode_member
from kuaizhao.models import WarcPointer

_WRITER_LOOP = textwrap.dedent(
    """
    import json, os, sys
    from dataclasses import asdict
    from datetime import UTC, datetime
    from pathlib import Path
    from kuaizhao.archive import WarcOptions, WarcWriter
    from kuaizhao.models import HttpExchange

    writer = WarcWriter(WarcOptions(Path(sys.argv[1]), fsync=False))
    n = 0
    while True:
        body = os.urandom(400_000)  # incompressible, so each write takes a while
        exchange = HttpExchange("GET", f"http://news.example.cn/{n}", (), 200, "OK", "1.1",
                                (("Content-Type", "application/octet-stream"),), body, body,
                                datetime.now(UTC))
        archived = writer.write_exchange(exchange)
        print(json.dumps(asdict(archived.response)), flush=True)
        n += 1
    """
)


def _items(directory: Path) -> list[WarcEntry | DamagedRecord]:
    return [item for path in list_warc_files(directory) for item in iter_warc(path, directory)]


def test_torn_gzip_member_at_the_end_is_reported_and_earlier_records_survive(
    tmp_path: Path,
) -> None:
    with WarcWriter(WarcOptions(tmp_path, fsync=False)) as writer:
        archived = [writer.write_exchange(build_exchange(f"http://a.cn/{n}", seconds=n))
                    for n in range(5)]
    path = tmp_path / archived[0].response.filename
    intact_size = path.stat().st_size
    with WarcWriter(WarcOptions(tmp_path / "other", fsync=False)) as other:
        extra = other.write_exchange(build_exchange("http://a.cn/torn", body=b"x" * 5000))
    member = (tmp_path / "other" / extra.response.filename).read_bytes()[
        extra.response.offset : extra.response.offset + extra.response.length]
    with path.open("ab") as handle:
        handle.write(member[: len(member) // 2])

    items = list(iter_warc(path, tmp_path))
    assert [i.pointer for i in items[:-1] if isinstance(i, WarcEntry)] == [
        a.response for a in archived]
    torn = items[-1]
    assert isinstance(torn, DamagedRecord)
    assert torn.offset == intact_size
    assert "cut off" in torn.reason
    assert torn.to_error().offset == intact_size
    for a in archived:
        assert read_response(tmp_path, a.response).target_uri == a.url


def test_torn_plain_record_at_the_end_is_reported(tmp_path: Path) -> None:
    with WarcWriter(WarcOptions(tmp_path, gzip=False, fsync=False)) as writer:
        archived = [writer.write_exchange(build_exchange(f"http://a.cn/{n}")) for n in range(3)]
    capture_bytes = encode_member(build_capture(build_exchange("http://a.cn/torn")).response,
                                  gzip=False)
    path = tmp_path / archived[0].response.filename
    intact_size = path.stat().st_size
    with path.open("ab") as handle:
        handle.write(capture_bytes[:-100])
    items = list(iter_warc(path))
    assert sum(isinstance(i, WarcEntry) for i in items) == 3
    assert isinstance(items[-1], DamagedRecord)
    assert items[-1].offset == intact_size


def test_sigkilled_writer_loses_nothing_it_reported_written(tmp_path: Path) -> None:
    directory = tmp_path / "warc"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    process = subprocess.Popen([sys.executable, "-c", _WRITER_LOOP, str(directory)],
                               stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None
    reported: list[WarcPointer] = []
    try:
        for line in process.stdout:
            reported.append(WarcPointer(**json.loads(line)))
            if len(reported) >= 15:
                break
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process.stdout.close()
    assert len(reported) >= 15

    for pointer in reported:
        assert read_response(directory, pointer).status == 200
    items = _items(directory)
    entries = [i for i in items if isinstance(i, WarcEntry)]
    assert {e.pointer for e in entries} >= set(reported)
    damaged = [i for i in items if isinstance(i, DamagedRecord)]
    # At most the torn tail of the one file being written, and only after everything
    # the writer had reported as written.
    assert len(damaged) <= 1
    if damaged:
        assert items[-1] is damaged[0]
        last = reported[-1]
        assert damaged[0].offset >= last.offset + last.length
