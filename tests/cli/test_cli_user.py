"""`kuaizhao user` against a real archive directory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kuaizhao.cli.main import main


def test_user_add_list_set_role_delete(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home = ["--home", str(tmp_path)]
    assert main([*home, "user", "add", "alice", "--password", "correct horse",
                 "--role", "admin"]) == 0
    assert main([*home, "user", "add", "bob", "--password", "password-2"]) == 0
    assert main([*home, "user", "add", "Alice", "--password", "password-3"]) == 2
    assert main([*home, "user", "add", "carol", "--password", "short"]) == 2
    capsys.readouterr()
    assert main([*home, "user", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(u["name"], u["role"]) for u in listed] == [("alice", "admin"), ("bob", "reader")]
    assert main([*home, "user", "set-role", "bob", "admin"]) == 0
    assert main([*home, "user", "delete", "alice"]) == 0
    assert main([*home, "user", "delete", "alice"]) == 3
    capsys.readouterr()
    assert main([*home, "user", "list"]) == 0
    out = capsys.readouterr().out
    assert "bob" in out
    assert "admin" in out
    assert "alice" not in out
