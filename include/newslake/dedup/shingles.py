"""Body text to word shingles, MinHash signatures and LSH band keys, a batch at a time.

Tokenising runs in Arrow (NFKC, curly quotes made straight, lower case, split on white
space, punctuation trimmed from both ends of a token; CJK characters are one token each);
only the batch's distinct tokens are hashed in Python (xxh3). Signatures use one-permutation
hashing with rotation densification: one hash per shingle picks a bin and the minimum per bin
is kept, so the cost does not grow with ``num_perm``. Deterministic across processes and
machines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash

from newslake.dedup.anchors import sentence_anchors, take_ragged
from newslake.dedup.config import DedupConfig
from newslake.dedup.parallel import ChunkPool

_CJK = r"([\p{Han}\p{Hiragana}\p{Katakana}])"
_PUNCT = (
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\u00a1\u00ab\u00b7\u00bb\u00bf\u2010\u2011\u2012"
    "\u2013\u2014\u2015\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u2022\u2026\u2039"
    "\u203a\u3001\u3002\u300c\u300d\u300e\u300f\u3010\u3011\uff01\uff08\uff09\uff0c"
    "\uff0e\uff1a\uff1b\uff1f"
)
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u201c": '"', "\u201d": '"',
           "\u201e": '"'}
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)
_EMPTY = np.uint32(0xFFFFFFFF)
CHUNK_DOCS = 1000
_SENTENCE_END = "[.!?\u2026\u3002\uff01\uff1f][\"')\\]\u201d\u2019]*$"


@dataclass
class Shingled:
    """Sorted unique 32-bit shingle ids of each document, concatenated (``ids[offsets[i]:
    offsets[i + 1]]``), with each document's word count and its OPH signature rows."""

    ids: np.ndarray
    offsets: np.ndarray
    words: np.ndarray
    signatures: np.ndarray  # (docs, num_perm) uint32
    rows: np.ndarray | None = None  # document i is row rows[i] of ids/offsets (None: itself)
    anchors: tuple[np.ndarray, np.ndarray] | None = None  # sentence anchors (keys, offsets)

    def doc(self, i: int) -> np.ndarray:
        """Shingle ids of document ``i``."""
        row = i if self.rows is None else int(self.rows[i])
        return self.ids[self.offsets[row] : self.offsets[row + 1]]

    def sizes(self) -> np.ndarray:
        """Distinct shingles per document."""
        sizes = np.diff(self.offsets)
        return sizes if self.rows is None else sizes[self.rows]

    def select(self, rows: np.ndarray) -> Shingled:
        """The documents ``rows`` (in that order), sharing the shingle storage."""
        rows = np.asarray(rows, dtype=np.int64)
        base = rows if self.rows is None else self.rows[rows]
        return Shingled(self.ids, self.offsets, self.words[rows], self.signatures[rows], base)


def _finalize(values: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(31))
        values = values * _MIX2
        return values ^ (values >> np.uint64(29))


def _has_unit_separators(text: pa.Array) -> bool:
    """Whether ASCII ``text`` (large strings) holds a byte 0x1C-0x1F: Unicode white space,
    which the ASCII split kernel keeps inside a token."""
    data = text.buffers()[2]
    if not len(text) or data is None:
        return False
    offsets = np.frombuffer(text.buffers()[1], np.int64)[text.offset : text.offset + len(text) + 1]
    chars = np.frombuffer(data, np.uint8)[int(offsets[0]) : int(offsets[-1])]
    return bool(((chars - np.uint8(0x1C)) < 4).any())


