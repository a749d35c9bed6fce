"""Candidate pairs from LSH band keys (joined in DuckDB), verified by exact containment.

Only the band keys of the batch and the history rows that share one of them are joined; the
shingle ids of the documents in a candidate pair are computed afresh for verification, so
memory holds the shingles of candidates, never of the whole batch or history.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from newslake.dedup.config import DedupConfig
from newslake.dedup.history import History
from newslake.dedup.shingles import Signed, containment, shingle_batch

DUCKDB_MEMORY_LIMIT = "1GB"
"""Cap of DuckDB's buffer memory for the key join (it spills to disk beyond)."""


@dataclass
class Edges:
    """Verified pairs, best first: ``(score, batch_i, ("b", batch_j) | ("h", doc))`` where
    ``doc`` is a row of ``history_docs`` (article_id, story_id, crawl_date)."""

    edges: list[tuple[float, int, tuple[str, int]]]
    history_docs: pa.Table


def _pairs(result: dict[str, np.ndarray]) -> np.ndarray:
    if not len(result["i"]):
        return np.empty((0, 2), np.int64)
    return np.stack([result["i"], result["j"]], axis=1).astype(np.int64)


def candidate_pairs(keys: np.ndarray, eligible: np.ndarray, history: pa.Table,
                    config: DedupConfig) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing at least one band key: ``(batch_i, batch_j)`` with i < j, and
    ``(batch_i, history doc)`` from ``history`` rows ``(key, doc)``. Buckets holding more
    than ``max_bucket`` articles are skipped."""
    docs = np.flatnonzero(eligible)
    batch = pa.table({
        "key": keys[docs].ravel(),
        "doc": np.repeat(docs, keys.shape[1]).astype(np.int32),
    })
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
        con.execute("SET preserve_insertion_order = false")
        con.register("b", batch)
        con.register("h", history)
        con.execute(
            "CREATE TEMP TABLE hot AS SELECT key FROM "
            "(SELECT key FROM b UNION ALL SELECT key FROM h) GROUP BY key HAVING count(*) > ?",
            [config.max_bucket],
        )
        within = con.execute(
            "SELECT DISTINCT x.doc AS i, y.doc AS j FROM b x JOIN b y USING (key) "
            "WHERE x.doc < y.doc AND key NOT IN (SELECT key FROM hot) ORDER BY i, j"
        ).fetchnumpy()
        across = con.execute(
            "SELECT DISTINCT b.doc AS i, h.doc AS j FROM b JOIN h USING (key) "
            "WHERE key NOT IN (SELECT key FROM hot) ORDER BY i, j"
        ).fetchnumpy()
    finally:
        con.close()
    return _pairs(within), _pairs(across)


def verified_edges(bodies: pa.ChunkedArray, order: np.ndarray, signed: Signed,
                   keys: np.ndarray, history: History, config: DedupConfig) -> Edges:
    """Candidate pairs whose exact containment reaches the threshold. Batch document ``i``
    is ``bodies[order[i]]``."""
    eligible = signed.words >= config.min_words
    matches, history_docs = history.matching(keys[eligible].ravel())
    within, across = candidate_pairs(keys, eligible, matches, config)
    del matches
    needed = np.unique(np.concatenate([within.ravel(), across[:, 0]]))
    rows = pa.array(order[needed].astype(np.int64))
    shingled = shingle_batch(bodies.take(rows), config)
    at = np.full(len(order), -1, np.int64)
    at[needed] = np.arange(needed.size)
    edges = []
    for i, j in within:
        score = containment(shingled.doc(at[i]), shingled.doc(at[j]))
        if score >= config.threshold:
            edges.append((score, int(i), ("b", int(j))))
    if len(across):
        ids = history_docs["article_id"].to_pylist()
        days = history_docs["crawl_date"].to_pylist()
        wanted = sorted({ids[j] for j in across[:, 1]})
        found = history.bodies(wanted, {days[j] for j in across[:, 1]})
        present = [a for a in wanted if a in found]
        past = shingle_batch([found[a] for a in present], config)
        del found
        position = {a: n for n, a in enumerate(present)}
        for i, j in across:
            if ids[j] not in position:
                continue
            score = containment(shingled.doc(at[i]), past.doc(position[ids[j]]))
            if score >= config.threshold:
                edges.append((score, int(i), ("h", int(j))))
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    return Edges(edges, history_docs)
