from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from kuaizhao.demo import DemoOptions, DemoWeb

FAST = DemoOptions(crawl_delay=0.1, slow_seconds=0.3)


@pytest.fixture
async def demo() -> AsyncIterator[DemoWeb]:
    async with DemoWeb(FAST) as web:
        yield web


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(auto_decompress=False) as session:
        yield session
