from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from demo_settings import DEMO_OPTIONS, make_settings

from kuaizhao.config import Settings, load_settings
from kuaizhao.demo import DemoWeb
from kuaizhao.store import Store, open_store


@pytest.fixture
def demo() -> Iterator[DemoWeb]:
    web = DemoWeb(DEMO_OPTIONS)
    with web.in_thread() as running:
        yield running


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
