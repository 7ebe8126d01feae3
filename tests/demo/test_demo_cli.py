"""`kuaizhao demo-site` as a user runs it: a process that serves until SIGTERM."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest

from kuaizhao.cli import demo_site
from kuaizhao.errors import UsageError

SCRIPT = """
import argparse, sys
from kuaizhao.cli import demo_site
parser = argparse.ArgumentParser()
demo_site.add_parser(parser.add_subparsers())
args = parser.parse_args(["demo-site", *sys.argv[1:]])
sys.exit(args.func(args))
"""


def test_demo_site_writes_sources_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    sources = tmp_path / "demo.toml"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SCRIPT,
            "--ports",
            "0,0,0",
            "--edition",
            "2",
            "--write-sources",
            str(sources),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        # the announcement ends with the edition-switch line, printed once the sources
        # file is complete; readline returns "" if the process died instead
        lines: list[str] = []
        while not lines or not lines[-1].startswith("edition switch:"):
            line = process.stdout.readline()
            assert line, "demo-site exited early: " + "".join(lines)
            lines.append(line)
        config = tomllib.loads(sources.read_text(encoding="utf-8"))
        homepage = config["source"][0]["homepage"]
        with urllib.request.urlopen(homepage + "_demo/edition") as response:
            assert response.read() == b'{"edition": 2}'
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    announced = "".join(lines) + out
    assert homepage in announced
    assert "人民资讯" in announced


def test_ports_must_be_numbers() -> None:
    parser = argparse.ArgumentParser()
    demo_site.add_parser(parser.add_subparsers())
    args = parser.parse_args(["demo-site", "--ports", "80a,2,3"])
    with pytest.raises(UsageError, match="comma-separated"):
        args.func(args)
