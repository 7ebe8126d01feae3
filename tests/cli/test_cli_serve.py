"""`kuaizhao serve` on a busy port: one message naming the holder and a free port."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest

from kuaizhao.cli.main import main
from kuaizhao.errors import UsageError
from kuaizhao.web.ports import check_free


def test_a_busy_port_names_its_process_and_a_free_port(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code = main(["--home", str(tmp_path / "home"), "serve", "--port", str(port)])
        out, err = capsys.readouterr()
    assert code == 2
    assert "serving" not in out + err
    assert f"port {port} on 127.0.0.1 is already in use by process {os.getpid()}" in err
    suggested = int(re.findall(r"--port (\d+)", err)[0])
    assert suggested != port
    check_free("127.0.0.1", suggested)  # it really is free
    assert not (tmp_path / "home").exists()  # refused before anything was opened


def test_a_free_port_passes_and_a_bad_host_is_named() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check_free("127.0.0.1", port)
    with pytest.raises(UsageError, match=r"cannot listen on 'no-such-host\.invalid'"):
        check_free("no-such-host.invalid", port)
