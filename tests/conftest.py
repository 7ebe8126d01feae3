"""Fixtures every test package may use: `database_url` runs a test on each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from postgres import BACKENDS, postgres_schema, session_server

# The property tests check results, not speed: hypothesis' 200 ms deadline per example
# failed a date round-trip once on a loaded 2-core machine (first example, cold caches).
settings.register_profile("kuaizhao", deadline=None)
settings.load_profile("kuaizhao")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line on which PostgreSQL the run used (or why its tests were skipped)."""
    server = session_server()
    if server is not None:
        terminalreporter.write_line(server.note)


def pytest_unconfigure(config: pytest.Config) -> None:
    server = session_server()
    if server is not None:
        server.stop()


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend_name: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The `database_url` setting of a new, empty archive database on each backend."""
    if backend_name == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'k.sqlite3'}"
        return
    with postgres_schema() as url:
        yield url
