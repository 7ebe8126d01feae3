"""What the terminal shows: our log lines, not other libraries' chatter; lines above
the progress bar."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from tqdm import tqdm

from kuaizhao.cli.logs import Console, JsonLines


def _record(name: str, level: int) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, "discarding data: %s", ("x",), None)


def test_other_libraries_warnings_are_debug_output() -> None:
    quiet, verbose = Console(verbose=0), Console(verbose=1)
    trafilatura = _record("trafilatura.core", logging.WARNING)
    assert not quiet.filter(trafilatura)
    assert verbose.filter(trafilatura)
    assert quiet.filter(_record("trafilatura.core", logging.ERROR))
    assert quiet.filter(_record("kuaizhao.pipeline.crawl", logging.WARNING))
    assert quiet.filter(_record("kuaizhao.pipeline.crawl", logging.INFO))


def test_on_a_terminal_lines_are_written_above_the_bar(
        monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    console = Console(verbose=0)
    console.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    bar = tqdm(total=10, file=screen, desc="crawl")
    bar.update(3)
    console.handle(_record("kuaizhao.pipeline.crawl", logging.WARNING))
    bar.update(1)
    bar.close()
    lines = screen.getvalue().split("\r")
    logged = next(i for i, part in enumerate(lines) if "WARNING discarding data: x\n" in part)
    # tqdm.write cleared the bar, wrote the line, and drew the bar again below it.
    assert lines[logged].startswith("WARNING")
    assert lines[logged - 1].strip() == ""
    assert any("3/10" in part for part in lines[logged + 1:])


def test_json_lines_for_a_log_collector() -> None:
    line = json.loads(JsonLines().format(_record("kuaizhao.pipeline.crawl", logging.WARNING)))
    assert line["level"] == "WARNING"
    assert line["logger"] == "kuaizhao.pipeline.crawl"
    assert line["message"] == "discarding data: x"
    assert line["time"].endswith("+00:00")


def test_log_format_json_switches_a_command_s_lines(tmp_path: Path) -> None:
    # a real command, its settings from the environment: every log line is one object
    damaged = Path(__file__).parents[1] / "data" / "archive" / "bad-digest.warc.gz"
    run = subprocess.run(
        [sys.executable, "-m", "kuaizhao", "--home", str(tmp_path), "import", str(damaged)],
        env={**os.environ, "KUAIZHAO_LOG_FORMAT": "json"}, capture_output=True, text=True,
        timeout=120, check=False)
    logged = [json.loads(line) for line in run.stderr.splitlines() if line.startswith("{")]
    assert logged, run.stderr
    assert all(set(entry) >= {"time", "level", "logger", "message"} for entry in logged)
    assert any(entry["level"] == "WARNING" and "bad-digest" in entry["message"]
               for entry in logged)
    assert not [line for line in run.stderr.splitlines()
                if " WARNING " in line and not line.startswith("{")]
