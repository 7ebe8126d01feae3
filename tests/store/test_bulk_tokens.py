"""Tokenizing bulk loads in a helper process: same output, in order, and a dead helper
costs nothing but time."""

from __future__ import annotations

import os
import signal

from kuaizhao.index.tokens import index_text
from kuaizhao.store import bulk_tokens

CHUNKS = [[(f"标题{i}", f"科技创新 第{i}段 news {i}", "无锡")] * 3 for i in range(5)]


def _expected() -> list[list[tuple[str, ...]]]:
    return [[tuple(map(index_text, row)) for row in chunk] for chunk in CHUNKS]


def test_chunks_come_back_tokenized_in_order() -> None:
    assert list(bulk_tokens.tokenized_ahead(CHUNKS)) == _expected()
    assert list(bulk_tokens.tokenized_ahead(CHUNKS[:1])) == _expected()[:1]
    assert list(bulk_tokens.tokenized_ahead([])) == []


def test_a_killed_helper_falls_back_to_this_process() -> None:
    list(bulk_tokens.tokenized_ahead(CHUNKS[:2]))  # the helper is running now
    pool = bulk_tokens._pool
    assert pool is not None
    for pid in list(pool._processes):  # the helper process itself
        os.kill(pid, signal.SIGKILL)
    assert list(bulk_tokens.tokenized_ahead(CHUNKS)) == _expected()
    assert bulk_tokens._pool is not pool  # the broken one was dropped
    assert list(bulk_tokens.tokenized_ahead(CHUNKS)) == _expected()  # a new helper
