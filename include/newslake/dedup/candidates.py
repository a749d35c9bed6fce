"""Candidate pairs from LSH band keys and sentence anchors (joined in DuckDB), verified by
exact shingle overlap.

Band keys pair pages similar as wholes; anchors (:mod:`newslake.dedup.anchors`) pair a short
page with a page holding it. Only the keys of the batch and the history rows that share one
of them are joined; the shingle ids of the documents in a candidate pair are computed afresh
for verification, so memory holds the shingles of candidates, never of the whole batch or
history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newslake.dedup.anchors import SHORT_SHINGLES, take_ragged
from newslake.dedup.config import DedupConfig
from newslake.dedup.history import History
from newslake.dedup.parallel import ChunkPool
from newslake.dedup.shingles import Signed, shares, shingle_batch

DUCKDB_MEMORY_LIMIT = "1GB"
"""Cap of DuckDB's buffer memory for the key join (it spills to disk beyond)."""


@dataclass(frozen=True)
class Edge:
    """A verified pair: batch article ``i`` and ``("b", batch j)`` or ``("h", doc)`` where
    ``doc`` is a row of ``Edges.history_docs``. ``share_i`` is the share of i's shingles found
    in the other, ``share_j`` the reverse; ``score`` the larger (containment of the smaller)."""

    score: float
    i: int
    other: tuple[str, int]
    share_i: float
    share_j: float

    @property
    def low(self) -> float:
        """The smaller share: how much of the longer text the shorter one carries."""
        return min(self.share_i, self.share_j)


@dataclass
class Edges:
    """Verified pairs, best first, and the history articles they point to (article_id,
    story_id, crawl_date)."""

    edges: list[Edge]
    history_docs: pa.Table


@dataclass
class Links:
    """Verified pairs that do not merge stories by themselves: pairs of one story carrying the
    same text (versions) and excerpts; history docs by row (article id, story id)."""

    history_ids: list[str]
    history_story: list[str]
    same_text: list[Edge] = field(default_factory=list)
    excerpts: list[Edge] = field(default_factory=list)


def _pairs(result: dict[str, np.ndarray]) -> np.ndarray:
    if not len(result["i"]):
        return np.empty((0, 2), np.int64)
    return np.stack([result["i"], result["j"]], axis=1).astype(np.int64)


def _key_pairs(con: duckdb.DuckDBPyConnection, batch: str, history: str, max_bucket: int,
               condition: str = "true") -> tuple[np.ndarray, np.ndarray]:
    """Pairs of registered ``batch``/``history`` rows ``(key, doc, ...)`` sharing a key that
    at most ``max_bucket`` rows hold, where ``condition`` (on ``x`` and ``y``) holds."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE hot AS SELECT key FROM (SELECT key FROM {batch} "
        f"UNION ALL SELECT key FROM {history}) GROUP BY key HAVING count(*) > ?", [max_bucket])
    within = con.execute(
        f"SELECT DISTINCT x.doc AS i, y.doc AS j FROM {batch} x JOIN {batch} y USING (key) "
        f"WHERE x.doc < y.doc AND ({condition}) AND key NOT IN (SELECT key FROM hot) "
        "ORDER BY i, j").fetchnumpy()
    across = con.execute(
        f"SELECT DISTINCT x.doc AS i, y.doc AS j FROM {batch} x JOIN {history} y USING (key) "
        f"WHERE ({condition}) AND key NOT IN (SELECT key FROM hot) ORDER BY i, j").fetchnumpy()
    return _pairs(within), _pairs(across)


def candidate_pairs(keys: np.ndarray, eligible: np.ndarray, history: pa.Table,
                    config: DedupConfig, anchors: tuple[pa.Table, pa.Table] | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing at least one band key: ``(batch_i, batch_j)`` with i < j, and
    ``(batch_i, history doc)`` from ``history`` rows ``(key, doc)``. With ``anchors``
    (batch and history rows ``(key, doc, short)``), also pairs sharing an anchor key where
    one page is short. Buckets holding more than ``max_bucket`` articles are skipped."""
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
        within, across = _key_pairs(con, "b", "h", config.max_bucket)
        if anchors is not None and len(anchors[0]):
            con.register("ba", anchors[0])
            con.register("ha", anchors[1])
            more = _key_pairs(con, "ba", "ha", config.max_bucket, "x.short OR y.short")
            within = np.unique(np.concatenate([within, more[0]]), axis=0)
            across = np.unique(np.concatenate([across, more[1]]), axis=0)
    finally:
        con.close()
    return within, across


