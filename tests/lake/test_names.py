"""Each column name means one thing, the thing the schema says, on the demo lake."""

from __future__ import annotations

from pathlib import Path

import pytest
from lake_docs import meaning, schema_comments
from newslake.ids import registered_site
from newslake.lake import schema
from newslake.lake.catalog import run_sql

pytestmark = pytest.mark.timeout(600)
RANGE = "'2022-04-01', '2022-04-03'"


def sql(lake: Path, query: str) -> list[tuple]:
    return run_sql(str(lake), query)[1]


def test_copies_excludes_the_original_in_the_table_and_the_macro(demo_lake: Path) -> None:
    rows = sql(demo_lake, f"""
        SELECT s.copies, s.articles, w.copies, w.articles,
               (SELECT count(*) FROM syndication y WHERE y.story_id = s.story_id)
        FROM stories s JOIN stories_with_copies({RANGE}) w USING (story_id)""")
    assert len(rows) >= 10
    for copies, articles, macro_copies, macro_articles, syndicated in rows:
        assert copies == macro_copies == syndicated == articles - 1
        assert articles == macro_articles
    singles = sql(demo_lake, "SELECT DISTINCT copies, articles FROM stories "
                             "WHERE story_id NOT IN (SELECT story_id FROM syndication)")
    assert singles == [(0, 1)]


def test_syndicator_is_the_adapter_and_site_the_host(demo_lake: Path) -> None:
    rows = sql(demo_lake, "SELECT url, site, syndicator, is_original FROM articles")
    assert {r[1] for r in rows} >= {"news.yahoo.com", "newsbreak.com", "politico.com"}
    for url, site, _, _ in rows:
        assert site == registered_site(url)  # the host without www., not the domain
    adapters = {r[2] for r in rows if r[2]}
    assert adapters <= {"yahoo", "newsbreak", "attribution", "msn"}, adapters
    assert not adapters & {r[1] for r in rows}  # no adapter name is a site
    copying_sites = {r[0] for r in sql(demo_lake, "SELECT DISTINCT site FROM syndication")}
    assert {"news.yahoo.com", "newsbreak.com"} <= copying_sites


def test_error_class_is_null_only_for_used_responses(demo_lake: Path) -> None:
    rows = sql(demo_lake, "SELECT status, error_class, count(*) FROM fetch_log GROUP BY ALL")
    classes = {(status, error) for status, error, _ in rows}
    assert (304, "not_modified") in classes
    assert {s for s, e in classes if e is None} == {200}
    assert all(e == "not_modified" for s, e in classes if s == 304)
    assert set(schema.ERROR_CLASSES) >= {e for _, e in classes if e}


def test_positions_are_one_based(demo_lake: Path) -> None:
    for table in ("comments", "related", "quotes"):
        firsts = sql(demo_lake, f"SELECT DISTINCT min(position) FROM {table} GROUP BY article_id")
        assert firsts == [(1,)], table
        gaps = sql(demo_lake, f"SELECT count(*) FROM (SELECT article_id, max(position) AS m, "
                              f"count(*) AS n FROM {table} GROUP BY 1) WHERE m <> n")
        assert gaps == [(0,)], table


def test_articles_between_filters_the_crawl_date(demo_lake: Path) -> None:
    # a copy crawled on a day after its publication day is in that crawl day's range
    rows = sql(demo_lake, "SELECT crawl_date, published_date FROM articles_between("
                          "'2022-04-02', '2022-04-02')")
    assert rows and {r[0].isoformat() for r in rows} == {"2022-04-02"}
    assert sql(demo_lake, "SELECT count(*) FROM articles_between('2022-04-02', '2022-04-02')"
                          ) == sql(demo_lake, "SELECT count(*) FROM articles "
                                              "WHERE crawl_date = '2022-04-02'")


def test_the_schema_states_each_meaning() -> None:
    comments = schema_comments()
    assert "not the registered domain" in meaning("articles", "site", comments)
    assert meaning("syndication", "site", comments) == meaning("articles", "site", comments)
    assert "adapter" in meaning("articles", "syndicator", comments)
    assert "original excluded" in meaning("stories", "copies", comments)
    assert "1-based" in meaning("comments", "position", comments)
    assert "not_modified" in meaning("fetch_log", "error_class", comments)
