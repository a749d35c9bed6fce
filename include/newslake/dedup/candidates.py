"""Candidate pairs from LSH band keys and sentence anchors (sorted key runs), verified by
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

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newslake.dedup.anchors import SHORT_SHINGLES, take_ragged
from newslake.dedup.config import DedupConfig
from newslake.dedup.history import History, search_sorted
from newslake.dedup.parallel import ChunkPool
from newslake.dedup.shingles import Shingled, Signed, overlaps, shingle_batch


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


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order sorting ``keys`` and the start and length of each run of equal keys in it."""
    order = np.argsort(keys)
    ordered = keys[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])
                            if ordered.size else ordered[:0] > 0)
    return order, starts, np.diff(np.append(starts, ordered.size))


def _ragged(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``starts[k] + 0 .. counts[k] - 1`` for every k, concatenated."""
    total = int(counts.sum())
    first = np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + (np.arange(total) - first)


def _distinct_pairs(i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Sorted distinct ``(i, j)`` rows."""
    if not i.size:
        return np.empty((0, 2), np.int64)
    span = np.int64(j.max()) + 1
    code = np.unique(i.astype(np.int64) * span + j.astype(np.int64))
    return np.stack([code // span, code % span], axis=1)


def _key_pairs(batch: tuple[np.ndarray, np.ndarray], history: tuple[np.ndarray, np.ndarray],
               max_bucket: int, short: tuple[np.ndarray, np.ndarray] | None = None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of batch rows ``(keys, docs)`` and of batch and ``history`` rows sharing a key
    that at most ``max_bucket`` rows of both hold: ``(i, j)`` batch docs with i < j, and
    ``(i, history doc)``, sorted and distinct. With ``short`` (per batch doc, per history
    doc), only pairs where one page is short."""
    keys, docs = batch
    order, starts, sizes = _runs(keys)
    ordered, owner = keys[order], docs[order].astype(np.int64)
    run_keys = ordered[starts]
    past = np.sort(history[0])
    held = sizes + (np.searchsorted(past, run_keys, "right")
                    - np.searchsorted(past, run_keys, "left"))
    cold = held <= max_bucket
    chosen = cold & (sizes > 1)
    first, length = starts[chosen], sizes[chosen]
    left, right = [], []
    for gap in range(1, int(length.max()) + 1 if length.size else 0):
        more = length > gap  # runs holding rows ``gap`` apart
        at = _ragged(first[more], length[more] - gap)
        a, b = owner[at], owner[at + gap]
        left.append(np.minimum(a, b))
        right.append(np.maximum(a, b))
    i = np.concatenate(left) if left else np.empty(0, np.int64)
    j = np.concatenate(right) if right else np.empty(0, np.int64)
    keep = i < j
    if short is not None:
        keep &= short[0][i] | short[0][j]
    within = _distinct_pairs(i[keep], j[keep])
    run = np.minimum(search_sorted(run_keys, history[0]), max(run_keys.size - 1, 0))
    found = ((run_keys[run] == history[0]) & cold[run] if run_keys.size
             else np.zeros(run.size, dtype=bool))
    run, past_doc = run[found], history[1][found].astype(np.int64)
    at = _ragged(starts[run], sizes[run])
    i, j = owner[at], np.repeat(past_doc, sizes[run])
    if short is not None:
        keep = short[0][i] | short[1][j]
        i, j = i[keep], j[keep]
    return within, _distinct_pairs(i, j)


def candidate_pairs(keys: np.ndarray, eligible: np.ndarray, history: pa.Table,
                    config: DedupConfig, anchors: tuple[pa.Table, pa.Table] | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Pairs sharing at least one band key: ``(batch_i, batch_j)`` with i < j, and
    ``(batch_i, history doc)`` from ``history`` rows ``(key, doc)``. With ``anchors``
    (batch and history rows ``(key, doc, short)``), also pairs sharing an anchor key where
    one page is short. Buckets holding more than ``max_bucket`` articles are skipped."""
    docs = np.flatnonzero(eligible)
    batch = (keys[docs].ravel(), np.repeat(docs, keys.shape[1]))
    past = (history["key"].to_numpy(), history["doc"].to_numpy())
    within, across = _key_pairs(batch, past, config.max_bucket)
    if anchors is not None and len(anchors[0]):
        ours, theirs = anchors
        short = []
        for table in (ours, theirs):
            doc = table["doc"].to_numpy()
            flag = np.zeros(int(doc.max()) + 1 if doc.size else 0, dtype=bool)
            flag[doc] = table["short"].to_numpy(zero_copy_only=False)
            short.append(flag)
        more = _key_pairs((ours["key"].to_numpy(), ours["doc"].to_numpy()),
                          (theirs["key"].to_numpy(), theirs["doc"].to_numpy()),
                          config.max_bucket, (short[0], short[1]))
        within = np.unique(np.concatenate([within, more[0]]), axis=0)
        across = np.unique(np.concatenate([across, more[1]]), axis=0)
    return within, across


def _anchor_rows(signed: Signed, eligible: np.ndarray) -> pa.Table:
    """``(key, doc, short)`` rows of the anchors of the ``eligible`` batch documents."""
    docs = np.flatnonzero(eligible)
    values, offsets = take_ragged(signed.anchor_keys, signed.anchor_offsets, docs)
    owner = np.repeat(docs, np.diff(offsets))
    return pa.table({"key": values, "doc": owner.astype(np.int32),
                     "short": signed.n_shingles[owner] < SHORT_SHINGLES})


def _edges(a: Shingled, a_docs: np.ndarray, b: Shingled, b_docs: np.ndarray,
           pairs: np.ndarray, i_words: np.ndarray, j_words: np.ndarray, kind: str,
           config: DedupConfig, pool: ChunkPool | None = None) -> list[Edge]:
    """Edges of the candidate ``pairs`` (i, j) whose containment counts: at least
    ``link_floor``, or ``contained`` when a page is shorter than ``min_words`` (such a pair
    is only ever a containment). Document ``a_docs[k]`` of ``a`` is i, ``b_docs[k]`` of
    ``b`` is j."""
    if not len(pairs):
        return []
    common = overlaps(a, a_docs, b, b_docs, pool=pool)
    size_a, size_b = a.sizes()[a_docs], b.sizes()[b_docs]
    empty = (size_a == 0) | (size_b == 0)
    share_i = np.where(empty, 0.0, common / np.maximum(size_a, 1))
    share_j = np.where(empty, 0.0, common / np.maximum(size_b, 1))
    words = np.minimum(i_words[pairs[:, 0]], j_words[pairs[:, 1]])
    need = np.where(words >= config.min_words, config.link_floor, config.contained)
    kept = np.flatnonzero(np.maximum(share_i, share_j) >= need)
    return [Edge(max(x, y), int(i), (kind, int(j)), x, y) for i, j, x, y in zip(
        pairs[kept, 0].tolist(), pairs[kept, 1].tolist(), share_i[kept].tolist(),
        share_j[kept].tolist(), strict=True)]


def verified_edges(bodies: pa.ChunkedArray, order: np.ndarray, signed: Signed,
                   keys: np.ndarray, history: History, config: DedupConfig,
                   clean: Callable[[pa.Array], pa.Array], pool: ChunkPool | None = None
                   ) -> Edges:
    """Candidate pairs whose exact containment reaches ``config.link_floor``. Batch document
    ``i`` is ``bodies[order[i]]``; batch and history bodies are compared on ``clean(body)``
    (their article text); ``pool`` shingles them in worker threads."""
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
    shingled = shingle_batch(bodies, config, clean=clean, pool=pool, rows=order[needed])
    at = np.full(len(order), -1, np.int64)
    at[needed] = np.arange(needed.size)
    edges = _edges(shingled, at[within[:, 0]], shingled, at[within[:, 1]], within,
                   signed.words, signed.words, "b", config, pool)
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
        row = np.array([position.get(ids[j], -1) for j in range(len(ids))], np.int64)
        across = across[row[across[:, 1]] >= 0]
        words = np.zeros(len(ids), np.int64)
        words[row >= 0] = past.words[row[row >= 0]]
        edges += _edges(shingled, at[across[:, 0]], past, row[across[:, 1]], across,
                        signed.words, words, "h", config, pool)
    edges.sort(key=lambda e: (-e.score, e.i, e.other))
    return Edges(edges, history_docs)
