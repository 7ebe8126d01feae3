"""The bundled demo news web: three outlets on loopback for `make run` and the crawl tests.

`DemoWeb` serves them (async, or `in_thread()` for sync code), `expected()` says what a
correct crawl captures, `sources_toml()` points kuaizhao at them.
"""

from __future__ import annotations

from kuaizhao.demo.server import (
    DEFAULT_CRAWL_DELAY,
    DEFAULT_SLOW_SECONDS,
    AccessRecord,
    DemoOptions,
    DemoWeb,
    run_demo_site,
)
from kuaizhao.demo.site import Expected
from kuaizhao.demo.sourcesfile import OutletInfo

__all__ = [
    "DEFAULT_CRAWL_DELAY",
    "DEFAULT_SLOW_SECONDS",
    "AccessRecord",
    "DemoOptions",
    "DemoWeb",
    "Expected",
    "OutletInfo",
    "run_demo_site",
]
