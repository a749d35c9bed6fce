"""Tokens, shingle sets and signatures."""

from __future__ import annotations

import numpy as np
from dedup_rows import random_body
from newslake.dedup import DedupConfig
from newslake.dedup.shingles import band_keys, containment, shingle_batch, tokens

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
