"""`kuaizhao warc list|push` against a real S3 endpoint (moto's server on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kuaizhao.archive import WarcOptions, WarcWriter
from kuaizhao.archive.s3 import file_digest
from kuaizhao.cli.main import main
from kuaizhao.models import HttpExchange
from s3_server import client, moto_s3, new_bucket, s3_overrides


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_s3() as url:
        yield url


def _home(tmp_path: Path, settings: dict[str, object]) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    lines = [f'{name} = "{value}"' for name, value in settings.items()]
    (home / "kuaizhao.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return home


def build_exchange(url: str) -> HttpExchange:
    body = b"<p>hello</p>"
    return HttpExchange(method="GET", url=url, request_headers=(("Host", "news.example.cn"),),
                        status=200, reason="OK", http_version="1.1",
                        response_headers=(("Content-Type", "text/html"),
                                          ("Content-Length", str(len(body)))),
                        raw_body=body, body=body, fetched_at=datetime(2024, 2, 7, tzinfo=UTC))


def _write_files(directory: Path, count: int) -> list[str]:
    names = []
    for i in range(count):
        with WarcWriter(WarcOptions(directory=directory, fsync=False)) as writer:
            names.append(writer.write_exchange(
                build_exchange(f"https://news.example.cn/{i}.html")).response.filename)
    return names


def test_push_uploads_then_deletes_verified_local_copies(
    tmp_path: Path, endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bucket = new_bucket(endpoint)
    home = _home(tmp_path, s3_overrides(endpoint, bucket, prefix="k"))
    names = _write_files(home / "warc", 2)
    digests = {n: file_digest(home / "warc" / n)[1] for n in names}
    assert main(["--home", str(home), "warc", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"local\t{n}" for n in names]

    assert main(["--home", str(home), "warc", "push"]) == 0
    assert "2 WARC files uploaded" in capsys.readouterr().out
    assert main(["--home", str(home), "warc", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"local+s3\t{n}" for n in names]

    assert main(["--home", str(home), "warc", "push", "--delete-local"]) == 0
    out = capsys.readouterr().out
    assert "0 WARC files uploaded" in out
    assert "2 already in the bucket" in out
    assert "2 local copies removed" in out
    assert not any((home / "warc" / n).exists() for n in names)
    s3 = client(endpoint)
    for name in names:
        head = s3.head_object(Bucket=bucket, Key=f"k/{name}")
        assert head["Metadata"]["sha256"] == digests[name]
    assert main(["--home", str(home), "warc", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [f"s3\t{n}" for n in names]


def test_push_needs_s3_storage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(tmp_path), "warc", "push"]) == 2
    assert "needs warc_storage = 's3'" in capsys.readouterr().err


def test_s3_without_a_bucket_is_a_clear_configuration_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(tmp_path, {"warc_storage": "s3"})
    assert main(["--home", str(home), "warc", "list"]) == 2
    err = capsys.readouterr().err
    assert "needs a bucket" in err
    assert "s3_bucket" in err


def test_an_unreachable_endpoint_names_the_setting_to_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = _home(tmp_path, s3_overrides("http://127.0.0.1:9", "kz-nowhere"))
    _write_files(home / "warc", 1)
    assert main(["--home", str(home), "warc", "push"]) == 1
    err = capsys.readouterr().err
    assert "s3://kz-nowhere" in err
    assert "s3_endpoint_url" in err
