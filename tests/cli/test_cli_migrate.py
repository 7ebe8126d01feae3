"""`kuaizhao migrate` end to end: the archive answers the same after switching
database_url to the PostgreSQL copy; errors name what is wrong."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from kuaizhao.cli.main import main
from kuaizhao.cli.migrate import without_password
from kuaizhao.store import open_url
from postgres import postgres_schema

sys.path.insert(0, str(Path(__file__).parents[1] / "pipeline"))
from migrate_archive import populated_archive


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("home")
    populated_archive(path).store.close()
    return path


@pytest.fixture
def target() -> Iterator[str]:
    with postgres_schema() as url:
        yield url


def search(home: Path, query: str, capsys: pytest.CaptureFixture[str]) -> list[tuple[int, str]]:
    assert main(["--home", str(home), "search", query, "--json", "--sort", "newest"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    return [(h["snapshot_id"], h["url"]) for h in hits]


def test_migrate_then_switch_database_url(home: Path, target: str,
                                          capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    before = {q: search(home, q, capsys) for q in ("防汛", "科技创新", "Wuxi")}
    assert main(["--home", str(home), "migrate", "--to", target, "--batch", "7"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["table", "source", "target", "copied"]
    assert "MISMATCH" not in out
    assert "Every table matches. WARC files were not copied" in out
    assert "set database_url" in out
    assert "kuaizhao config" in out
    monkeypatch.setenv("KUAIZHAO_DATABASE_URL", target)
    after = {q: search(home, q, capsys) for q in before}
    assert after == before
    assert all(after.values())


def test_dry_run_and_bad_targets(home: Path, target: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--home", str(home), "migrate", "--to", target, "--dry-run"]) == 0
    assert "dry run: nothing was copied" in capsys.readouterr().out
    assert main(["--home", str(home), "migrate", "--to", f"sqlite:///{home}/x.db"]) == 2
    assert "must be a postgresql:// URL" in capsys.readouterr().err
    bad = "postgresql://postgres:hunter2@127.0.0.1:1/kuaizhao"
    assert main(["--home", str(home), "migrate", "--to", bad]) == 1
    err = capsys.readouterr().err
    assert "postgres:***@127.0.0.1:1" in err
    assert "cannot connect" in err
    assert "hunter2" not in err


def test_an_archive_already_on_postgresql_is_refused(
        tmp_path: Path, target: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUAIZHAO_DATABASE_URL", target)
    assert main(["--home", str(tmp_path), "migrate", "--to", target]) == 2
    assert "already uses PostgreSQL" in capsys.readouterr().err


def test_counts_that_differ_exit_non_zero(home: Path, target: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Something else writing into the target while it copies (here a trigger adding a
    source for each capture) is caught by the count comparison at the end."""
    open_url(target).close()  # the schema, so the trigger has a table to sit on
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("""
            CREATE FUNCTION intruder() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                INSERT INTO sources (name, config_json, updated_at)
                VALUES ('intruder ' || NEW.id, '{}', NEW.captured_at);
                RETURN NULL;
            END $$""")
        conn.execute("CREATE TRIGGER intruder AFTER INSERT ON captures "
                     "FOR EACH ROW EXECUTE FUNCTION intruder()")
    assert main(["--home", str(home), "migrate", "--to", target]) == 1
    captured = capsys.readouterr()
    assert [ln.split()[-1] for ln in captured.out.splitlines()
            if ln.startswith("sources")] == ["MISMATCH"]
    assert "row counts differ for sources" in captured.err


def test_passwords_are_not_shown() -> None:
    assert without_password("postgresql://kz:pw@db:5432/k") == "postgresql://kz:***@db:5432/k"
    assert without_password("postgresql://db/k") == "postgresql://db/k"
