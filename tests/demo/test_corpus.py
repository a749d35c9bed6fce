"""The demo corpus: determinism, counts, dates, the seed story, copies and hard negatives."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from newslake_demo import DemoWeb, build_site
from newslake_demo.sites import PUBLISHERS, SYNDICATORS

SEED_TITLE = "Blinken, Stoltenberg hold back on labeling Russia's actions 'genocide'"
SEED_TAGS = ("Genocide", "Ukraine", "War Crimes", "Nato", "Cnn", "State", "Russian", "Cbs")


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {tuple(words[i:i + 5]) for i in range(len(words) - 4)}


def _containment(a: str, b: str) -> float:
    sa, sb = _shingles(a), _shingles(b)
    return len(sa & sb) / min(len(sa), len(sb))


def test_two_builds_are_byte_identical(web: DemoWeb) -> None:
    again = build_site()
    assert again.pages.keys() == web.pages.keys()
    for url, (status, ctype, body, headers) in web.pages.items():
        assert again.pages[url] == (status, ctype, body, headers), url
    assert again.articles == web.articles
    assert again.index_html == web.index_html


def test_counts_sites_and_days(web: DemoWeb) -> None:
    publishers = {a.site for a in web.articles if a.is_original}
    syndicators = {a.syndicator for a in web.articles if not a.is_original}
    assert len(publishers) >= 6 and len(syndicators) >= 2
    assert len(web.articles) >= 60
    days = Counter(a.published_at.date() for a in web.articles)
    assert set(days) == {date(2022, 4, 1), date(2022, 4, 2), date(2022, 4, 3)}
    assert min(days.values()) >= 15
    assert all(a.published_at.tzinfo is not None for a in web.articles)
    assert len(web.sites) == len(PUBLISHERS) + len(SYNDICATORS)


def test_urls_unique_and_served(web: DemoWeb) -> None:
    urls = [a.url for a in web.articles]
    assert len(urls) == len(set(urls))
    for url in urls:
        status, ctype, _, _ = web.pages[url]
        assert status == 200 and ctype.startswith("text/html"), url


def test_originals_are_realistic_length_with_quotes(web: DemoWeb) -> None:
    for a in web.originals():
        words = len(a.body.split())
        assert 300 <= words <= 900, (a.url, words)
        assert len(a.paragraphs) >= 6
        if a.language == "en":
            assert any('," ' in p and (" said" in p or " added" in p or "told" in p)
                       for p in a.paragraphs), a.url
        else:
            assert any("»" in p and " a déclaré" in p for p in a.paragraphs), a.url


def test_one_article_in_another_language(web: DemoWeb) -> None:
    assert [a.language for a in web.originals() if a.language != "en"] == ["fr"]


def test_seed_story_at_politico_and_newsbreak(web: DemoWeb) -> None:
    seeds = [a for a in web.articles if a.title == SEED_TITLE]
    assert {"politico.com", "newsbreak.com"} <= {a.site for a in seeds}
    original = next(a for a in seeds if a.is_original)
    copy = next(a for a in seeds if a.syndicator == "newsbreak")
    assert original.url.startswith("http://www.politico.com/news/2022/04/03/")
    assert original.authors == ("Jordan Wolman",)
    assert original.published_at.date() == date(2022, 4, 3)
    assert original.tags == SEED_TAGS
    assert "AP Photo/Rodrigo Abd" in original.image_caption
    assert copy.syndicator == "newsbreak" and copy.original_url == original.url
    assert copy.comment_count == 12 and copy.comments[0].author == "Golfman"
    assert copy.comments[0].ago == "1h ago"
    assert web.story_of(copy.url) == web.story_of(original.url) == original.story_key
    assert web.story_of(original.canonical_url) == original.story_key
    assert web.story_of("http://www.politico.com/nothing") is None


def test_copies_lag_their_originals_and_are_edited(web: DemoWeb) -> None:
    copies = [a for a in web.articles if not a.is_original]
    assert len(copies) >= 15
    lags = []
    for c in copies:
        original = web.article(c.original_url)
        assert original is not None and original.is_original
        assert original.story_key == c.story_key
        assert c.published_at > original.published_at
        lags.append(c.published_at - original.published_at)
    assert max(lags) >= timedelta(hours=3)
    assert any(c.is_truncated for c in copies)
    assert any(c.title != web.article(c.original_url).title for c in copies)
    assert any(c.canonical_url == web.article(c.original_url).canonical_url for c in copies)
    assert any(c.published_at.date() != web.article(c.original_url).published_at.date()
               for c in copies)
    assert all(c.published_at <= datetime(2022, 4, 4, tzinfo=UTC) for c in copies)


def test_copies_are_near_duplicates_and_stories_are_not(web: DemoWeb) -> None:
    for c in web.articles:
        if not c.is_original:
            assert _containment(c.body, web.article(c.original_url).body) >= 0.8, c.url
    originals = web.originals()
    worst = max(_containment(a.body, b.body) for a, b in itertools.combinations(originals, 2))
    assert worst < 0.35


def test_hard_negative_two_ukraine_stories_on_newsbreak_same_day(web: DemoWeb) -> None:
    ukraine = [a for a in web.articles if a.syndicator == "newsbreak" and "Ukraine" in a.tags
               and a.published_at.date() == date(2022, 4, 3)]
    assert len({a.story_key for a in ukraine}) >= 2
    a, b = ukraine[:2]
    assert _containment(a.body, b.body) < 0.2
