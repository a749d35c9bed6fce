"""Tokens, shingle sets and signatures."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from dedup_rows import random_body
from newslake.dedup import DedupConfig
from newslake.dedup import shingles as shingles_module
from newslake.dedup.parallel import ChunkPool
from newslake.dedup.shingles import band_keys, containment, shingle_batch, tokens, tokens_of

CONFIG = DedupConfig()


def test_tokens_ignore_case_quotes_punctuation_and_unicode_forms():
    a = tokens("“Don’t panic,” said the U.S. envoy — twice.")
    b = tokens('"DON\'T PANIC", said  the u.s. envoy -- twice')
    assert a == b == ["don't", "panic", "said", "the", "u.s", "envoy", "twice"]
    assert tokens("ﬁnance") == ["finance"]
    assert tokens("東京タワー") == ["東", "京", "タ", "ワ", "ー"]


def test_containment_and_signatures_of_a_truncated_padded_copy():
    body = random_body(11, 800)
    copy = "Advertisement. " + " ".join(body.split()[:400]) + " Read more at the source."
    other = random_body(12, 800)
    shingled = shingle_batch([body, copy, other, None, "one two"], CONFIG)
    assert list(shingled.words) == [800, 406, 800, 0, 2]
    assert containment(shingled.doc(0), shingled.doc(1)) > 0.95
    assert containment(shingled.doc(0), shingled.doc(2)) < 0.02
    assert shingled.doc(3).size == 0 and shingled.doc(4).size == 1
    sig = shingled.signatures
    jaccard = 396 / (796 + 402 - 396)
    assert abs(np.mean(sig[0] == sig[1]) - jaccard) < 0.15
    assert np.mean(sig[0] == sig[2]) < 0.05
    keys = band_keys(sig, CONFIG)
    assert keys.shape == (5, CONFIG.bands)
    assert np.intersect1d(keys[0], keys[1]).size > 0
    assert np.intersect1d(keys[0], keys[2]).size == 0


def test_signatures_do_not_depend_on_batch_composition():
    bodies = [random_body(n, 350) for n in range(5)]
    alone = shingle_batch(bodies[2:3], CONFIG)
    together = shingle_batch(bodies, CONFIG)
    assert np.array_equal(alone.signatures[0], together.signatures[2])
    assert np.array_equal(alone.doc(0), together.doc(2))


def test_signatures_are_the_persisted_scheme():
    """Signatures are stored in the lake's index: computing them another way must give the
    same values (short texts leave bins empty, so densification is covered)."""
    import hashlib

    texts = [random_body(n, words) for n, words in ((1, 20), (2, 90), (3, 400), (4, 3))]
    signatures = shingle_batch(texts, CONFIG).signatures
    assert hashlib.sha1(signatures.tobytes()).hexdigest() == (
        "98dac9b04cf50e480f453efbdc1a21d02ba04db5")


def test_overlaps_count_the_shingles_each_pair_shares():
    import pyarrow as pa
    from newslake.dedup.shingles import overlaps, shares, take_rows

    base = [random_body(n, 60 + 40 * n) for n in range(8)]
    bodies = base + [" ".join(b.split()[10:200]) for b in base[2:6]] + ["", "one two"]
    batch = shingle_batch(bodies, CONFIG)
    other = shingle_batch(bodies[::-1], CONFIG).select(np.arange(len(bodies))[::2])
    rng = np.random.default_rng(5)
    a = rng.integers(0, len(bodies), 300)
    b = rng.integers(0, len(other.words), 300)
    common = overlaps(batch, a, other, b, pairs_per_step=7)
    with ChunkPool(3) as pool:
        assert np.array_equal(overlaps(batch, a, other, b, pairs_per_step=7, pool=pool), common)
    for k in range(300):
        x, y = batch.doc(a[k]), other.doc(b[k])
        assert common[k] == np.intersect1d(x, y).size
        if x.size and y.size:
            assert shares(x, y) == (common[k] / x.size, common[k] / y.size)
    column = pa.chunked_array([bodies[:3], bodies[3:4], bodies[4:]], pa.large_string())
    rows = np.array([13, 0, 1, 5, 4, 3, 12])
    assert take_rows(column, rows).to_pylist() == [bodies[r] for r in rows]


def test_shingling_selected_rows_matches_shingling_them_alone():
    import pyarrow as pa

    bodies = [random_body(n, 30 + 20 * n) for n in range(9)]
    column = pa.chunked_array([bodies[:4], bodies[4:]], pa.large_string())
    rows = np.array([7, 1, 4, 8])
    chosen = shingle_batch(column, CONFIG, rows=rows)
    alone = shingle_batch([bodies[r] for r in rows], CONFIG)
    for name in ("ids", "offsets", "words", "signatures"):
        assert np.array_equal(getattr(chosen, name), getattr(alone, name)), name


def _occurrences(bodies) -> tuple[list[int], list[str], list[int]]:
    """Document, token and sentence end of every token occurrence."""
    vocab, (doc, token, ends) = tokens_of(bodies)
    return doc.tolist(), [vocab[t] for t in token], ends.tolist()


def test_ascii_bodies_tokenise_as_the_unicode_path_does(monkeypatch):
    rng = np.random.default_rng(5)
    alphabet = np.array([chr(c) for c in range(128)] + ["word", "Word.", "(AP)", " ", "\n"] * 8)
    bodies = ["".join(rng.choice(alphabet, int(rng.integers(0, 400)))) for _ in range(300)]
    plain = [b.translate({c: " " for c in range(0x1C, 0x20)}) for b in bodies]
    separated = ["a\x1cb c\x1fd. E", "", None, "  lead and trail  "]
    assert not shingles_module._has_unit_separators(pa.array(plain, pa.large_string()))
    assert shingles_module._has_unit_separators(pa.array(separated, pa.large_string()))
    # a slice of a chunk: its offsets do not start at 0
    sliced = pa.array(["x" * 50, *plain], pa.large_string()).slice(1)
    batches = (bodies, plain, separated, sliced)
    fast = [_occurrences(batch) for batch in batches]
    monkeypatch.setattr(pc, "ascii_split_whitespace", pc.utf8_split_whitespace)  # Unicode only
    assert fast == [_occurrences(batch) for batch in batches]
    assert tokens("a\x1cb c\x1fd. E") == ["a", "b", "c", "d", "e"]


def test_trailing_white_space_adds_no_token():
    for text in ("Ünïcode words end here.", "plain ascii words end here.", "東京 words"):
        bare = _occurrences([text] * 50)
        for tail in (" ", "  ", "\n\n", " \t \n", "\u00a0 \u2003"):
            assert _occurrences([text + tail] * 50) == bare, repr(tail)
