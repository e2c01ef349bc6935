"""Marking a large column on every core. jieba is pure Python, so one process marks texts on
one core. A column of at least PARALLEL_FROM distinct texts is cut into chunks: worker
processes, forked from this one once jieba is loaded here (so they start at once, with its
dictionary), take chunks from the front while this process takes them from the back, so no
core waits for another to start. A text's marking depends on the text alone, so the result is
the same as one process's."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PARALLEL_FROM = 2_000
"""Distinct texts below which one process marks them all (workers would save little)."""
CHUNK = 200
"""Texts a worker marks at a time: small enough that the cores finish together."""

Mark = Callable[[str], str]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@contextmanager
def _frozen() -> Iterator[None]:
    """This process's objects kept out of garbage collection while workers are forked, so
    the workers' collections leave the pages they inherit (jieba's dictionary) shared."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _mark_chunk(mark: Mark, texts: Sequence[str]) -> list[str]:
    return [mark(t) for t in texts]


def mark_all(
    texts: Sequence[str], mark: Mark, *, workers: int | None = None, least: int | None = None
) -> list[str]:
    """`mark` of each text, in order: on `workers` forked processes (default: one per core
    beyond this one) besides this one, for at least `least` texts (default PARALLEL_FROM);
    else here. `mark` must be a module-level function (workers receive it by name).

    >>> mark_all(["a", "b", "c"], str.upper, workers=1, least=2)
    ['A', 'B', 'C']
    """
    workers = _cores() - 1 if workers is None else workers
    # a daemonic process (a Dask worker) may not start processes of its own
    alone = multiprocessing.current_process().daemon
    forkable = "fork" in multiprocessing.get_all_start_methods()
    few = len(texts) < (PARALLEL_FROM if least is None else least)
    if workers < 1 or few or alone or not forkable:
        return _mark_chunk(mark, texts)
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    done: list[list[str] | None] = [_mark_chunk(mark, chunks[0]), *([None] * (len(chunks) - 1))]
    context = multiprocessing.get_context("fork")  # after the first chunk: jieba is loaded
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        with _frozen():  # the workers are forked at the first submit
            futures = {i: pool.submit(_mark_chunk, mark, chunks[i]) for i in range(1, len(chunks))}
        for i in reversed(futures):  # from the back, those no worker has taken yet
            if futures[i].cancel():
                done[i] = _mark_chunk(mark, chunks[i])
        for i, future in futures.items():
            if done[i] is None:
                done[i] = future.result()
    return [text for chunk in done for text in chunk or ()]
