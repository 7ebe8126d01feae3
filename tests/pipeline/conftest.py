from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from demo_settings import DEMO_OPTIONS, make_settings

from kuaizhao.config import Settings
from kuaizhao.demo import DemoWeb


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
