"""The whole daily ingestion in-process against the demo web, checked against its ground truth."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest
from newslake.ids import article_identity
from newslake.lake import read_table
from newslake.pipeline import reextract_day
from newslake.pipeline.runs import committed_warc_files
from newslake_demo import build_site
from newslake_demo.sources import SOURCES as DEMO_SOURCES

pytestmark = pytest.mark.slow  # whole daily ingestion of the demo web

DAYS = (date(2022, 4, 1), date(2022, 4, 2), date(2022, 4, 3))


@pytest.fixture(scope="module")
def web():
    return build_site()


@pytest.fixture(scope="module")
def lake(tmp_path_factory, demo_lake):
    """A copy of the demo lake: the three days ingested in-process from the demo web."""
    import shutil

    root = tmp_path_factory.mktemp("lake") / "lake"
    shutil.copytree(demo_lake, root)
    return str(root)


def _ids(urls):
    return {article_identity(u)[1] for u in urls}


def test_every_demo_article_lands_once(lake, web):
    articles = read_table(lake, "articles")
    quarantined = read_table(lake, "quarantine", columns=["article_id", "table_name"])
    # Child rows of a quarantined article follow it there; count the article rows only.
    quarantined_articles = [aid for aid, table in zip(quarantined["article_id"].to_pylist(),
                                                      quarantined["table_name"].to_pylist(),
                                                      strict=True) if table == "articles"]
    landed = articles["article_id"].to_pylist() + quarantined_articles
    assert len(landed) == len(set(landed)), "an article landed twice"
    assert set(landed) == _ids(a.url for a in web.articles)


def test_articles_land_on_their_publication_day(lake, web):
    articles = read_table(lake, "articles", columns=["article_id", "crawl_date"])
    day_of = dict(zip(articles["article_id"].to_pylist(), articles["crawl_date"].to_pylist(),
                      strict=True))
    for a in web.articles:
        aid = article_identity(a.url)[1]
        if aid in day_of:
            assert day_of[aid] == a.published_at.date(), a.url


def test_stories_match_ground_truth(lake, web):
    articles = read_table(lake, "articles", columns=["article_id", "story_id", "is_original"])
    story_of = dict(zip(articles["article_id"].to_pylist(), articles["story_id"].to_pylist(),
                        strict=True))
    original = dict(zip(articles["article_id"].to_pylist(),
                        articles["is_original"].to_pylist(), strict=True))
    truth: dict[str, set[str]] = defaultdict(set)
    for a in web.articles:
        aid = article_identity(a.url)[1]
        if aid in story_of:
            truth[a.story_key].add(aid)
            assert original[aid] == a.is_original, a.url
    found: dict[str, set[str]] = defaultdict(set)
    for aid, sid in story_of.items():
        found[sid].add(aid)
    assert sorted(map(sorted, truth.values())) == sorted(map(sorted, found.values()))


def test_failures_are_recorded_not_lost(lake):
    log = read_table(lake, "fetch_log", columns=["url", "error_class"])
    classes = set(log["error_class"].drop_null().to_pylist())
    assert {"http_4xx", "http_5xx", "not_html", "feed_parse_error"} <= classes
    rejections = read_table(lake, "rejections", columns=["reason"])
    assert "not_html" in rejections["reason"].to_pylist()


def test_reextract_rebuilds_the_day_offline(lake, monkeypatch):
    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", "127.0.0.1:9")  # nothing listens: no network use
    before = read_table(lake, "articles", dates=[DAYS[1]], columns=["article_id", "story_id"])
    reextract_day(lake, DAYS[1], sources_path=str(DEMO_SOURCES))
    after = read_table(lake, "articles", dates=[DAYS[1]], columns=["article_id", "story_id"])
    assert sorted(after["article_id"].to_pylist()) == sorted(before["article_id"].to_pylist())
    assert sorted(after["story_id"].to_pylist()) == sorted(before["story_id"].to_pylist())
    log = read_table(lake, "fetch_log", dates=[DAYS[1]])
    assert log.num_rows > 0, "reextract must leave the day's fetch_log alone"


def test_reextract_reads_only_the_committed_warc_files(lake, monkeypatch):
    """A stale batch file of an earlier run in the day's raw folder is not re-extracted."""
    import shutil
    from pathlib import Path

    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", "127.0.0.1:9")
    before = read_table(lake, "articles", dates=[DAYS[1]], columns=["article_id"])
    other_day = committed_warc_files(lake, DAYS[2])[0]
    stale = Path(lake, "raw", f"crawl_date={DAYS[1]}", "ingest-old-run-0099.warc.gz")
    shutil.copy(other_day, stale)  # pages of another day: must not come back
    try:
        reextract_day(lake, DAYS[1], sources_path=str(DEMO_SOURCES))
    finally:
        stale.unlink()
    after = read_table(lake, "articles", dates=[DAYS[1]], columns=["article_id"])
    assert sorted(after["article_id"].to_pylist()) == sorted(before["article_id"].to_pylist())


