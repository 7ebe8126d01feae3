"""The suite's PostgreSQL half on a machine without a server (tests/postgres_cluster.py).

Each case runs a child pytest over `postgres_probe.py` (one test per backend). The
machine's own server is hidden by running the child in a new network namespace
(`unshare -n`: its own loopback, where 127.0.0.1:5432 answers nothing), and the
installed binaries by a mount namespace with an empty /usr/lib/postgresql.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PROBE = "tests/postgres_probe.py"


def child(env: dict[str, str], *, namespace: str = "") -> subprocess.CompletedProcess[str]:
    pytest_run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", PROBE]
    cmd = pytest_run
    if namespace:
        script = "ip link set lo up && " + namespace + ' && exec "$@"'
        cmd = ["unshare", "-n", "-m", "sh", "-c", script, "sh", *pytest_run]
    environ = {k: v for k, v in os.environ.items() if k != "KUAIZHAO_TEST_POSTGRES"}
    return subprocess.run(cmd, cwd=ROOT, env=environ | env, capture_output=True, text=True,
                          timeout=600, check=False)


def namespaces_work() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(["unshare", "-n", "-m", "sh", "-c", "ip link set lo up"],
                           capture_output=True, check=False)
    return probe.returncode == 0


needs_namespaces = pytest.mark.skipif(
    not namespaces_work(), reason="needs root and unshare -n -m to hide the local server")


def test_a_named_server_that_does_not_answer_stops_the_run_with_one_message() -> None:
    done = child({"KUAIZHAO_TEST_POSTGRES": "postgresql://postgres@127.0.0.1:1"})
    assert done.returncode == 4, done.stdout + done.stderr
    assert ("KUAIZHAO_TEST_POSTGRES=postgresql://postgres@127.0.0.1:1 does not answer"
            in done.stdout + done.stderr)


@needs_namespaces
def test_without_a_server_a_throwaway_cluster_runs_the_postgresql_half() -> None:
    if not Path("/usr/lib/postgresql").is_dir():
        pytest.skip("no PostgreSQL binaries installed under /usr/lib/postgresql")
    done = child({}, namespace="true")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 passed" in done.stdout
    found = re.search(r"a throwaway cluster at \S+ \((\S+); no server", done.stdout)
    assert found, done.stdout
    assert not Path(found[1]).parent.exists(), "the throwaway cluster was not deleted"


@needs_namespaces
def test_without_server_or_binaries_the_postgresql_half_is_skipped_with_one_line() -> None:
    done = child({}, namespace="mount -t tmpfs none /usr/lib/postgresql")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 1 skipped" in done.stdout
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith("PostgreSQL tests SKIPPED")]
    assert len(lines) == 1, done.stdout
    assert "KUAIZHAO_TEST_POSTGRES=" in lines[0]
