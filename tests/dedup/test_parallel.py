"""Signing in worker threads: the same output as in the calling thread, in order, errors raised."""

from __future__ import annotations

import multiprocessing
import threading
import time

import numpy as np
import pyarrow as pa
import pytest
from dedup_rows import T0, article, random_body
from newslake.dedup import DedupConfig, assign_stories, parallel, shingles
from newslake.dedup.parallel import ChunkPool, pool_workers
from newslake.dedup.shingles import shingle_batch, sign_batch
from newslake.dedup.text import ArticleText, site_furniture
from newslake.exceptions import ConfigError
from newslake.lake import schema

CONFIG = DedupConfig()
FURNITURE_LINE = "Sign up for the Daily Bugle newsletter to get stories in your inbox."


def _bodies() -> pa.Array:
    bodies = []
    for n in range(23):
        text = random_body(n, 60 + 37 * n)
        if n % 3 == 0:  # a copy of an earlier body
            text = " ".join(bodies[n - 3].split()[5:]) if n else text
        if n % 4 == 0:
            text = f"PARIS (AP) — {text}\n{FURNITURE_LINE}\nPhoto: Jane Doe/AP"
        bodies.append(text)
    return pa.array([*bodies, None, "", "two words"], pa.large_string())


def _clean(bodies: pa.Array) -> ArticleText:
    sites = pa.array(["bugle.example"] * len(bodies))
    return ArticleText(site_furniture(bodies, sites))


def _same(a, b) -> None:
    for name in ("words", "n_shingles", "signatures", "anchor_keys", "anchor_offsets"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_signing_in_workers_matches_signing_here(monkeypatch):
    monkeypatch.setattr(shingles, "CHUNK_DOCS", 4)  # many chunks, more than in flight
    bodies = _bodies()
    clean = _clean(bodies)
    assert FURNITURE_LINE in clean.furniture.to_pylist()
    serial = sign_batch(bodies, CONFIG, clean=clean)
    with ChunkPool(2) as pool:
        pooled = sign_batch(bodies, CONFIG, clean=clean, pool=pool)
        ids = shingle_batch(bodies, CONFIG, clean=clean, pool=pool)
        assert pool.workers == 2
    _same(serial, pooled)
    alone = shingle_batch(bodies, CONFIG, clean=clean)
    for name in ("ids", "offsets", "words", "signatures"):
        assert np.array_equal(getattr(ids, name), getattr(alone, name)), name


def test_assign_stories_with_workers_matches_serial(lake):
    base = random_body(1, 400)
    rows = [article(f"https://site{n}.example/a/{n}", random_body(100 + n, 300), n)
            for n in range(12)]
    rows += [article(f"https://copy{n}.example/b/{n}", f"{base} Copy {n} ends here.", 30 + n)
             for n in range(3)]
    table = schema.conform("articles", rows)
    out = [assign_stories(table, lake=lake, crawl_date=T0.date(),
                          config=DedupConfig(workers=w, parallel_min_docs=1)) for w in (1, 2)]
    assert out[0].articles.equals(out[1].articles)
    assert out[0].signatures.equals(out[1].signatures)
    assert len(set(out[1].articles["story_id"].to_pylist()[-3:])) == 1


def test_small_batches_auto_and_serial_settings():
    assert pool_workers(2, 100, 2000) == 0  # a micro-batch is signed here
    assert pool_workers(1, 10**6, 0) == 0
    assert pool_workers(3, 10**6, 0) == 3
    auto = pool_workers(0, 10**6, 0)
    assert auto == (0 if parallel.available_cpus() == 1 else
                    min(parallel.available_cpus(), parallel.MAX_AUTO_WORKERS))
    with pytest.raises(ConfigError):
        DedupConfig(workers=-1)


def _slow_square(n: int, delay: float) -> int:
    time.sleep(delay * ((7 * n) % 5))  # later items often finish first
    return n * n


def test_results_come_in_input_order_with_a_bounded_window():
    taken = []

    def items():
        for n in range(12):
            taken.append(n)
            yield n

    with ChunkPool(3) as pool:
        out = []
        for value in pool.map(_slow_square, items(), ahead=2, delay=0.002):
            out.append(value)
            assert len(taken) - len(out) <= 6  # at most workers * ahead in flight
    assert out == [n * n for n in range(12)]


def _fail_on(n: int, bad: int) -> int:
    if n == bad:
        raise ValueError(f"chunk {n} is damaged")
    return n


def test_an_error_in_a_chunk_is_raised_after_the_chunks_before_it():
    with ChunkPool(2) as pool:
        out = []
        with pytest.raises(ValueError, match="chunk 5"):
            for value in pool.map(_fail_on, range(40), bad=5):
                out.append(value)
    assert out == [0, 1, 2, 3, 4]
    with ChunkPool(2) as pool:  # a pool stays usable after a consumer stopped early
        first = pool.map(_fail_on, range(100), bad=-1)
        assert next(first) == 0
        first.close()
        assert list(pool.map(_fail_on, range(5), bad=-1)) == list(range(5))


def _in_daemon(queue) -> None:
    bodies = _bodies()
    clean = _clean(bodies)
    serial = sign_batch(bodies, CONFIG, clean=clean)
    with ChunkPool(2) as pool:  # threads: a daemonic process signs with its pool too
        pooled = sign_batch(bodies, CONFIG, clean=clean, pool=pool)
    queue.put((pool_workers(2, 10**6, 0), threading.active_count(),
               bool(np.array_equal(serial.signatures, pooled.signatures)
                    and np.array_equal(serial.anchor_keys, pooled.anchor_keys))))


def test_a_daemonic_process_signs_with_its_threads():
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_daemon, args=(queue,), daemon=True)
    child.start()
    workers, threads, same = queue.get(timeout=300)
    child.join(timeout=60)
    assert (workers, same) == (2, True)
    assert threads <= 2  # the pool's threads are gone once it is closed (queue's feeder aside)
