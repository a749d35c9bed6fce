"""Candidate pairs from LSH band keys (joined in DuckDB), verified by exact containment."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa

from newslake.dedup.config import DedupConfig
from newslake.dedup.shingles import band_keys, containment, minhash, shingle_hashes, tokens


@dataclass
class Sketch:
    """Shingles and LSH keys of one body; ``None`` keys when the body is too short."""

    shingles: np.ndarray
    signature: np.ndarray | None
    keys: np.ndarray | None


def sketch(body: str | None, config: DedupConfig) -> Sketch:
    """Shingle, sign and band one article body."""
    words = tokens(body or "")
    shingles = shingle_hashes(words, config.shingle_size)
    if len(words) < config.min_words:
        return Sketch(shingles, None, None)
    signature = minhash(shingles, config)
    return Sketch(shingles, signature, band_keys(signature, config))


def _key_table(keys: list[np.ndarray | None]) -> pa.Table:
    docs = [np.full(k.size, i, dtype=np.int32) for i, k in enumerate(keys) if k is not None]
    flat = [k for k in keys if k is not None]
    if not flat:
        return pa.table({"key": pa.array([], pa.int64()), "doc": pa.array([], pa.int32())})
    return pa.table({"key": np.concatenate(flat), "doc": np.concatenate(docs)})


def candidate_pairs(
    batch_keys: list[np.ndarray | None], history_keys: pa.Array | pa.ChunkedArray,
    config: DedupConfig,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing at least one band key: ``(batch_i, batch_j)`` with i < j, and
    ``(batch_i, history_row)``. Buckets larger than ``max_bucket`` are skipped."""
    batch = _key_table(batch_keys)
    if isinstance(history_keys, pa.ChunkedArray):
        history_keys = history_keys.combine_chunks()
    history = pa.table({
        "key": history_keys.flatten().cast(pa.int64()),
        "doc": pa.array(history_keys.value_parent_indices(), pa.int64()).cast(pa.int32()),
    }) if len(history_keys) else _key_table([])
    con = duckdb.connect()
    try:
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


def _pairs(result: dict[str, np.ndarray]) -> np.ndarray:
    if not len(result["i"]):
        return np.empty((0, 2), np.int64)
    return np.stack([result["i"], result["j"]], axis=1).astype(np.int64)


def verify(a: np.ndarray, b: np.ndarray, config: DedupConfig) -> float:
    """Containment of two shingle sets, or 0.0 when it is below the threshold."""
    score = containment(a, b)
    return score if score >= config.threshold else 0.0
