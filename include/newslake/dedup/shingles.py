"""Body text to word shingles, MinHash signatures and LSH band keys (numpy, deterministic)."""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import numpy as np
import xxhash

from newslake.dedup.config import DedupConfig

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+")
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xBF58476D1CE4E5B9)
_MASK64 = (1 << 64) - 1


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of ``text``; CJK ideographs count one token each.

    Entities, Unicode forms, quotes, punctuation and whitespace do not matter.
    """
    text = unicodedata.normalize("NFKC", html.unescape(text or "")).casefold()
    return _TOKEN.findall(text)


def _finalize(values: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(31))
        values = values * _MIX2
        return values ^ (values >> np.uint64(29))


def shingle_hashes(words: list[str], size: int) -> np.ndarray:
    """Sorted unique 64-bit hashes of the ``size``-word shingles of ``words``."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    digest = xxhash.xxh3_64_intdigest
    ids = np.fromiter((digest(w.encode()) for w in words), dtype=np.uint64, count=len(words))
    if len(words) < size:
        size = len(words)
    span = len(words) - size + 1
    acc = np.zeros(span, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(size):
            acc = acc * _MIX + ids[offset : offset + span]
    return np.unique(_finalize(acc))


@lru_cache(maxsize=16)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.Generator(np.random.PCG64(seed))
    a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
    return a, b


def minhash(hashes: np.ndarray, config: DedupConfig) -> np.ndarray:
    """MinHash signature (``num_perm`` uint32) of a set of shingle hashes.

    Permutations are multiply-add hashes modulo 2**64 keeping the high 32 bits.
    """
    a, b = _permutations(config.num_perm, config.seed)
    if hashes.size == 0:
        return np.full(config.num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    out = np.empty(config.num_perm, dtype=np.uint32)
    chunk = max(1, 262144 // max(1, hashes.size))
    with np.errstate(over="ignore"):
        for start in range(0, config.num_perm, chunk):
            stop = min(config.num_perm, start + chunk)
            values = hashes[:, None] * a[None, start:stop] + b[None, start:stop]
            out[start:stop] = (values.min(axis=0) >> np.uint64(32)).astype(np.uint32)
    return out


def band_keys(signature: np.ndarray, config: DedupConfig) -> np.ndarray:
    """One int64 key per LSH band: equal keys mean the band's ``rows`` values all agree."""
    used = signature[: config.bands * config.rows].astype(np.uint64).reshape(
        config.bands, config.rows
    )
    with np.errstate(over="ignore"):
        acc = np.arange(1, config.bands + 1, dtype=np.uint64) * _MIX2
        for column in range(config.rows):
            acc = (acc ^ used[:, column]) * _MIX
        return _finalize(acc).view(np.int64)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller shingle set found in the other (1.0 for identical sets)."""
    if a.size == 0 or b.size == 0:
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / min(a.size, b.size)
