"""What every command needs from the global options: settings and the open archive."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from kuaizhao.cli.logs import use_format
from kuaizhao.config import Settings, load_settings

if TYPE_CHECKING:
    from kuaizhao.store import Store


def settings_from(args: argparse.Namespace, **overrides: Any) -> Settings:
    settings = load_settings(home=args.home, config_file=args.config, overrides=overrides)
    use_format(settings.log_format)
    return settings


@contextmanager
def archive(args: argparse.Namespace, **overrides: Any) -> Iterator[tuple[Settings, Store]]:
    from kuaizhao.store import open_store  # the database code loads only when used

    settings = settings_from(args, **overrides)
    store = open_store(settings)
    try:
        yield settings, store
    finally:
        store.close()


def interactive() -> bool:
    """Progress bars only on a terminal; plain log lines in scripts and CI."""
    return sys.stderr.isatty()
