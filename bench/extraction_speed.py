"""Extraction speed: pages/s of our full extraction against plain ``trafilatura.extract``.

Pages are the article-extraction benchmark's (``<shared>/eval/aeb``), repeated ``--rounds``
times. Measured in the same run: trafilatura single process, ours single process, and ours
with 2 worker processes (pool started and warmed before timing).

Last line: JSON {"ours_pages_per_s", "trafilatura_pages_per_s", "ratio",
"ours_2proc_pages_per_s", "scaling"}.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import sys
import time
from itertools import islice

import trafilatura
from newslake.extract import Hints, extract_page
from newslake.extract.evaluation import EVAL_DIR, aeb_pages

_PAGES: list = []


def _ours(indices: list[int]) -> int:
    done = 0
    for i in indices:
        extract_page(_PAGES[i], Hints(source_id="bench"))
        done += 1
    return done


def _init(limit: int | None) -> None:
    logging.disable(logging.WARNING)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if not _PAGES:
        _PAGES.extend(p for _, p, _ in islice(aeb_pages(), limit))


def _rate(func, pages: int) -> float:
    started = time.perf_counter()
    func()
    return pages / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="distinct pages (default: all)")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the pages")
    args = parser.parse_args()
    if not (EVAL_DIR / "aeb").exists():
        print(f"no evaluation data at {EVAL_DIR}", file=sys.stderr)
        return 2
    _init(args.limit)
    order = list(range(len(_PAGES))) * args.rounds
    total = len(order)
    _ours(list(range(min(5, len(_PAGES)))))  # warm imports and caches
    base = _rate(lambda: [trafilatura.extract(_PAGES[i].body) for i in order], total)
    ours = _rate(lambda: _ours(order), total)
    context = multiprocessing.get_context("fork")
    with context.Pool(2, initializer=_init, initargs=(args.limit,)) as pool:
        pool.map(_ours, [[0], [1]])
        chunks = [order[i : i + 8] for i in range(0, total, 8)]
        two = _rate(lambda: sum(pool.imap_unordered(_ours, chunks)), total)
    figures = {
        "ours_pages_per_s": round(ours, 1),
        "trafilatura_pages_per_s": round(base, 1),
        "ratio": round(ours / base, 3),
        "ours_2proc_pages_per_s": round(two, 1),
        "scaling": round(two / ours, 3),
    }
    print(f"{total} page extractions ({len(_PAGES)} distinct pages x {args.rounds})")
    print(f"trafilatura.extract     {base:8.1f} pages/s")
    print(f"ours, 1 process         {ours:8.1f} pages/s  ({figures['ratio']:.2f}x trafilatura)")
    print(f"ours, 2 processes       {two:8.1f} pages/s  ({figures['scaling']:.2f}x 1 process)")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
