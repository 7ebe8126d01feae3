"""A flood of sign-ups against a real server process: memory stays flat, the excess is 429.

Each argon2id hash holds 64 MiB while it runs; without a bound, 30 concurrent sign-ups
took the server past 1.5 GB. The server runs as `python -m kuaizhao serve` with real
hashing parameters, behind a "proxy" (the test) it trusts, so each request can speak
for a different client through `X-Forwarded-For`.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kuaizhao.subscribe.throttle import MAX_SIGNUPS_PER_CLIENT

SRC = Path(__file__).parents[2] / "src"
HASH_MIB = 64
DISTINCT_CLIENTS = 20
FROM_ONE_CLIENT = MAX_SIGNUPS_PER_CLIENT + 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(SRC), "KUAIZHAO_TRUSTED_PROXIES": "127.0.0.1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kuaizhao", "--home", str(tmp_path / "home"), "-q", "serve",
         "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            try:
                if httpx.get(base + "/", timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stderr is not None:
            proc.stderr.close()


def _peak_rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


async def _sign_up(c: httpx.AsyncClient, name: str, client: str) -> int:
    response = await c.post("/api/v1/account/signup", headers={"X-Forwarded-For": client},
                            json={"name": name, "password": "correct horse battery"})
    return response.status_code


async def _flood(base: str) -> list[int]:
    async with httpx.AsyncClient(base_url=base, timeout=120) as c:
        distinct = [_sign_up(c, f"reader{i}", f"198.51.100.{i}")
                    for i in range(DISTINCT_CLIENTS)]
        one = [_sign_up(c, f"bot{i}", "203.0.113.66") for i in range(FROM_ONE_CLIENT)]
        return list(await asyncio.gather(*distinct, *one))


def test_a_sign_up_flood_keeps_memory_flat_and_is_limited_per_client(
        server: tuple[str, int]) -> None:
    base, pid = server
    # One sign-up first, so the baseline holds one hash and everything it loads.
    assert asyncio.run(_sign_up_once(base)) == 201
    before = _peak_rss_mib(pid)
    codes = asyncio.run(_flood(base))
    grown = _peak_rss_mib(pid) - before
    print(f"peak RSS {before:.0f} MiB before, grew {grown:.0f} MiB")
    assert codes[:DISTINCT_CLIENTS] == [201] * DISTINCT_CLIENTS
    assert sorted(codes[DISTINCT_CLIENTS:]) == (
        [201] * MAX_SIGNUPS_PER_CLIENT + [429] * (FROM_ONE_CLIENT - MAX_SIGNUPS_PER_CLIENT))
    # 31 hashes ran, two at a time (one was already in the baseline): measured +65 MiB;
    # unbounded, the same flood grew it by 1,855 MiB.
    assert grown < 3 * HASH_MIB, f"peak RSS grew {grown:.0f} MiB"


async def _sign_up_once(base: str) -> int:
    async with httpx.AsyncClient(base_url=base, timeout=60) as c:
        return await _sign_up(c, "warm-up", "192.0.2.1")