def tokens_of(bodies: Sequence[str | None] | pa.Array) -> tuple[list[str], np.ndarray]:
    """Distinct tokens of a batch and, per token occurrence, ``(doc, token index, ends)``
    arrays; ``ends`` is 1 where the occurrence closes a sentence (it ended in ``.``, ``!``,
    ``?`` or ``…`` before punctuation was trimmed)."""
    text = pa.array(bodies, pa.large_string()) if not isinstance(bodies, pa.Array) else bodies
    text = pc.fill_null(text.cast(pa.large_string()), "")
    wide = pc.invert(pc.string_is_ascii(text))
    wide_any = bool(pc.any(wide).as_py())
    if wide_any:
        sub = pc.utf8_normalize(text.filter(wide), "NFKC")
        for curly, straight in _QUOTES.items():
            sub = pc.replace_substring(sub, curly, straight)
        sub = pc.replace_substring_regex(sub, pattern=_CJK, replacement=r" \1 ")
        text = pc.replace_with_mask(text, wide, sub)
    if wide_any or _has_unit_separators(text):
        # pyarrow's utf8_split_whitespace mis-splits a trailing run of white space (an
        # extra token, at times not even empty): trimmed away first
        lists = pc.utf8_split_whitespace(pc.utf8_rtrim_whitespace(pc.utf8_lower(text)))
    else:  # the same tokens, by the faster ASCII kernels
        # (utf8_lower: pyarrow's ascii_lower breaks an array whose offsets do not start at 0)
        lists = pc.ascii_split_whitespace(pc.utf8_lower(text))
    raw = pc.dictionary_encode(pc.list_flatten(lists))  # trimmed per distinct raw token only
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks()
    trimmed = pc.utf8_trim(raw.dictionary, characters=_PUNCT)
    closes = pc.match_substring_regex(raw.dictionary, _SENTENCE_END).to_numpy(
        zero_copy_only=False)
    encoded = pc.dictionary_encode(trimmed)
    token_of_raw = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    kept_raw = pc.greater(pc.binary_length(trimmed), 0).to_numpy(zero_copy_only=False)
    raw_index = raw.indices.to_numpy(zero_copy_only=False)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False).astype(np.int64)
    keep = kept_raw[raw_index]
    ends = closes[raw_index]
    dropped_end = np.flatnonzero(ends & ~keep)  # "word ." : the sentence ends at "word"
    ends = ends[keep].astype(np.int64)
    if dropped_end.size:
        before = np.cumsum(keep)[dropped_end] - 1
        valid = before >= 0
        ends[before[valid]] = 1
    return (
        encoded.dictionary.to_pylist(),
        np.stack([parents[keep], token_of_raw[raw_index[keep]], ends]),
    )


def tokens(text: str) -> list[str]:
    """The word tokens of one text, as shingling sees them."""
    vocab, occurrences = tokens_of([text])
    return [vocab[i] for i in occurrences[1]]


def _oph(values: np.ndarray, doc: np.ndarray, docs: int, config: DedupConfig) -> np.ndarray:
    seed = np.uint64(config.seed) * _MIX2
    mixed = _finalize(values ^ seed)
    bins = (mixed % np.uint64(config.num_perm)).astype(np.int64)
    sig = np.full(docs * config.num_perm, _EMPTY, dtype=np.uint32)
    np.minimum.at(sig, doc * config.num_perm + bins, (mixed >> np.uint64(32)).astype(np.uint32))
    sig = sig.reshape(docs, config.num_perm)
    empty = sig == _EMPTY
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    if rows.size:  # rotation densification: borrow the next filled bin, salted by distance
        width = config.num_perm
        holes = empty[rows]
        position = np.arange(width)
        # next filled bin at or after each bin (cyclic): a running minimum from the right
        ahead = np.where(holes, 2 * width, position)
        ahead = np.minimum.accumulate(ahead[:, ::-1], axis=1)[:, ::-1]
        ahead = np.where(ahead >= 2 * width, ahead[:, :1] + width, ahead)
        source = ahead % width
        distance = (ahead - position) % width
        part = sig[rows]
        with np.errstate(over="ignore"):
            salted = (np.take_along_axis(part, source, axis=1).astype(np.uint64)
                      + distance.astype(np.uint64) * _MIX)
            salted = _finalize(salted[holes])
        part[holes] = (salted >> np.uint64(32)).astype(np.uint32)
        sig[rows] = part
    return sig


