"""The layout shows the pipeline: stages import only shared modules and their own package.

`pipeline/` and `cli/` compose the stages and may import anything. The exceptions below
are deliberate and named with their reason; a new cross-stage import must be added here
with one, or not made.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src" / "kuaizhao"
SHARED = {"models", "errors", "charset", "urls", "ratelimit", "whitespace", "labels",
          "setting_checks"}
ALLOWED: dict[str, set[str]] = {
    "discover": SHARED,
    "fetch": SHARED,
    "archive": SHARED,
    "extract": SHARED,
    "dedupe": SHARED,
    "index": SHARED,
    # the search backends run the index's tokeniser and query parser in SQL
    "store": SHARED | {"config", "index"},
    # the site reads the store, WARC records (raw view) and the index (snippets), and
    # runs the subscribe stage's account, token and feed policy (我的订阅) and the
    # takedown stage's request, review and removal policy (docs/takedown.md)
    "web": SHARED | {"config", "setting_checks", "store", "archive", "index", "subscribe",
                     "takedown"},
    "demo": SHARED,
}
MAX_LINES = 420


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "kuaizhao" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_stage_imports_only_what_it_may(stage: str) -> None:
    folder = SRC / stage
    if not folder.exists():
        pytest.skip(f"{stage}/ does not exist yet")
    for path in folder.rglob("*.py"):
        extra = _imports(path) - ALLOWED[stage] - {stage}
        assert not extra, f"{path.relative_to(SRC)} imports {sorted(extra)}"


def test_no_module_is_too_long() -> None:
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"split these modules: {long}"


def test_no_grab_bag_modules() -> None:
    bad = [p for p in SRC.rglob("*.py") if p.stem in {"utils", "helpers", "misc", "common"}]
    assert not bad
