"""Candidate pairs from LSH band keys (joined in DuckDB), verified by exact containment."""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from newslake.dedup.config import DedupConfig
from newslake.dedup.history import History
from newslake.dedup.shingles import Shingled, containment, shingle_batch


def _pairs(result: dict[str, np.ndarray]) -> np.ndarray:
    if not len(result["i"]):
        return np.empty((0, 2), np.int64)
    return np.stack([result["i"], result["j"]], axis=1).astype(np.int64)


def candidate_pairs(
    keys: np.ndarray, eligible: np.ndarray, history_keys: pa.Array | pa.ChunkedArray,
    config: DedupConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing at least one band key: ``(batch_i, batch_j)`` with i < j, and
    ``(batch_i, history_row)``. Buckets larger than ``max_bucket`` are skipped."""
    docs = np.flatnonzero(eligible)
    batch = pa.table({
        "key": keys[docs].ravel(),
        "doc": np.repeat(docs, keys.shape[1]).astype(np.int32),
    })
    if isinstance(history_keys, pa.ChunkedArray):
        history_keys = history_keys.combine_chunks() if history_keys.num_chunks else pa.array(
            [], pa.list_(pa.int64()))
    offsets = history_keys.offsets.to_numpy()
    lengths = np.diff(offsets) if len(history_keys) else np.zeros(0, np.int64)
    history = pa.table({
        "key": history_keys.flatten().cast(pa.int64()),
        "doc": np.repeat(np.arange(len(history_keys), dtype=np.int32), lengths),
    })
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.register("b", batch)
        con.register("h_all", history)
        con.execute("CREATE TEMP TABLE h AS SELECT * FROM h_all SEMI JOIN b USING (key)")
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


def verified_edges(shingled: Shingled, keys: np.ndarray, history: History,
                   config: DedupConfig) -> list[tuple[float, int, tuple[str, int]]]:
    """Candidate pairs whose exact containment reaches the threshold, best first:
    ``(score, batch_i, ("b", batch_j) | ("h", history_index_row))``."""
    eligible = shingled.words >= config.min_words
    within, across = candidate_pairs(keys, eligible, history.index["band_keys"], config)
    edges = []
    for i, j in within:
        score = containment(shingled.doc(i), shingled.doc(j))
        if score >= config.threshold:
            edges.append((score, int(i), ("b", int(j))))
    if len(across):
        ids = history.index["article_id"].to_pylist()
        bodies = history.bodies({ids[j] for j in across[:, 1]})
        wanted = sorted(bodies)
        past = shingle_batch([bodies[a] for a in wanted], config)
        position = {a: n for n, a in enumerate(wanted)}
        for i, j in across:
            if ids[j] not in position:
                continue
            score = containment(shingled.doc(i), past.doc(position[ids[j]]))
            if score >= config.threshold:
                edges.append((score, int(i), ("h", int(j))))
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    return edges
