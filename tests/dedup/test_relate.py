"""Pair relations (story, excerpt, same text) and how pairs become stories."""

from __future__ import annotations

import pytest
from newslake.dedup import DedupConfig
from newslake.dedup.relate import Components, join
from newslake.exceptions import ConfigError

CONFIG = DedupConfig()


def _groups(size: int, pairs, config: DedupConfig = CONFIG) -> list[int]:
    comps = Components(size)
    join(comps, pairs, config)
    return [comps.find(n) for n in range(size)]


@pytest.mark.parametrize(("a", "b", "expected"), [
    (0.95, 0.93, "story"),  # a copy: most text both ways
    (0.7, 0.65, "story"),  # a write-through: new lede, paragraphs added
    (1.0, 0.15, "story"),  # a stub lying whole in the full story
    (0.3, 0.72, "excerpt"),  # a commentary quoting 72% of a wire story
    (0.5, 0.45, "excerpt"),
    (0.3, 0.2, None),
])
def test_relation_of_a_pair(a, b, expected):
    assert CONFIG.relation(a, b) == expected
    assert CONFIG.relation(b, a) == expected


def test_same_text_needs_little_added_and_nothing_changed():
    assert CONFIG.same_text(0.97, 1.0)  # a copy
    assert CONFIG.same_text(0.92, 1.0)  # a copy that trimmed its last paragraph
    assert not CONFIG.same_text(0.92, 0.93)  # a write-through: lede rewritten
    assert not CONFIG.same_text(0.6, 1.0)  # a live thread that grew


def test_invalid_shares_are_config_errors():
    with pytest.raises(ConfigError, match="dedup.mutual"):
        DedupConfig(mutual=0.0)
    with pytest.raises(ConfigError, match="dedup.min_text_words"):
        DedupConfig(min_text_words=-1)


def test_copies_chain_and_short_pages_join_their_story():
    # 0-1 copies, 1-2 write-through, 3 a stub lying in 0, 4 unrelated
    groups = _groups(5, [(0, 1, 0.97, 0.96), (1, 2, 0.7, 0.66), (3, 0, 1.0, 0.12)])
    assert groups[0] == groups[1] == groups[2] == groups[3] != groups[4]


def test_an_excerpt_keeps_its_own_story_and_so_does_the_quoted_one():
    # 0-1 copies of a wire story, 2 a commentary quoting 70% of it
    groups = _groups(3, [(0, 1, 0.98, 0.97), (2, 0, 0.35, 0.7), (2, 1, 0.35, 0.7)])
    assert groups[0] == groups[1] != groups[2]


def test_a_stub_inside_a_story_and_a_commentary_joins_the_story_only():
    # 0, 1: copies of version 1; 2: version 2 (write-through of 1); 3: commentary holding
    # version 1 whole and 70% of version 2; 4: a stub (first paragraph) inside 0, 1 and 3
    pairs = [(0, 1, 0.99, 0.99), (0, 2, 0.7, 0.65), (1, 2, 0.7, 0.65),
             (0, 3, 1.0, 0.45), (1, 3, 1.0, 0.45), (2, 3, 0.7, 0.5),
             (4, 0, 1.0, 0.1), (4, 1, 1.0, 0.1), (4, 3, 1.0, 0.05)]
    groups = _groups(5, pairs)
    assert groups[0] == groups[1] == groups[2] == groups[4] != groups[3]


def test_two_history_stories_never_merge():
    comps = Components(3)
    comps.story[1], comps.story[2] = "s1", "s2"
    join(comps, [(0, 1, 0.95, 0.95), (0, 2, 0.9, 0.9)], CONFIG)
    assert comps.find(0) == comps.find(1) != comps.find(2)


def test_a_site_rewriting_its_own_story_is_one_story_a_quote_across_sites_is_not():
    assert CONFIG.relation(0.66, 0.5, one_site=True) == "story"  # a heavy write-through
    assert CONFIG.relation(0.66, 0.5) == "excerpt"
    assert CONFIG.relation(0.5, 0.4, one_site=True) == "excerpt"  # below threshold
    # 0: version 1 on the wire's site, 1: its copy; 2: version 2 on the wire's site (new
    # lede, a paragraph dropped), 3: its copy; 4: a commentary quoting version 2
    pairs = [(0, 1, 0.98, 0.98), (2, 3, 0.97, 0.97), (0, 2, 0.66, 0.5, True),
             (1, 3, 0.66, 0.5, False), (4, 2, 0.35, 0.66, False)]
    groups = _groups(5, pairs)
    assert groups[0] == groups[1] == groups[2] == groups[3] != groups[4]
    assert len(set(_groups(5, [p[:4] for p in pairs]))) == 3
