"""Candidate pairs from shared band and anchor keys."""

from __future__ import annotations

import numpy as np
import pytest
from newslake.dedup.candidates import _key_pairs


def _brute(batch, history, max_bucket, short=None):
    """Pairs by definition: rows sharing a key held by at most ``max_bucket`` rows."""
    keys, docs = batch
    past_keys, past_docs = history
    held = {}
    for key in [*keys.tolist(), *past_keys.tolist()]:
        held[key] = held.get(key, 0) + 1
    within, across = set(), set()
    for x in range(keys.size):
        if held[keys[x]] > max_bucket:
            continue
        for y in range(keys.size):
            i, j = int(docs[x]), int(docs[y])
            if keys[x] == keys[y] and i < j and (short is None or short[0][i] or short[0][j]):
                within.add((i, j))
        for y in range(past_keys.size):
            j = int(past_docs[y])
            if keys[x] == past_keys[y] and (short is None or short[0][i] or short[1][j]):
                across.add((int(docs[x]), j))

    def table(pairs):
        return np.array(sorted(pairs), np.int64).reshape(-1, 2)

    return table(within), table(across)


@pytest.mark.parametrize("seed", range(12))
def test_key_pairs_are_the_pairs_sharing_a_key_of_a_small_bucket(seed):
    rng = np.random.default_rng(seed)
    rows = 0 if seed == 0 else int(rng.integers(1, 300))
    keys = rng.integers(-40, 40, rows).astype(np.int64)
    docs = rng.integers(0, 60, rows)
    past_keys = rng.choice(keys, int(rng.integers(0, 80))) if rows else keys[:0]
    past_docs = rng.integers(0, 30, past_keys.size)
    short = (rng.random(60) < 0.3, rng.random(30) < 0.3)
    max_bucket = int(rng.integers(2, 12))
    for flags in (None, short):
        got = _key_pairs((keys, docs), (past_keys, past_docs), max_bucket, flags)
        want = _brute((keys, docs), (past_keys, past_docs), max_bucket, flags)
        assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
