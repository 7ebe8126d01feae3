from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kuaizhao.cli import export
from kuaizhao.cli.main import COMMAND_MODULES, build_parser, main
from kuaizhao.demo import DemoOptions
from kuaizhao.pipeline.exporter import ExportFormat

DOCS = Path(__file__).parents[2] / "docs" / "cli.md"


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sorted(sub.choices)  # type: ignore[arg-type]


def _runners(parser: argparse.ArgumentParser) -> list[object]:
    """The functions a command runs: its own, or one per action of its sub-commands."""
    own = parser.get_default("func")
    if own is not None:
        return [own]
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert actions, f"{parser.prog} has neither a func nor sub-commands"
    return [f for a in actions for p in a.choices.values() for f in _runners(p)]


def test_every_command_module_registers_a_command() -> None:
    registered = {}
    for name in COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        module = importlib.import_module(f"kuaizhao.cli.{name}")
        module.add_parser(sub)
        [(command, parser)] = sub.choices.items()  # one command per module
        assert command not in registered, (command, name, registered)
        # ... named like its module, and run by that module's code
        assert name.replace("_", "-").startswith(command), (name, command)
        runners = _runners(parser)
        assert all(getattr(f, "__module__", None) == module.__name__ for f in runners), runners
        registered[command] = name
    assert sorted(registered) == commands()


@pytest.mark.parametrize("name", commands())
def test_every_command_has_help_with_an_example(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([name, "--help"])
    assert done.value.code == 0
    assert "Example:" in capsys.readouterr().out


def test_every_command_is_documented() -> None:
    documented = set(re.findall(r"^## `kuaizhao ([a-z-]+)", DOCS.read_text("utf-8"), re.M))
    assert documented == set(commands())


def test_python_dash_m_and_exit_codes(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "kuaizhao", "--home", str(tmp_path)]
    ok = subprocess.run([*run, "stats", "--json"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stderr
    assert '"snapshots": 0' in ok.stdout
    bad = subprocess.run([*run, "search", 'x' * 600], capture_output=True, text=True,
                         check=False)
    assert bad.returncode == 2
    assert "error:" in bad.stderr
    assert "Traceback" not in bad.stderr
    missing = subprocess.run([*run, "crawl", "--once"], capture_output=True, text=True,
                             check=False)
    assert missing.returncode == 2
    assert "sources.toml" in missing.stderr


def test_sources_check_reports_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text('[[source]]\nname = "x"\nfeeds = ["ftp://x"]\n', encoding="utf-8")
    assert main(["sources", "check", str(bad)]) == 2
    out = capsys.readouterr().out
    assert f"{bad}:3:" in out


def test_config_masks_secrets(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUAIZHAO_DATABASE_URL", f"sqlite:///{tmp_path}/x.db")
    assert main(["--home", str(tmp_path), "config"]) == 0
    out = capsys.readouterr().out
    assert "********" in out
    assert "x.db" not in out


_HELP_EVERYWHERE = """
import contextlib, io, sys
from kuaizhao.cli.main import build_parser, main
sub = next(a for a in build_parser()._actions if a.dest == "command")
for argv in [["--help"], *([name, "--help"] for name in sub.choices)]:
    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):
        main(argv)
print(" ".join(sorted(m for m in sys.modules if m.partition(".")[0] in sys.argv[1:])))
"""
HEAVY = ("fastapi", "starlette", "uvicorn", "trafilatura", "lxml", "aiohttp", "warcio",
         "argon2", "boto3", "psycopg", "jieba", "tqdm", "httpx")


def test_help_loads_no_heavy_library() -> None:
    """`--help` of the program and of every command imports none of the big libraries
    (each costs a large part of a second; bench/bench_cli.py measures the time)."""
    done = subprocess.run([sys.executable, "-c", _HELP_EVERYWHERE, *HEAVY],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_values_kept_out_of_the_parsers_match_their_source(
        capsys: pytest.CaptureFixture[str]) -> None:
    """`export` and `demo-site` name values of heavy modules without importing them."""
    assert tuple(f.value for f in ExportFormat) == export.FORMATS
    with pytest.raises(SystemExit):
        main(["demo-site", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    options = DemoOptions()
    assert f"robots.txt (default {options.crawl_delay})" in text
    assert f"to answer (default {options.slow_seconds})" in text
