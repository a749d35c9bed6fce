"""A process pool for the pure per-chunk work of deduplication (clean, tokenise, shingle, sign).

Signing is a pure function of each chunk of bodies, so chunks can be handed to worker
processes and their results concatenated in order: the output is the same as the serial
path's. A pool is used only when it pays and is allowed:

- ``DedupConfig.workers`` above 1 (0: one per available CPU, at most :data:`MAX_AUTO_WORKERS`);
- a batch of at least ``DedupConfig.parallel_min_docs`` bodies (starting workers costs about
  a second; a micro-batch is signed faster in the calling process);
- not inside a daemonic process (a Celery or Airflow task process may be one, and daemonic
  processes may not have children).

Workers are started with ``forkserver`` (no copy of the caller's threads, locks or memory)
and receive each chunk with the arguments of the work (settings, the batch's site furniture).
A pool that cannot start, or whose worker dies, falls back to the serial path. As with any
``forkserver`` or ``spawn`` child, a worker imports the calling program's main module first: a
script signing a large batch keeps its work under ``if __name__ == "__main__":`` (or sets
``workers`` to 1).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)

MAX_AUTO_WORKERS = 4
"""Workers a pool starts when ``DedupConfig.workers`` is 0 (auto)."""

R = TypeVar("R")


def available_cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def in_daemon() -> bool:
    """Whether this process is daemonic (it may not start child processes)."""
    return bool(multiprocessing.current_process().daemon)


def pool_workers(workers: int, docs: int, min_docs: int) -> int:
    """Worker processes to use for ``docs`` bodies: 0 means serial (in this process)."""
    if workers == 0:
        workers = min(available_cpus(), MAX_AUTO_WORKERS)
    if workers <= 1 or docs < min_docs or in_daemon():
        return 0
    return workers


@functools.cache
def _trim() -> Callable[[int], object] | None:
    """glibc's ``malloc_trim`` (looked up once per process), or None."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def _in_worker(function: Callable[..., R], item: Any, **arguments: Any) -> R:
    """``function(item, **arguments)`` in a worker, then the chunk's freed memory goes back
    to the system (Arrow's pool and the C heap keep it otherwise: RSS of the largest chunk
    seen, per worker)."""
    try:
        return function(item, **arguments)
    finally:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
        trim = _trim()
        if trim is not None:
            trim(0)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class ChunkPool:
    """Runs a module-level ``function(item, **arguments)`` over items in order, in
    ``workers`` processes (started at the first use) or, with ``workers`` 0, in this process.
    At most ``ahead`` items per worker are in flight, so memory holds a few chunks, not the
    whole input. Use as a context manager."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ChunkPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (if any were started); the next :meth:`map` starts new ones."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    @staticmethod
    def _serial(function: Callable[..., R], items: Iterable[Any], arguments: dict[str, Any]
                ) -> Iterator[R]:
        for item in items:
            yield function(item, **arguments)

    def _start(self) -> ProcessPoolExecutor | None:
        if self._pool is None and self.workers > 0:
            try:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=_context())
            except (OSError, ValueError) as error:
                log.warning("dedup worker pool unavailable (%s); working serially", error)
                self.workers = 0
        return self._pool

    def _broken(self, error: BaseException) -> None:
        log.warning("dedup worker pool failed (%s); working serially", error)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool, self.workers = None, 0

    def map(self, function: Callable[..., R], items: Iterable[Any], ahead: int = 2,
            **arguments: Any) -> Iterator[R]:
        """``function(item, **arguments)`` of each item, in the order of ``items``."""
        source = iter(items)
        pool = self._start()
        if pool is None:
            yield from self._serial(function, source, arguments)
            return
        pending: list[tuple[Any, Future | None]] = []
        try:
            for item in source:
                pending.append((item, None))  # kept until its result is out: redone on failure
                pending[-1] = (item, pool.submit(_in_worker, function, item, **arguments))
                while len(pending) >= self.workers * ahead:
                    result = pending[0][1].result()
                    pending.pop(0)
                    yield result
            while pending:
                result = pending[0][1].result()
                pending.pop(0)
                yield result
        except (BrokenProcessPool, OSError, AssertionError) as error:
            # no child processes here (a daemonic process asserts) or a worker died
            self._broken(error)
            yield from self._serial(function, [item for item, _future in pending], arguments)
            yield from self._serial(function, source, arguments)