def test_a_damaged_day_is_named_by_check_and_rebuilt_by_reextract(lake, tmp_path, monkeypatch,
                                                                   capsys):
    import shutil

    from damage import truncate_data_file
    from newslake.cli import main

    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", "127.0.0.1:9")  # nothing listens: no network use
    copy = str(tmp_path / "lake")
    shutil.copytree(lake, copy)
    day = DAYS[0]
    before = read_table(copy, "articles", dates=[day], columns=["article_id", "story_id"])
    victim, _ = truncate_data_file(copy, "articles", day)
    assert main(["check", "--lake", copy]) == 1
    out = capsys.readouterr().out
    assert f"damaged: articles {day} {victim.path}" in out
    assert f"newslake reextract --date {day}" in out
    others = read_table(copy, "articles", dates=list(DAYS[1:]), columns=["article_id"])
    assert others.num_rows > 0  # other days keep working meanwhile
    assert main(["reextract", "--date", day.isoformat(), "--lake", copy,
                 "--sources", str(DEMO_SOURCES)]) == 0
    after = read_table(copy, "articles", dates=[day], columns=["article_id", "story_id"])
    assert sorted(after["article_id"].to_pylist()) == sorted(before["article_id"].to_pylist())
    assert sorted(after["story_id"].to_pylist()) == sorted(before["story_id"].to_pylist())
    assert main(["check", "--lake", copy]) == 0


def test_comment_times_count_back_from_the_demo_capture_time(lake):
    from newslake_demo.syndicated import CAPTURE

    posted = [t for t in read_table(lake, "comments", columns=["posted_at"])["posted_at"]
              .to_pylist() if t is not None]
    assert posted, "the demo's NewsBreak copies carry comments"
    assert all(date(2022, 3, 1) <= t.date() and t <= CAPTURE for t in posted), posted


def test_warc_import_accepts_every_language(lake, tmp_path, monkeypatch):
    from pathlib import Path

    from newslake.pipeline import import_warc

    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", "127.0.0.1:9")
    raw = committed_warc_files(lake, DAYS[2])
    assert raw and all(Path(p).exists() for p in raw)
    fresh = str(tmp_path / "imported")
    import_warc([str(p) for p in raw], fresh, crawl_date=DAYS[2],
                sources_path=str(DEMO_SOURCES))
    assert read_table(fresh, "quarantine").num_rows == 0
    languages = set(read_table(fresh, "articles", columns=["language"])["language"].to_pylist())
    assert {"en", "fr"} <= languages
    # the daily ingestion of the same pages gates languages by the sources' languages
    ingested = read_table(lake, "quarantine", dates=[DAYS[2]]).to_pylist()
    assert [r["failed_expectations"] for r in ingested if r["table_name"] == "articles"] == [
        ["language_in_set"]]
    children = [r for r in ingested if r["table_name"] != "articles"]
    assert all(r["failed_expectations"] == ["parent_article_quarantined"] for r in children)
