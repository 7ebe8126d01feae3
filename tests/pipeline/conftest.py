from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kuaizhao.config import Settings, load_settings
from kuaizhao.demo import DemoOptions, DemoWeb
from kuaizhao.store import Store, open_store

# Fast politeness for tests: the demo's own robots Crawl-delay still applies per host.
# The demo web is on loopback, which the crawler refuses unless told.
FAST = {"min_host_interval": 0.0, "retries": 2, "fetch_timeout": 10.0, "warc_fsync": False,
        "crawl_allow_private": True}


@pytest.fixture
def demo() -> Iterator[DemoWeb]:
    web = DemoWeb(DemoOptions(crawl_delay=0.05, slow_seconds=0.5, retry_after=0))
    with web.in_thread() as running:
        yield running


def make_settings(home: Path, demo: DemoWeb, **extra: object) -> Settings:
    """Settings for an archive at `home` whose sources are the running demo web."""
    sources = home / "sources.toml"
    home.mkdir(parents=True, exist_ok=True)
    sources.write_text(demo.sources_toml(), encoding="utf-8")
    return load_settings(home=str(home), environ={}, overrides={**FAST, **extra})


SettingsFor = Callable[..., Settings]


@pytest.fixture
def settings_for(demo: DemoWeb) -> SettingsFor:
    def make(home: Path, **extra: object) -> Settings:
        return make_settings(home, demo, **extra)

    return make


# An empty archive of the tests' own: settings and an open store.
@pytest.fixture
def home(tmp_path: Path) -> Iterator[tuple[Settings, Store]]:
    settings = load_settings(home=str(tmp_path / "home"), environ={},
                             overrides={"warc_fsync": False})
    store = open_store(settings)
    yield settings, store
    store.close()
