"""Which PostgreSQL server the tests use, and a throwaway one when the machine has none.

In order: the server `KUAIZHAO_TEST_POSTGRES` names (it must answer: a server asked for
by name and missing is an error, not a skip); the local one on 127.0.0.1:5432; a
cluster made for this test session from the installed PostgreSQL binaries (`initdb`
and `pg_ctl` in a temporary directory, on a free loopback port, stopped and deleted
when the session ends); and where no binaries are installed, none: the PostgreSQL half
of the suite is skipped, with one line at the top of the run saying how to enable it.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg

ENV = "KUAIZHAO_TEST_POSTGRES"
LOCAL = "postgresql://postgres@127.0.0.1:5432"
HOW_TO_ENABLE = (f"install PostgreSQL (initdb, pg_ctl), start a server on 127.0.0.1:5432, "
                 f"or set {ENV}=postgresql://USER@HOST:PORT")
# initdb refuses to run as root; as root the cluster is made by this OS user.
CLUSTER_USER = "postgres"


class ExplicitServerDown(Exception):
    """`KUAIZHAO_TEST_POSTGRES` names a server that does not answer."""


@dataclass(slots=True)
class Server:
    url: str | None  # None: no PostgreSQL for this session
    note: str  # the one line the test run shows about it
    data_dir: Path | None = None  # a throwaway cluster's, to stop and delete at the end
    pg_ctl: str = ""

    def stop(self) -> None:
        if self.data_dir is None:
            return
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            _as_cluster_user([self.pg_ctl, "-D", str(self.data_dir), "-m", "immediate",
                              "-w", "stop"], timeout=60)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)
        self.data_dir = None


def answers(url: str) -> bool:
    try:
        with psycopg.connect(f"{url}/postgres", connect_timeout=5):
            return True
    except psycopg.OperationalError:
        return False


def find_server() -> Server:
    explicit = os.environ.get(ENV)
    if explicit:
        if not answers(explicit):
            raise ExplicitServerDown(
                f"{ENV}={explicit} does not answer: start that server, or unset {ENV} to "
                "use 127.0.0.1:5432 or a throwaway cluster from the installed binaries")
        return Server(explicit, f"PostgreSQL tests: {explicit} ({ENV})")
    if answers(LOCAL):
        return Server(LOCAL, f"PostgreSQL tests: the local server {LOCAL}")
    binaries = _binaries()
    if binaries is None:
        return Server(None, "PostgreSQL tests SKIPPED: no server on 127.0.0.1:5432 and no "
                            f"PostgreSQL binaries found; to run them, {HOW_TO_ENABLE}")
    if os.geteuid() == 0 and not _user_exists(CLUSTER_USER):
        return Server(None, "PostgreSQL tests SKIPPED: initdb will not run as root and there "
                            f"is no '{CLUSTER_USER}' user to run it as; to run them, "
                            + HOW_TO_ENABLE)
    return _throwaway(*binaries)


def _binaries() -> tuple[str, str] | None:
    """initdb and pg_ctl: on PATH, else the newest under Debian's /usr/lib/postgresql."""
    found = [(shutil.which("initdb"), shutil.which("pg_ctl"))]
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    for bin_dir in sorted(versions, key=lambda d: d.parent.name.zfill(8), reverse=True):
        found.append((str(bin_dir / "initdb"), str(bin_dir / "pg_ctl")))
    for initdb, pg_ctl in found:
        if initdb and pg_ctl and os.access(initdb, os.X_OK) and os.access(pg_ctl, os.X_OK):
            return initdb, pg_ctl
    return None


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _as_cluster_user(cmd: list[str], timeout: float) -> None:
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", CLUSTER_USER, "--", *cmd]
    subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _throwaway(initdb: str, pg_ctl: str) -> Server:
    root = Path(tempfile.mkdtemp(prefix="kuaizhao-test-pg-"))
    data = root / "data"
    if os.geteuid() == 0:
        user = pwd.getpwnam(CLUSTER_USER)
        os.chown(root, user.pw_uid, user.pw_gid)
    port = _free_port()
    url = f"postgresql://postgres@127.0.0.1:{port}"
    server = Server(url, f"PostgreSQL tests: a throwaway cluster at {url} ({data}; "
                         f"no server on 127.0.0.1:5432 and {ENV} unset)", data, pg_ctl)
    try:
        _as_cluster_user([initdb, "-D", str(data), "-U", "postgres", "--auth=trust",
                          "-E", "UTF8", "--no-sync"], timeout=300)
        # Throwaway data: no fsync; the socket in the cluster's own directory.
        options = (f"-p {port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        _as_cluster_user([pg_ctl, "-D", str(data), "-o", options, "-l",
                          str(root / "server.log"), "-w", "-t", "120", "start"], timeout=180)
    except (subprocess.SubprocessError, OSError) as exc:
        log = root / "server.log"
        detail = getattr(exc, "stderr", b"") or b""
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
        return Server(None, "PostgreSQL tests SKIPPED: could not start a throwaway cluster "
                            f"with {initdb} ({exc}: {detail.decode(errors='replace')[-300:]}"
                            f"{tail}); to run them, {HOW_TO_ENABLE}")
    return server
