"""Tokenizing a bulk load in a second process, one chunk ahead of the writes.

Cutting CJK text into bigrams (`index.tokens.index_text`) is Python; writing them into
FTS5 is C. A thread cannot overlap the two on SQLite: `executemany` lets go of the GIL
for each row's step and then waits for it again while the tokenizing thread holds it
for a whole switch interval, so the writes slowed down (measured, docs/search.md). A
process has its own interpreter: while this one writes chunk k, the helper cuts k + 1.
One helper process serves the whole program; it starts on the first bulk load and
stops at exit. If it dies, the chunk is tokenized here and the next load starts anew.
"""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context

from kuaizhao.index.tokens import index_text

log = logging.getLogger(__name__)

Texts = tuple[str, ...]

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def tokenize(rows: Sequence[Texts]) -> list[Texts]:
    """Each text of each row as the FTS index takes it."""
    return [tuple(map(index_text, row)) for row in rows]


def tokenized_ahead(chunks: Sequence[Sequence[Texts]]) -> Iterator[list[Texts]]:
    """`tokenize(chunk)` for each chunk in order, the next one computed in the helper
    process while the caller works on the current one. A single chunk stays here:
    there is nothing to overlap it with."""
    if len(chunks) < 2:
        yield from map(tokenize, chunks)
        return
    submit = _submitter()
    ahead = submit(chunks[0])
    for i, chunk in enumerate(chunks):
        try:
            result = ahead.result()
        except BrokenProcessPool:
            log.warning("the tokenizing process died; tokenizing in this one instead")
            _discard()
            submit = _in_process
            result = tokenize(chunk)
        if i + 1 < len(chunks):
            ahead = submit(chunks[i + 1])
        yield result


def _submitter() -> Callable[[Sequence[Texts]], Future[list[Texts]]]:
    global _pool
    with _lock:
        if _pool is None:
            # forkserver: a fork of this process would copy its threads' locks mid-use.
            _pool = ProcessPoolExecutor(1, mp_context=get_context("forkserver"))
        pool = _pool

    def submit(chunk: Sequence[Texts]) -> Future[list[Texts]]:
        try:
            return pool.submit(tokenize, list(chunk))
        except (BrokenProcessPool, RuntimeError, OSError) as exc:
            # Broken, shut down at exit, or no process could be started (processes
            # start on the first submit).
            log.warning("no tokenizing process (%s); tokenizing in this one", exc)
            _discard()
            return _in_process(chunk)

    return submit


def _in_process(chunk: Sequence[Texts]) -> Future[list[Texts]]:
    done: Future[list[Texts]] = Future()
    done.set_result(tokenize(chunk))
    return done


def _discard() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None


atexit.register(_discard)
