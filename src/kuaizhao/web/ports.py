"""Is the port free? Asked before the server starts, so that a busy port is one clear
message naming the process that holds it and a port to use instead, not a "serving at"
line followed by uvicorn's traceback-like error.

The holder is found the way `ss -p` finds it: the listening socket's inode in
/proc/net/tcp{,6}, then the process with that inode among its open files (only our own
user's processes can be seen; otherwise the message says so).
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from kuaizhao.errors import UsageError

_LISTEN = "0A"
_PROC = Path("/proc")


def check_free(host: str, port: int) -> None:
    """Return when `host:port` can be listened on; otherwise raise `UsageError`."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        with socket.socket(family, kind, proto) as probe:
            # As uvicorn does: a port left in TIME_WAIT by the last run is free to use.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except socket.gaierror as exc:
        raise UsageError(f"cannot listen on {host!r}: {exc.strerror}; give --host an "
                         "address of this machine, such as 127.0.0.1 or 0.0.0.0") from None
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}; choose "
                             "another --host or --port (ports under 1024 need root)") from None
        held = holder(port)
        by = f" by process {held[0]} ({held[1]})" if held else (
            " (by a process of another user, or one this system does not show)")
        raise UsageError(f"port {port} on {host} is already in use{by}; stop that process, "
                         f"or serve on a free port, e.g. --port {free_port_near(host, port)}"
                         ) from None


def holder(port: int) -> tuple[int, str] | None:
    """(pid, command line) of the process listening on TCP `port`, when it can be seen."""
    inodes = _listening_inodes(port)
    if not inodes:
        return None
    for proc in _PROC.iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                link = str(fd.readlink())
                if link.startswith("socket:[") and link[8:-1] in inodes:
                    return int(proc.name), _command(proc)
        except OSError:
            continue  # another user's process, or one that just ended
    return None


def _listening_inodes(port: int) -> set[str]:
    found = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (_PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == _LISTEN and \
                    int(fields[1].rpartition(":")[2], 16) == port:
                found.add(fields[9])
    return found


def _command(proc: Path) -> str:
    raw = (proc / "cmdline").read_bytes().replace(b"\0", b" ").strip()
    text = raw.decode("utf-8", "replace")
    return text if len(text) <= 100 else text[:99] + "…"


def free_port_near(host: str, port: int) -> int:
    """The first port after `port` that is free on `host` (or any free one)."""
    for candidate in [*range(port + 1, min(port + 50, 65536)), 0]:
        try:
            family = socket.getaddrinfo(host, candidate, type=socket.SOCK_STREAM)[0][0]
            with socket.socket(family, socket.SOCK_STREAM) as probe:
                probe.bind((host, candidate))
                found: int = probe.getsockname()[1]
                return found
        except OSError:
            continue
    return 0
