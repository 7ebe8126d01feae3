"""What the terminal shows: our log lines, not other libraries' chatter; lines above
the progress bar."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from tqdm import tqdm

from kuaizhao.cli.main import _Console


def _record(name: str, level: int) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, "discarding data: %s", ("x",), None)


def test_other_libraries_warnings_are_debug_output() -> None:
    quiet, verbose = _Console(verbose=0), _Console(verbose=1)
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
    console = _Console(verbose=0)
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
