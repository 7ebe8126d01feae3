"""Fetching: the only network code. Polite (robots.txt, per-host pacing, identifying
User-Agent), conditional, retrying, limited, and byte-exact for the archive."""

from __future__ import annotations

from kuaizhao.fetch.addresses import PublicOnlyResolver, resolve_is_public
from kuaizhao.fetch.client import Fetcher
from kuaizhao.fetch.options import FetchOptions, Validators

__all__ = ["FetchOptions", "Fetcher", "PublicOnlyResolver", "Validators", "resolve_is_public"]
