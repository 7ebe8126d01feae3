"""A hostile web on loopback inside a network namespace the test creates.

`net_namespace(addresses)` starts a process in a new network namespace (`unshare -n`,
which needs root or CAP_SYS_ADMIN), brings up its `lo` and binds the given addresses
to it — by default 10.0.0.1 (a private network) and 169.254.169.254 (cloud metadata) —
so servers can really listen there while no packet can leave the machine and nothing
on the host's own loopback (PostgreSQL included) is reachable. A mount namespace of its
own gives it an /etc/hosts where names resolve to those addresses (`DEFAULT_HOSTS`).
Commands run inside with `NetNamespace.run`/`popen` (`nsenter`); `serving(sites)`
starts canned sites in there and records every request they receive, so a test can
assert that nothing reached an address it must not.

Every test in tests/hostile uses this; put a new hostile scenario here, not a second
harness.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SERVER = Path(__file__).with_name("sites_server.py")
DEFAULT_ADDRESSES = ("10.0.0.1", "169.254.169.254")
# Names that resolve to those addresses inside the namespace (its own /etc/hosts), for
# what a URL check without DNS cannot see.
DEFAULT_HOSTS = {"metadata.internal": "169.254.169.254", "intranet.example": "10.0.0.1"}


class NamespaceUnavailable(RuntimeError):
    """`unshare -n` is not permitted here (not root, or a container without
    CAP_SYS_ADMIN); tests skip with this reason."""


@dataclass(frozen=True, slots=True)
class Reply:
    status: int = 200
    body: str | bytes = ""  # str is sent as UTF-8; bytes as they are (a bomb, say)
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def redirect(cls, location: str, status: int = 302) -> Reply:
        return cls(status, "", {"Location": location})

    @classmethod
    def html(cls, body: str) -> Reply:
        return cls(200, body, {"Content-Type": "text/html; charset=utf-8"})


@dataclass(frozen=True, slots=True)
class Site:
    """A server at `host:port`; `fallback` answers every path not in `routes`
    (None: 404)."""

    host: str
    port: int
    routes: dict[str, Reply] = field(default_factory=dict)
    fallback: Reply | None = None

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}" if self.port != 80 else f"http://{host}"


@dataclass(frozen=True, slots=True)
class Hit:
    host: str
    port: int
    path: str


class Hits:
    """The requests the sites received so far (read from the server's log file)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> list[Hit]:
        if not self.path.exists():
            return []
        return [Hit(**json.loads(line)) for line in
                self.path.read_text(encoding="utf-8").splitlines() if line]

    def to(self, host: str, port: int | None = None) -> list[Hit]:
        return [h for h in self.all() if h.host == host and port in (None, h.port)]


_MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(done.returncode)
"""


class NetNamespace:
    def __init__(self, holder: subprocess.Popen[str], workdir: Path) -> None:
        self._holder = holder
        self.workdir = workdir

    def command(self, argv: Sequence[str]) -> list[str]:
        pid = self._holder.pid
        return ["nsenter", f"--net=/proc/{pid}/ns/net", f"--mount=/proc/{pid}/ns/mnt", "--",
                *argv]

    def run(self, argv: Sequence[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(self.command(argv), text=True, capture_output=True,
                              check=False, **kwargs)

    def run_measured(self, argv: Sequence[str], **kwargs: Any,
                     ) -> tuple[subprocess.CompletedProcess[str], int]:
        """`run`, and the peak RSS in KiB of the command (and anything it waited for),
        measured by a wrapper process whose only child it is."""
        peak = self.workdir / "peak-rss"
        done = self.run([sys.executable, "-c", _MEASURE, str(peak), *argv], **kwargs)
        return done, int(peak.read_text(encoding="utf-8"))

    def popen(self, argv: Sequence[str], **kwargs: Any) -> subprocess.Popen[str]:
        return subprocess.Popen(self.command(argv), text=True, **kwargs)

    @contextmanager
    def serving(self, sites: Sequence[Site], name: str = "sites") -> Iterator[Hits]:
        """Serve `sites` inside the namespace until the block ends."""
        hits = Hits(self.workdir / f"{name}-hits.jsonl")
        spec = self.workdir / f"{name}.json"
        spec.write_text(json.dumps({"hits": str(hits.path), "sites": [
            {"host": s.host, "port": s.port,
             "routes": {p: _reply(r) for p, r in s.routes.items()},
             "fallback": _reply(s.fallback) if s.fallback else None} for s in sites]}),
            encoding="utf-8")
        server = self.popen([sys.executable, str(SERVER), str(spec)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert server.stdout is not None
            line = server.stdout.readline()
            if line.strip() != "ready":
                server.kill()
                _, error = server.communicate()
                raise RuntimeError(f"the hostile sites did not start: {error}")
            yield hits
        finally:
            server.terminate()
            try:
                server.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.communicate()


def _reply(reply: Reply) -> dict[str, Any]:
    body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
    return {"status": reply.status, "headers": reply.headers,
            "body": base64.b64encode(body).decode("ascii")}


@contextmanager
def net_namespace(workdir: Path, addresses: Sequence[str] = DEFAULT_ADDRESSES,
                  hosts: Mapping[str, str] = DEFAULT_HOSTS) -> Iterator[NetNamespace]:
    """A fresh network namespace with `lo` up and `addresses` bound to it, and
    `hosts` (name: address) added to its /etc/hosts; it ends with the block (its one
    holder process is killed)."""
    for tool in ("unshare", "nsenter", "ip"):
        if shutil.which(tool) is None:
            raise NamespaceUnavailable(f"{tool} is not installed (util-linux, iproute2)")
    # The addresses and the hosts file are set up by the shell that unshare started,
    # before it says ready, so they can only ever change the new namespaces.
    hosts_file = workdir / "etc-hosts"
    hosts_file.write_text("127.0.0.1 localhost\n::1 localhost\n" + "".join(
        f"{address} {name}\n" for name, address in hosts.items()), encoding="utf-8")
    setup = " && ".join([f"mount --bind {hosts_file} /etc/hosts", "ip link set lo up",
                         *(f"ip addr add {a}/{32 if ':' not in a else 128} dev lo"
                           for a in addresses),
                         "echo ready", "exec sleep 86400"])
    holder = subprocess.Popen(["unshare", "--net", "--mount", "--", "sh", "-c", setup],
                              text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert holder.stdout is not None
        if holder.stdout.readline().strip() != "ready":
            _, error = holder.communicate(timeout=10)
            raise NamespaceUnavailable(
                f"`unshare --net --mount` was refused: {error.strip() or 'no reason'}")
        yield NetNamespace(holder, workdir)
    finally:
        holder.kill()
        holder.communicate()
