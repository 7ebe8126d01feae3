"""Start-up CPU of the `kuaizhao` command: `--help` of the program and of every command.

Each run is a fresh `python -m kuaizhao ... --help` process; its CPU time (user + system,
from `getrusage` of the finished child) is what a person waits for on an idle machine,
and unlike wall time it hardly moves when other work shares the cores. Reports the
median of the runs per command. Run: `python bench/bench_cli.py [--runs N] [--src DIR]`
(`--src` measures another checkout, e.g. the one before a change).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

from kuaizhao.cli.main import build_parser

SRC = Path(__file__).parents[1] / "src"


def commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return list(sub.choices)  # type: ignore[arg-type]


def cpu_seconds(argv: list[str], env: dict[str, str]) -> float:
    """CPU time of one run of `argv` (which must exit 0)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument("--src", type=Path, default=SRC, help="the src/ directory to measure")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(args.src)}
    python = [sys.executable, "-c", "pass"]
    rows = [("(python -c pass)", statistics.median(
        cpu_seconds(python, env) for _ in range(args.runs)))]
    for argv in [["--help"], *([name, "--help"] for name in commands())]:
        run = [sys.executable, "-m", "kuaizhao", *argv]
        rows.append((" ".join(argv), statistics.median(
            cpu_seconds(run, env) for _ in range(args.runs))))
    print(f"{'kuaizhao …':<24} CPU ms (median of {args.runs})")
    for label, seconds in rows:
        print(f"{label:<24} {seconds * 1000:7.0f}")


if __name__ == "__main__":
    main()