def _anchor_rows(signed: Signed, eligible: np.ndarray) -> pa.Table:
    """``(key, doc, short)`` rows of the anchors of the ``eligible`` batch documents."""
    docs = np.flatnonzero(eligible)
    values, offsets = take_ragged(signed.anchor_keys, signed.anchor_offsets, docs)
    owner = np.repeat(docs, np.diff(offsets))
    return pa.table({"key": values, "doc": owner.astype(np.int32),
                     "short": signed.n_shingles[owner] < SHORT_SHINGLES})


def verified_edges(bodies: pa.ChunkedArray, order: np.ndarray, signed: Signed,
                   keys: np.ndarray, history: History, config: DedupConfig,
                   clean: Callable[[pa.Array], pa.Array], pool: ChunkPool | None = None
                   ) -> Edges:
    """Candidate pairs whose exact containment reaches ``config.link_floor``. Batch document
    ``i`` is ``bodies[order[i]]``; batch and history bodies are compared on ``clean(body)``
    (their article text); ``pool`` shingles them in worker processes."""
    eligible = signed.words >= config.min_words
    batch_anchors = _anchor_rows(signed, signed.words >= config.min_text_words)
    matches, anchored, history_docs = history.match_keys(
        keys[eligible].ravel(), batch_anchors["key"].to_numpy())
    sizes = pc.fill_null(history_docs["n_shingles"], 0).to_numpy(zero_copy_only=False)
    doc = anchored["doc"].to_numpy()
    anchored = anchored.append_column("short", pa.array(sizes[doc] < SHORT_SHINGLES))
    within, across = candidate_pairs(keys, eligible, matches, config,
                                     anchors=(batch_anchors, anchored))
    del matches, anchored
    needed = np.unique(np.concatenate([within.ravel(), across[:, 0]]))
    rows = pa.array(order[needed].astype(np.int64))
    shingled = shingle_batch(bodies.take(rows), config, clean=clean, pool=pool)
    floor = config.link_floor
    at = np.full(len(order), -1, np.int64)
    at[needed] = np.arange(needed.size)
    edges = []
    short = config.min_words  # a pair with a page this short is only ever a containment

    def kept(a: float, b: float, words: int) -> bool:
        return max(a, b) >= (floor if words >= short else config.contained)

    for i, j in within:
        a, b = shares(shingled.doc(at[i]), shingled.doc(at[j]))
        if kept(a, b, min(signed.words[i], signed.words[j])):
            edges.append(Edge(max(a, b), int(i), ("b", int(j)), a, b))
    if len(across):
        ids = history_docs["article_id"].to_pylist()
        days = history_docs["crawl_date"].to_pylist()
        wanted = sorted({ids[j] for j in across[:, 1]})
        found = history.bodies(wanted, {days[j] for j in across[:, 1]})
        present = [a for a in wanted if a in found]
        past = shingle_batch(pa.array([found[a] for a in present], pa.large_string()), config,
                             clean=clean, pool=pool)
        del found
        position = {a: n for n, a in enumerate(present)}
        for i, j in across:
            if ids[j] not in position:
                continue
            a, b = shares(shingled.doc(at[i]), past.doc(position[ids[j]]))
            if kept(a, b, min(signed.words[i], past.words[position[ids[j]]])):
                edges.append(Edge(max(a, b), int(i), ("h", int(j)), a, b))
    edges.sort(key=lambda e: (-e.score, e.i, e.other))
    return Edges(edges, history_docs)
