"""A thread pool for the pure per-chunk work of deduplication (clean, tokenise, shingle, sign).

Signing is a pure function of each chunk of bodies, so chunks can be handed to worker
threads and their results concatenated in order: the output is the same as the serial
path's. Threads, not processes: the work is Arrow compute kernels and NumPy array passes,
which run without the GIL, so two threads use two cores; nothing is copied or pickled to
reach them, no process is started (so it works inside a daemonic Celery or Airflow task
process) and memory holds one interpreter. A pool is used when ``DedupConfig.workers`` is
above 1 (0: one per available CPU, at most :data:`MAX_AUTO_WORKERS`) and the batch holds at
least ``DedupConfig.parallel_min_docs`` bodies.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

MAX_AUTO_WORKERS = 4
"""Threads a pool starts when ``DedupConfig.workers`` is 0 (auto)."""

R = TypeVar("R")


def available_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def pool_workers(workers: int, docs: int, min_docs: int) -> int:
    """Worker threads to use for ``docs`` bodies: 0 means serial (in the calling thread)."""
    if workers == 0:
        workers = min(available_cpus(), MAX_AUTO_WORKERS)
    if workers <= 1 or docs < min_docs:
        return 0
    return workers


class ChunkPool:
    """Runs ``function(item, **arguments)`` over items in order, in ``workers`` threads
    (started at the first use) or, with ``workers`` 0, in the calling thread. At most
    ``ahead`` items per worker are in flight, so memory holds a few chunks, not the whole
    input. Use as a context manager."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None

    def __enter__(self) -> ChunkPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the threads (if any were started); the next :meth:`map` starts new ones."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def map(self, function: Callable[..., R], items: Iterable[Any], ahead: int = 2,
            **arguments: Any) -> Iterator[R]:
        """``function(item, **arguments)`` of each item, in the order of ``items``; an error
        of one item is raised here, after the items before it were yielded."""
        source = iter(items)
        if self.workers <= 0:
            for item in source:
                yield function(item, **arguments)
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="newslake-dedup")
        pending: list[Future] = []
        try:
            for item in source:
                pending.append(self._pool.submit(function, item, **arguments))
                while len(pending) >= self.workers * ahead:
                    yield pending.pop(0).result()
            while pending:
                yield pending.pop(0).result()
        finally:
            for future in pending:  # an error or a consumer that stopped early
                future.cancel()