def _chunk(bodies: pa.Array, config: DedupConfig, anchors: bool = False) -> Shingled:
    vocab, (doc, token, ends) = tokens_of(bodies)
    docs = len(bodies)
    digest = xxhash.xxh3_64_intdigest
    hashed = np.fromiter((digest(t.encode()) for t in vocab), dtype=np.uint64, count=len(vocab))
    ids = hashed[token]
    words = np.bincount(doc, minlength=docs).astype(np.int64)
    size = config.shingle_size
    starts = np.concatenate([[0], np.cumsum(words)[:-1]])
    span = max(0, ids.size - size + 1)
    acc = np.zeros(span, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            acc = acc * _MIX + ids[offset : offset + span]
    valid = doc[:span] == doc[size - 1 : size - 1 + span] if span else np.zeros(0, bool)
    sh_doc, sh_val = doc[:span][valid], _finalize(acc[valid])
    short = np.flatnonzero((words > 0) & (words < size))
    if short.size:  # a body shorter than one shingle is one shingle of all its words
        extra = []
        for d in short:
            value = np.uint64(0)
            with np.errstate(over="ignore"):
                for t in ids[starts[d] : starts[d] + words[d]]:
                    value = value * _MIX + t
            extra.append(value)
        sh_doc = np.concatenate([sh_doc, short])
        sh_val = np.concatenate([sh_val, _finalize(np.array(extra, dtype=np.uint64))])
    sig = _oph(sh_val, sh_doc, docs, config)
    composite = (sh_doc.astype(np.uint64) << np.uint64(32)) | (sh_val >> np.uint64(32))
    composite.sort()
    first = np.ones(composite.size, dtype=bool)
    first[1:] = composite[1:] != composite[:-1]
    composite = composite[first]
    ids = (composite & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    counts = np.bincount((composite >> np.uint64(32)).astype(np.int64), minlength=docs)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    found = sentence_anchors(hashed[token], doc, ends, counts) if anchors else None
    return Shingled(ids, offsets.astype(np.int64), words, sig, anchors=found)


def _pieces(bodies: pa.Array | pa.ChunkedArray, rows: np.ndarray | None = None
            ) -> Iterator[pa.Array]:
    """:data:`CHUNK_DOCS` bodies (of ``rows``, if given) at a time: one chunk's bodies are
    copied, never the column."""
    for start in range(0, len(bodies) if rows is None else len(rows), CHUNK_DOCS):
        if rows is None:
            piece = bodies.slice(start, CHUNK_DOCS)
        elif isinstance(bodies, pa.ChunkedArray):
            piece = take_rows(bodies, rows[start : start + CHUNK_DOCS])
        else:
            piece = bodies.take(pa.array(rows[start : start + CHUNK_DOCS], pa.int64()))
        yield piece.combine_chunks() if isinstance(piece, pa.ChunkedArray) else piece


def _shingle_piece(piece: pa.Array, config: DedupConfig,
                   clean: Callable[[pa.Array], pa.Array] | None = None) -> Shingled:
    return _chunk(clean(piece) if clean is not None else piece, config)


def shingle_batch(bodies: Sequence[str | None] | pa.Array, config: DedupConfig,
                  clean: Callable[[pa.Array], pa.Array] | None = None,
                  pool: ChunkPool | None = None, rows: np.ndarray | None = None) -> Shingled:
    """Shingle ids, word counts and signatures of every body (of ``bodies[rows]`` with
    ``rows``), in chunks to bound memory; ``clean`` maps a chunk of bodies to the text to
    shingle; ``pool`` runs chunks in worker threads."""
    array = (bodies if isinstance(bodies, pa.Array | pa.ChunkedArray)
             else pa.array(bodies, pa.large_string()))
    pool = pool or ChunkPool(0)
    parts = list(pool.map(_shingle_piece, _pieces(array, rows), config=config, clean=clean))
    if not parts:
        return Shingled(np.empty(0, np.uint32), np.zeros(1, np.int64), np.empty(0, np.int64),
                        np.empty((0, config.num_perm), np.uint32))
    offsets, base = [np.zeros(1, np.int64)], 0
    for part in parts:
        offsets.append(part.offsets[1:] + base)
        base += int(part.offsets[-1])
    words = np.concatenate([p.words for p in parts])
    signatures = np.concatenate([p.signatures for p in parts])
    ids = np.empty(base, dtype=np.uint32)
    position = 0
    while parts:  # copy part by part, freeing each, so the ids are never held twice
        part = parts.pop(0)
        ids[position : position + part.ids.size] = part.ids
        position += part.ids.size
    return Shingled(ids, np.concatenate(offsets), words, signatures)


@dataclass
class Signed:
    """Per document: word count, distinct shingle count, OPH signature and sentence anchors
    (:mod:`newslake.dedup.anchors`; document ``d`` has ``anchor_keys[anchor_offsets[d]:
    anchor_offsets[d + 1]]``); no shingle ids."""

    words: np.ndarray
    n_shingles: np.ndarray
    signatures: np.ndarray  # (docs, num_perm) uint32
    anchor_keys: np.ndarray  # int64, concatenated
    anchor_offsets: np.ndarray  # (docs + 1,) int64

    def select(self, rows: np.ndarray) -> Signed:
        """The documents ``rows``, in that order."""
        rows = np.asarray(rows, dtype=np.int64)
        keys, offsets = take_ragged(self.anchor_keys, self.anchor_offsets, rows)
        return Signed(self.words[rows], self.n_shingles[rows], self.signatures[rows], keys,
                      offsets)

    def anchors(self, doc: int) -> np.ndarray:
        """Anchor keys of document ``doc``."""
        return self.anchor_keys[self.anchor_offsets[doc] : self.anchor_offsets[doc + 1]]


def _sign_piece(piece: pa.Array, config: DedupConfig,
                clean: Callable[[pa.Array], pa.Array] | None = None) -> tuple[np.ndarray, ...]:
    """Word counts, shingle counts, signatures, anchor keys and anchor counts of a chunk."""
    part = _chunk(clean(piece) if clean is not None else piece, config, anchors=True)
    return (part.words, np.diff(part.offsets), part.signatures, part.anchors[0],
            np.diff(part.anchors[1]))


def sign_batch(bodies: pa.Array | pa.ChunkedArray, config: DedupConfig,
               clean: Callable[[pa.Array], pa.Array] | None = None,
               pool: ChunkPool | None = None) -> Signed:
    """Signatures and anchors of every body, :data:`CHUNK_DOCS` at a time; shingle ids are
    dropped after each chunk, so memory holds the signatures plus one chunk's working set
    (per worker). ``clean`` maps a chunk of bodies to the text to sign (its article text);
    ``pool`` runs chunks in worker threads; the result does not depend on it."""
    pool = pool or ChunkPool(0)
    words, sizes, signatures, keys, lengths = [], [], [], [], []
    for part in pool.map(_sign_piece, _pieces(bodies), config=config, clean=clean):
        for out, value in zip((words, sizes, signatures, keys, lengths), part, strict=True):
            out.append(value)
    if not words:
        return Signed(np.empty(0, np.int64), np.empty(0, np.int64),
                      np.empty((0, config.num_perm), np.uint32), np.empty(0, np.int64),
                      np.zeros(1, np.int64))
    offsets = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
    return Signed(np.concatenate(words), np.concatenate(sizes), np.concatenate(signatures),
                  np.concatenate(keys), offsets)


def band_keys(signatures: np.ndarray, config: DedupConfig) -> np.ndarray:
    """One int64 key per LSH band and document: equal keys mean the band's ``rows`` agree."""
    used = signatures[:, : config.bands * config.rows].astype(np.uint64)
    used = used.reshape(len(signatures), config.bands, config.rows)
    with np.errstate(over="ignore"):
        acc = np.broadcast_to(
            np.arange(1, config.bands + 1, dtype=np.uint64) * _MIX2, used.shape[:2]
        ).copy()
        for column in range(config.rows):
            acc = (acc ^ used[:, :, column]) * _MIX
        return _finalize(acc).view(np.int64)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller shingle set found in the other (1.0 for identical sets)."""
    if a.size == 0 or b.size == 0:
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / min(a.size, b.size)


def overlaps(a: Shingled, a_docs: np.ndarray, b: Shingled, b_docs: np.ndarray,
             pairs_per_step: int = 1024, pool: ChunkPool | None = None) -> np.ndarray:
    """Shingles common to document ``a_docs[k]`` of ``a`` and ``b_docs[k]`` of ``b``, for
    every k. A step of pairs tags each shingle id with its pair (``pair << 32 | id``): both
    sides are then sorted runs, merged by one stable sort; equal neighbours are common.
    ``pool`` runs the steps in worker threads."""
    common = np.zeros(len(a_docs), dtype=np.int64)
    a_rows = np.asarray(a_docs, np.int64) if a.rows is None else a.rows[a_docs]
    b_rows = np.asarray(b_docs, np.int64) if b.rows is None else b.rows[b_docs]

    def step(start: int) -> np.ndarray:
        tagged = []
        for shingled, rows in ((a, a_rows), (b, b_rows)):
            values, offsets = take_ragged(shingled.ids, shingled.offsets,
                                          rows[start : start + pairs_per_step])
            pair = np.repeat(np.arange(len(offsets) - 1, dtype=np.uint64), np.diff(offsets))
            tagged.append((pair << np.uint64(32)) | values.astype(np.uint64))
        merged = np.sort(np.concatenate(tagged), kind="stable")
        same = merged[1:][merged[1:] == merged[:-1]]
        return np.bincount((same >> np.uint64(32)).astype(np.int64),
                           minlength=min(pairs_per_step, len(a_docs) - start))

    starts = range(0, len(a_docs), pairs_per_step)
    for start, found in zip(starts, (pool or ChunkPool(0)).map(step, starts), strict=True):
        common[start : start + found.size] = found
    return common


def take_rows(column: pa.ChunkedArray, rows: np.ndarray) -> pa.ChunkedArray:
    """``column.take(rows)`` chunk by chunk (Arrow's take concatenates a chunked string
    column first: a copy of every body)."""
    rows = np.asarray(rows, dtype=np.int64)
    bounds = np.cumsum([0, *(len(c) for c in column.chunks)])
    chunk = np.searchsorted(bounds, rows, "right") - 1
    cuts = np.flatnonzero(np.diff(chunk)) + 1
    pieces = [column.chunk(int(chunk[run[0]])).take(pa.array(rows[run] - bounds[chunk[run[0]]]))
              for run in np.split(np.arange(rows.size), cuts) if run.size]
    return pa.chunked_array(pieces, type=column.type)


def shares(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Share of ``a``'s shingles found in ``b`` and of ``b``'s found in ``a``."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / a.size, common / b.size
