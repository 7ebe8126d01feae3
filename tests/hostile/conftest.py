"""The `netns` fixture: a network namespace of the test's own (see hostile_web.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_web import NamespaceUnavailable, NetNamespace, net_namespace


@pytest.fixture
def netns(tmp_path: Path) -> Iterator[NetNamespace]:
    try:
        with net_namespace(tmp_path) as namespace:
            yield namespace
    except NamespaceUnavailable as exc:
        pytest.skip(f"needs a network namespace of its own: {exc}")
