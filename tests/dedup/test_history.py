"""History read as a stream: key screening, scheme filtering, URLs, members; chunked signing."""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from dedup_rows import article, random_body
from newslake.dedup import DedupConfig, assign_stories
from newslake.dedup import shingles as shingles_module
from newslake.dedup.history import KeySet, load_history, search_sorted
from newslake.dedup.shingles import shingle_batch, sign_batch
from newslake.lake import publish_day, schema

pytestmark = pytest.mark.integration

CONFIG = DedupConfig()
DAY1, DAY2, DAY3 = date(2024, 3, 1), date(2024, 3, 2), date(2024, 3, 3)


def _publish_day(lake, day, rows):
    result = assign_stories(schema.conform("articles", rows), lake=lake, crawl_date=day,
                            config=CONFIG)
    publish_day(lake, day, {"articles": result.articles, "dedup_index": result.signatures},
                producer="test")
    return result


def test_key_set_agrees_with_exact_membership():
    rng = np.random.default_rng(3)
    members = rng.integers(-2**63, 2**63 - 1, size=50_000, dtype=np.int64)
    probes = np.concatenate([members[::7], rng.integers(-2**63, 2**63 - 1, size=200_000,
                                                        dtype=np.int64)])
    rng.shuffle(probes)
    assert np.array_equal(KeySet(members).contains(probes), np.isin(probes, members))
    assert not KeySet(np.empty(0, np.int64)).contains(probes).any()


def test_sorted_probes_find_what_plain_searchsorted_finds():
    rng = np.random.default_rng(5)
    haystack = np.sort(rng.integers(-1000, 1000, size=500))
    needles = rng.integers(-1100, 1100, size=3000)
    assert np.array_equal(search_sorted(haystack, needles), np.searchsorted(haystack, needles))
    assert np.array_equal(search_sorted(haystack, needles[:1]),
                          np.searchsorted(haystack, needles[:1]))
    assert search_sorted(haystack, needles[:0]).size == 0


def test_signing_in_chunks_matches_shingling_everything(monkeypatch):
    bodies = [random_body(n, 60 + 40 * n) for n in range(7)] + [None, "two words"]
    whole = shingle_batch(bodies, CONFIG)
    monkeypatch.setattr(shingles_module, "CHUNK_DOCS", 2)
    chunked = pa.chunked_array([pa.array(bodies[:3]), pa.array(bodies[3:])])
    signed = sign_batch(chunked, CONFIG)
    assert np.array_equal(signed.signatures, whole.signatures)
    assert np.array_equal(signed.words, whole.words)
    assert np.array_equal(signed.n_shingles, whole.sizes())
    picked = signed.select(np.array([4, 1]))
    assert np.array_equal(picked.signatures, whole.signatures[[4, 1]])


def test_matching_reads_only_rows_sharing_a_key_of_the_configured_scheme(lake, caplog):
    day1 = [article(f"https://a{n}.example/s", random_body(300 + n)) for n in range(4)]
    first = _publish_day(lake, DAY1, day1)
    other = DedupConfig(rows=1)
    result = assign_stories(schema.conform("articles", [
        article("https://b.example/s", random_body(300))]), lake=lake, crawl_date=DAY2,
        config=other)
    publish_day(lake, DAY2, {"articles": result.articles, "dedup_index": result.signatures},
                producer="test")
    history = load_history(lake, DAY3, CONFIG)
    keys = np.asarray(first.signatures["band_keys"][2].values)
    with caplog.at_level(logging.WARNING):
        pairs, docs = history.matching(keys)
    assert "another signature scheme" in caplog.text
    assert docs["article_id"].to_pylist() == [day1[2]["article_id"]]
    assert docs["crawl_date"].to_pylist() == [DAY1]
    assert set(pairs["doc"].to_pylist()) == {0}
    assert sorted(pairs["key"].to_pylist()) == sorted(set(keys.tolist()))
    empty_pairs, empty_docs = history.matching(np.array([12345], np.int64))
    assert empty_pairs.num_rows == 0 and empty_docs.num_rows == 0


def test_matching_finds_the_owner_of_a_key_after_rows_without_keys(lake):
    short = "Too short to sign."
    day1 = [article("https://a.example/1", short), article("https://a.example/2", random_body(400)),
            article("https://a.example/3", short), article("https://a.example/4", random_body(401))]
    first = _publish_day(lake, DAY1, day1)
    assert first.signatures["band_keys"].null_count == 2
    history = load_history(lake, DAY2, CONFIG)
    last = first.signatures.filter(pa.compute.equal(first.signatures["article_id"],
                                                    day1[3]["article_id"]))
    bands = np.asarray(last["band_keys"][0].values)
    anchors = np.asarray(last["anchor_keys"][0].values)
    pairs, anchored, docs = history.match_keys(bands, anchors)
    assert docs["article_id"].to_pylist() == [day1[3]["article_id"]]
    assert set(pairs["doc"].to_pylist()) == set(anchored["doc"].to_pylist()) == {0}
    assert sorted(anchored["key"].to_pylist()) == sorted(set(anchors.tolist()))


def test_known_urls_give_the_first_day_and_members_carry_claims(lake):
    body = random_body(500)
    _publish_day(lake, DAY1, [article("https://origin.example/s", body)])
    copy = article("https://copy.example/s", body + " Read more at origin.example.",
                   original_url="https://origin.example/s", original_signal="attribution")
    second = _publish_day(lake, DAY2, [copy])
    history = load_history(lake, DAY3, CONFIG)
    urls = ["https://origin.example/s", "https://copy.example/s", "https://new.example/s"]
    assert history.known_urls(urls) == [DAY1, DAY2, None]
    story = second.articles["story_id"][0].as_py()
    members = history.members([story])[story]
    assert [m["canonical_url"] for m in members] == urls[:2]  # by day
    assert [m["crawl_date"] for m in members] == [DAY1, DAY2]
    claimed = {m["canonical_url"]: m["original_url"] for m in members}
    assert claimed["https://copy.example/s"] == "https://origin.example/s"
    assert all(m["_history"] for m in members)
    assert history.bodies([copy["article_id"]], [DAY2]) == {copy["article_id"]: copy["body"]}
    assert history.bodies([copy["article_id"]], [DAY1]) == {}
