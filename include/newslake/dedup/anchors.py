"""Sentence anchors: candidate keys that find a short page inside a longer one.

MinHash bands pair two pages when their shingle sets are similar as wholes, so a short page
(a stub, one entry of a live thread) lying inside a page many times its length is never
paired: its Jaccard similarity to the long page is its share of the long page's text. An
anchor is the hash of one sentence of the article text (a run of words closed by ``.``,
``!``, ``?``, cut every :data:`MAX_WORDS` words, at least :data:`MIN_WORDS` long); a page
whose text lies in another carries its sentences, so they share anchors.

A page with fewer than :data:`SHORT_SHINGLES` distinct shingles publishes every anchor;
a longer page publishes those of its first :data:`HEAD_SENTENCES` sentences and, beyond
them, the half whose key is non-negative (a fixed half of all sentences, the same on every
page): a short page of ``n`` sentences from the head is always found, one from further
down with probability ``1 - 2**-n``, at about half the index cost of every sentence. Anchor
keys pair two pages only when one of them is short (long pages pair by bands); every pair
is verified by exact containment, and a pair with a page under ``DedupConfig.min_words``
counts only when the shorter text lies in the other (``contained``).
"""

from __future__ import annotations

import numpy as np

MIN_WORDS = 8
"""Shorter sentences ("He said so.") are too common to anchor anything."""
MAX_WORDS = 40
"""Sentences are cut every this many words (text without sentence marks still anchors)."""
SHORT_SHINGLES = 300
"""Pages with fewer distinct shingles than this publish every anchor and pair through them."""
HEAD_SENTENCES = 12
"""A long page publishes every anchor of its first sentences (a stub is a story's lede, the
newest entry heads a live thread, a truncated copy keeps the head)."""

_SALT = np.uint64(0xA076_1D64_78BD_642F)
_POSITION = np.random.default_rng(0x5EED).integers(0, 2**63, MAX_WORDS, dtype=np.uint64) * 2 + 1
"""An odd multiplier per word position in a sentence: the key depends on word order."""
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)


def _finalize(values: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(31))
        values = values * _MIX2
        return values ^ (values >> np.uint64(29))


def sentence_anchors(ids: np.ndarray, doc: np.ndarray, ends: np.ndarray, sizes: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Anchor keys of a chunk of documents as ``(keys, offsets)``: document ``d`` has
    ``keys[offsets[d]:offsets[d + 1]]`` (sorted, distinct, int64). ``ids`` are the token
    hashes in document order, ``doc`` their document, ``ends`` 1 where a token closes a
    sentence, ``sizes`` each document's distinct shingle count."""
    docs = sizes.size
    n = ids.size
    if not n:
        return np.empty(0, np.int64), np.zeros(docs + 1, np.int64)
    opens = np.ones(n, dtype=bool)
    opens[1:] = (doc[1:] != doc[:-1]) | (ends[:-1] > 0)
    first = np.flatnonzero(opens)
    position = np.arange(n) - first[np.cumsum(opens) - 1]
    local = position % MAX_WORDS
    starts = np.flatnonzero(local == 0)
    lengths = np.diff(np.append(starts, n))
    with np.errstate(over="ignore"):  # token hashes are xxh3: an odd factor per position
        sums = np.add.reduceat(ids.astype(np.uint64) * _POSITION[local], starts)
        keys = _finalize(sums ^ _SALT ^ (lengths.astype(np.uint64) * _MIX2)).view(np.int64)
    owner = doc[starts]
    opening = np.ones(owner.size, dtype=bool)
    opening[1:] = owner[1:] != owner[:-1]
    rank = np.arange(owner.size) - np.flatnonzero(opening)[np.cumsum(opening) - 1]
    keep = lengths >= MIN_WORDS
    keys, owner, rank = keys[keep], owner[keep], rank[keep]
    keep = (sizes[owner] < SHORT_SHINGLES) | (keys >= 0) | (rank < HEAD_SENTENCES)
    keys, owner = keys[keep], owner[keep]
    order = np.lexsort((keys, owner))
    keys, owner = keys[order], owner[order]
    distinct = np.ones(keys.size, dtype=bool)
    distinct[1:] = (keys[1:] != keys[:-1]) | (owner[1:] != owner[:-1])
    keys, owner = keys[distinct], owner[distinct]
    offsets = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=docs))])
    return keys, offsets.astype(np.int64)


def take_ragged(values: np.ndarray, offsets: np.ndarray, rows: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """Rows ``rows`` (in that order) of a ragged ``(values, offsets)`` array."""
    rows = np.asarray(rows, dtype=np.int64)
    lengths = (offsets[1:] - offsets[:-1])[rows]
    out_offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    if not out_offsets[-1]:
        return values[:0], out_offsets
    starts = np.repeat(offsets[:-1][rows] - out_offsets[:-1], lengths)
    return values[starts + np.arange(out_offsets[-1])], out_offsets
