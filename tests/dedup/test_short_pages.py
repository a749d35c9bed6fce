"""Short pages (a stub, one entry of a live thread) join the story whose text holds them."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pyarrow as pa
import pytest
from dedup_rows import article, publish_result, story_of
from newslake.dedup import DedupConfig, assign_stories
from newslake.dedup.anchors import HEAD_SENTENCES, MAX_WORDS, MIN_WORDS, SHORT_SHINGLES
from newslake.dedup.shingles import sign_batch
from newslake.lake import read_table, schema

pytestmark = pytest.mark.integration

DAY = date(2024, 3, 1)
CONFIG = DedupConfig()
_VOCAB = [f"w{n}" for n in range(5000)]


def _sentences(seed: int, count: int, words: tuple[int, int] = (12, 20)) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(_VOCAB) for _ in range(rng.randint(*words))).capitalize() + "."
            for _ in range(count)]


def _paragraphs(sentences: list[str], per: int = 3) -> str:
    return "\n".join(" ".join(sentences[i : i + per]) for i in range(0, len(sentences), per))


STORY = _sentences(1, 36)  # about 570 words: a long page for the anchors
STUB = " ".join(STORY[:2])  # the lede alone, under min_words


def _run(rows, lake, day=DAY):
    return assign_stories(schema.conform("articles", rows), lake=lake, crawl_date=day,
                          config=CONFIG)


def test_the_fixture_stub_is_short_and_the_story_long():
    assert len(STUB.split()) < CONFIG.min_words
    assert sign_batch(pa.array([_paragraphs(STORY)], pa.large_string()),
                      CONFIG).n_shingles[0] >= SHORT_SHINGLES


def test_a_stub_under_min_words_joins_the_story_holding_it(lake):
    rows = [article("https://wire.example/story", _paragraphs(STORY)),
            article("https://paper.example/copy", _paragraphs(STORY), minutes=30),
            article("https://local.example/breaking", STUB, minutes=-20),
            article("https://other.example/own", _paragraphs(_sentences(2, 30)), minutes=5)]
    story = story_of(_run(rows, lake))
    assert story["https://local.example/breaking"] == story["https://wire.example/story"]
    assert story["https://paper.example/copy"] == story["https://wire.example/story"]
    assert story["https://other.example/own"] != story["https://wire.example/story"]


def test_a_stub_in_history_is_found_by_the_full_story_a_day_later(lake):
    first = _run([article("https://local.example/breaking", STUB)], lake)
    publish_result(lake, DAY, first)
    index = read_table(lake, "dedup_index")
    assert len(index["anchor_keys"][0].as_py()) == 2  # both sentences of the stub
    later = _run([article("https://wire.example/story", _paragraphs(STORY), minutes=600)],
                 lake, date(2024, 3, 2))
    assert story_of(later)["https://wire.example/story"] == story_of(first)[
        "https://local.example/breaking"]


def test_a_thread_entry_from_deep_in_a_long_page_joins_it_a_day_later(lake):
    thread = _sentences(11, 120)  # about 1,900 words; the entry's Jaccard to it is ~0.05
    entry = _paragraphs(thread[80:86])  # six sentences far past the head: each anchors
    first = _run([article("https://wire.example/story", _paragraphs(thread))], lake)
    publish_result(lake, DAY, first)
    later = _run([article("https://local.example/entry", entry, minutes=600)], lake,
                 date(2024, 3, 2))
    assert story_of(later)["https://local.example/entry"] == story_of(first)[
        "https://wire.example/story"]


def test_short_stories_sharing_a_sentence_stay_apart(lake):
    shared = _sentences(3, 1, (18, 18))[0]  # a quote both stories carry
    one = _sentences(4, 4) + [shared]
    two = [shared] + _sentences(5, 4)
    rows = [article("https://a.example/one", _paragraphs(one)),
            article("https://b.example/two", _paragraphs(two), minutes=10),
            article("https://c.example/brief", shared + " " + _sentences(6, 1)[0], minutes=20)]
    story = story_of(_run(rows, lake))
    assert len(set(story.values())) == 3


def test_a_page_of_captions_only_is_rejected_not_joined(lake):
    captions = [f"In this photo, {s[:-1].lower()} in Brussels. (AP Photo/Jane Doe)"
                for s in _sentences(7, 3)]
    story = _paragraphs(captions + _sentences(8, 20))
    rows = [article("https://wire.example/story", story),
            article("https://paper.example/gallery", "\n".join(captions), minutes=10)]
    result = _run(rows, lake)
    assert result.articles["url"].to_pylist() == ["https://wire.example/story"]
    rejected = result.rejections.to_pylist()
    assert [(r["url"], r["reason"]) for r in rejected] == [
        ("https://paper.example/gallery", "not_article")]


def _anchors(text: str) -> np.ndarray:
    return sign_batch(pa.array([text], pa.large_string()), CONFIG).anchor_keys


def test_anchors_are_sentences_a_long_page_publishes_its_head_and_half_the_rest():
    short = _sentences(9, 5)
    assert _anchors(" ".join(short)).size == 5
    assert _anchors("Too short to anchor. " * 3 + short[0]).size == 1
    sentences = _sentences(10, 120)
    every = np.concatenate([_anchors(s) for s in sentences])
    published = set(_anchors(_paragraphs(sentences)).tolist())
    assert set(every[:HEAD_SENTENCES].tolist()) <= published
    rest = every[HEAD_SENTENCES:]
    assert set(rest[rest >= 0].tolist()) <= published
    assert not set(rest[rest < 0].tolist()) & published
    assert 0.3 < (rest >= 0).mean() < 0.7


def test_text_without_sentence_marks_is_cut_every_max_words():
    words = " ".join(f"w{n}" for n in range(MAX_WORDS * 3 + MIN_WORDS - 1))
    assert _anchors(words).size == 3
