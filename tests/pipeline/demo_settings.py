"""Settings for a test archive crawling the running demo web (used by conftest.py and by
module-scoped fixtures, which cannot take conftest's function-scoped ones)."""

from __future__ import annotations

from pathlib import Path

from kuaizhao.config import Settings, load_settings
from kuaizhao.demo import DemoOptions, DemoWeb

# Fast politeness for tests: the demo's own robots Crawl-delay still applies per host.
# The demo web is on loopback, which the crawler refuses unless told.
FAST = {"min_host_interval": 0.0, "retries": 2, "fetch_timeout": 10.0, "warc_fsync": False,
        "crawl_allow_private": True}
# The demo web as the tests run it: short delays, no waiting on Retry-After.
DEMO_OPTIONS = DemoOptions(crawl_delay=0.05, slow_seconds=0.5, retry_after=0)


def make_settings(home: Path, demo: DemoWeb, **extra: object) -> Settings:
    """Settings for an archive at `home` whose sources are the running demo web."""
    sources = home / "sources.toml"
    home.mkdir(parents=True, exist_ok=True)
    sources.write_text(demo.sources_toml(), encoding="utf-8")
    return load_settings(home=str(home), environ={}, overrides={**FAST, **extra})
