"""`serve --with-crawler` runs the site and the continuous crawl in one process, shows
per-source statistics, and stops cleanly on SIGTERM; `sources stats` reads them."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from kuaizhao.cli.main import main
from kuaizhao.config import Settings
from kuaizhao.demo import DemoWeb
from kuaizhao.store import open_store
from kuaizhao.store.account_rows import Role
from kuaizhao.subscribe.accounts import create_api_token, create_user


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_serve_with_crawler_crawls_serves_and_stops_on_sigterm(
        tmp_path: Path, demo: DemoWeb, settings_for: Callable[..., Settings],
        capsys: pytest.CaptureFixture[str]) -> None:
    home = tmp_path / "home"
    settings = settings_for(home)  # writes <home>/sources.toml for the running demo web
    store = open_store(settings)
    admin = create_user(store, "ops", "a long admin password", Role.ADMIN)
    _, token = create_api_token(store, admin, "stats")
    store.close()
    auth = {"Authorization": f"Bearer {token}"}
    port = _free_port()
    env_args = ["--home", str(home), "-q"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "kuaizhao", *env_args, "serve", "--with-crawler",
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"KUAIZHAO_MIN_HOST_INTERVAL": "0", "KUAIZHAO_RETRIES": "0",
             "KUAIZHAO_WARC_FSYNC": "false", "KUAIZHAO_CRAWL_ALLOW_PRIVATE": "true",
             "PATH": "/usr/bin:/bin"})
    try:
        deadline = time.monotonic() + 40
        rows: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            try:
                rows = httpx.get(f"http://127.0.0.1:{port}/api/v1/admin/sources",
                                 headers=auth, timeout=2).json()
            except httpx.HTTPError:
                rows = []
            if rows and all(r["polls"] for r in rows) and all(
                    r["lag_samples"] for r in rows if r["new_items"]):
                break
            time.sleep(0.3)
        assert rows
        assert all(r["polls"] for r in rows), rows
        assert all(r["next_poll_at"] for r in rows)
        page = httpx.get(f"http://127.0.0.1:{port}/admin/sources", headers=auth, timeout=5)
        assert page.status_code == 200
        assert rows[0]["name"] in page.text
        # the statistics are for admins only
        anonymous = httpx.get(f"http://127.0.0.1:{port}/api/v1/admin/sources", timeout=5)
        assert anonymous.status_code == 401
        to_login = httpx.get(f"http://127.0.0.1:{port}/admin/sources", timeout=5)
        assert to_login.status_code == 303
        assert "/login" in to_login.headers["location"]
    finally:
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert main(["--home", str(home), "sources", "stats", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {line["source"] for line in lines} == {r["name"] for r in rows}
    assert all(line["polls"] >= 1 and line["interval_reason"] for line in lines)
