"""assign_stories: URL duplicates, template chrome, history and stable story ids."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from dedup_rows import article, publish_result, random_body, story_of
from newslake.dedup import DedupConfig, assign_stories, story_id_for
from newslake.exceptions import ConfigError
from newslake.lake import read_table, schema

pytestmark = pytest.mark.integration

DAY = date(2024, 3, 1)
CONFIG = DedupConfig()

SEED_STORY = (
    "Ukraine's president urged allies on Friday to speed up deliveries of air defense systems, "
    "saying Russian drone and missile strikes had damaged power plants in five regions overnight "
    "and left hundreds of thousands of homes without electricity. Speaking in Kyiv alongside the "
    "visiting Dutch prime minister, he said the country needed at least seven more Patriot "
    "batteries to protect cities and front-line industry through the spring. The energy ministry "
    "said repair crews had restored power to most of Kharkiv by the afternoon, but warned that "
    "scheduled outages would continue in the east for several days. Western officials said a new "
    "package of interceptors was being prepared and could be announced at next week's meeting of "
    "defense ministers in Brussels, where the alliance will also discuss financing for "
    "ammunition produced in Europe. Analysts noted that the strikes followed a pattern seen last "
    "winter, when attacks on substations came in waves timed to cold weather."
)
OTHER_UKRAINE_STORY = (
    "Ukraine's parliament approved a law on Friday lowering the age of mobilisation for men to 25 "
    "from 27, after months of debate over how to replenish brigades exhausted by two years of "
    "fighting. Lawmakers in Kyiv voted 285 in favour, and the bill now goes to the president for "
    "signature. The defense ministry said the change would allow it to rotate soldiers who have "
    "served on the front without a break since the start of the invasion. Critics in the "
    "opposition argued that the measure did nothing to set a clear term of service and said "
    "recruitment centres had become a source of public anger. Military analysts said the army "
    "also needed more training capacity, and that allies in Europe had offered to host additional "
    "courses for new recruits in Poland and Germany over the summer, with instructors drawn from "
    "several member states of the alliance."
)
NEWSBREAK_CHROME = (
    " Check out more stories from POLITICO and other trusted sources in the NewsBreak App, the "
    "go-to source for breaking news around you. Related: Michigan officials report sixth "
    "fatality linked to virus. Comments: Shared with my family, everyone should read this. "
    "Reply. Download the app to follow local news, weather and sports near you."
)


def _table(rows: list[dict]) -> pa.Table:
    return schema.conform("articles", rows)


def _run(rows, lake, day=DAY, config=CONFIG, **kw):
    return assign_stories(_table(rows), lake=lake, crawl_date=day, config=config, **kw)


def test_newsbreak_copy_joins_its_original_and_other_ukraine_story_stays_apart(lake):
    original = article(
        "https://www.politico.com/news/2024/03/01/ukraine-air-defense-001", SEED_STORY
    )
    copy = article(
        "https://www.newsbreak.com/news/3301-ukraine-urges-allies-to-speed-air-defenses",
        SEED_STORY.replace("on Friday", "Friday") + NEWSBREAK_CHROME, minutes=40,
        original_publisher="POLITICO",
    )
    other = article(
        "https://www.newsbreak.com/news/3302-ukraine-lowers-mobilisation-age",
        OTHER_UKRAINE_STORY + NEWSBREAK_CHROME, minutes=45, original_publisher="Reuters",
    )
    result = _run([copy, other, original], lake)
    stories = story_of(result)
    assert stories[copy["url"]] == stories[original["url"]]
    assert stories[other["url"]] != stories[original["url"]]
    originals = dict(zip(result.articles["url"].to_pylist(),
                         result.articles["is_original"].to_pylist(), strict=True))
    assert originals == {copy["url"]: False, other["url"]: True, original["url"]: True}
    syndication = result.syndication.to_pylist()
    assert [(r["site"], r["original_site"], r["lag_minutes"]) for r in syndication] == [
        ("newsbreak.com", "politico.com", 40.0)
    ]
    story = next(r for r in result.stories.to_pylist() if r["story_id"] == stories[copy["url"]])
    assert story["copies"] == 1 and story["articles"] == 2
    assert story["sites"] == ["newsbreak.com", "politico.com"]
    assert story["story_id"] == story_id_for(original["canonical_url"])


def test_truncated_copy_with_added_boilerplate_is_found(lake):
    body = random_body(1, 600)
    words = body.split()
    original = article("https://origin.example/a", body)
    teaser = " ".join(words[:250]) + " Read more at origin.example. Advertisement. " * 3
    copy = article("https://aggregator.example/2024/story-1", teaser, minutes=30)
    stories = story_of(_run([original, copy], lake))
    assert stories[original["url"]] == stories[copy["url"]]


def test_url_duplicates_are_rejected_in_batch_and_against_history(lake):
    first = article("https://site.example/news/a", random_body(2))
    again = article("http://www.site.example/news/a/?utm_source=x#top", random_body(2), minutes=1)
    result = _run([again, first], lake)
    assert result.articles["url"].to_pylist() == [first["url"]]
    assert result.rejections["reason"].to_pylist() == ["duplicate_url"]
    publish_result(lake, DAY, result)
    later = _run([article("https://site.example/news/a?fbclid=1", random_body(2))], lake,
                 day=date(2024, 3, 2))
    assert later.articles.num_rows == 0
    assert later.rejections["reason"].to_pylist() == ["duplicate_url"]


def test_rerunning_a_day_keeps_every_story_id(lake):
    day1 = [article(f"https://origin{n}.example/story", random_body(100 + n)) for n in range(6)]
    first = _run(day1, lake)
    publish_result(lake, DAY, first)
    day2 = date(2024, 3, 2)
    batch = [
        article(f"https://copy{n}.example/s", random_body(100 + n) + " Source: origin.",
                minutes=1500) for n in range(3)
    ] + [article(f"https://new{n}.example/s", random_body(200 + n), minutes=1500) for n in range(3)]
    batch.append(article("https://copy-of-new.example/s", random_body(200), minutes=1600))
    once = _run(batch, lake, day=day2)
    publish_result(lake, day2, once)
    twice = _run(batch, lake, day=day2)
    assert story_of(once) == story_of(twice)
    assert once.articles.equals(twice.articles)
    yesterday = story_of(first)
    for n in range(3):
        assert story_of(once)[f"https://copy{n}.example/s"] == yesterday[
            f"https://origin{n}.example/story"]
    assert story_of(once)["https://copy-of-new.example/s"] == story_of(once)["https://new0.example/s"]
    assert not any(
        row["is_original"] for row in once.articles.to_pylist() if row["url"].startswith("https://copy")
    )
    index = read_table(lake, "dedup_index")
    assert index.num_rows == 6 + 7
    assert set(index["scheme"].to_pylist()) == {CONFIG.scheme}


def test_history_outside_the_window_is_not_matched(lake):
    original = article("https://origin.example/x", random_body(7))
    publish_result(lake, DAY, _run([original], lake))
    copy = [article("https://copy.example/x", random_body(7))]
    near = _run(copy, lake, day=date(2024, 3, 20), config=DedupConfig(window_days=30))
    far = _run(copy, lake, day=date(2024, 3, 20), config=DedupConfig(window_days=5))
    original_story = story_id_for(original["canonical_url"])
    assert near.articles["story_id"].to_pylist() == [original_story]
    assert far.articles["story_id"].to_pylist() != [original_story]


def test_short_bodies_are_only_deduplicated_by_url(lake):
    short = "Brief: markets closed higher on Friday after a quiet session."
    result = _run([article("https://a.example/1", short), article("https://b.example/2", short)],
                  lake)
    assert len(set(result.articles["story_id"].to_pylist())) == 2
    assert result.signatures["band_keys"].null_count == 2


@pytest.mark.parametrize("kwargs", [
    {"threshold": 0.0}, {"threshold": 1.5}, {"window_days": -1}, {"shingle_size": 0},
    {"num_perm": 16, "bands": 8, "rows": 4}, {"min_words": 0}, {"max_bucket": 1},
])
def test_config_is_validated(kwargs):
    with pytest.raises(ConfigError):
        DedupConfig(**kwargs)


def test_story_publisher_fills_original_publisher(tmp_path):
    original = article("https://www.politico.com/news/2024/03/01/air-defense", SEED_STORY,
                       site_name="POLITICO")
    copy = article("https://news.yahoo.com/air-defense-123.html", SEED_STORY + NEWSBREAK_CHROME,
                   minutes=90, site_name="Yahoo News")
    credited = article("https://www.newsbreak.com/news/42-air-defense",
                       SEED_STORY + NEWSBREAK_CHROME, minutes=60, site_name="NewsBreak",
                       original_publisher="Politico Europe")
    result = _run([copy, original, credited], str(tmp_path))
    by_site = dict(zip(result.articles["site"].to_pylist(),
                       result.articles["original_publisher"].to_pylist(), strict=True))
    assert by_site == {"politico.com": "POLITICO", "news.yahoo.com": "POLITICO",
                       "newsbreak.com": "Politico Europe"}
