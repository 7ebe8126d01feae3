"""`kuaizhao extract FILE`: prints the Article as JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from kuaizhao.cli import extract as extract_cli

SEED = Path(__file__).parents[1] / "data" / "extract" / "seed_article.html"


def _main(argv: list[str]) -> int:
    """Run through the real entry point; other commands may still be in development, so
    fall back to a parser holding only this command when one of them cannot import."""
    try:
        from kuaizhao.cli.main import main

        return main(argv)
    except ModuleNotFoundError as exc:
        if "extract" in (exc.name or ""):
            raise
    parser = argparse.ArgumentParser(prog="kuaizhao")
    sub = parser.add_subparsers(dest="command", required=True)
    extract_cli.add_parser(sub)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


def test_extract_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(["extract", str(SEED), "--url", "https://news.example.cn/guonei/1.html"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["title"] == "无锡:放大“三个效应” 打造产业科技创新高地"
    assert data["published_at"] == "2024-02-07T21:02:00+08:00"
    assert data["source"] == "人民资讯"
    assert "explain" not in data


def test_explain_and_timezone(capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(["extract", str(SEED), "--explain", "--timezone", "UTC"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["published_at"] == "2024-02-07T21:02:00+00:00"
    assert data["explain"]["published_at"]["rule"] == "byline: 发布时间"
    assert 0 < data["explain"]["title"]["confidence"] <= 1


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kuaizhao.errors import NotFound

    try:
        code = _main(["extract", str(tmp_path / "nope.html")])
    except NotFound:
        code = NotFound.exit_code  # the fallback parser has no error handler
    assert code == 3


def test_help_has_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        _main(["extract", "--help"])
    assert "Example: kuaizhao extract" in capsys.readouterr().out


def test_explain_shows_which_body_candidate_won_and_why(
    capsys: pytest.CaptureFixture[str],
) -> None:
    page = SEED.parent / "judge" / "feed_menu.html"
    assert _main(["extract", str(page), "--explain"]) == 0
    rule = json.loads(capsys.readouterr().out)["explain"]["text"]["rule"]
    assert rule.startswith("trafilatura recall; judge (UI verbs")
    assert "chosen" in rule
    assert "over trafilatura precision fast" in rule
