"""Row-level expectations: each kind of bad row is quarantined under the right name."""

from __future__ import annotations

from datetime import timedelta

import pytest
from newslake.lake import schema
from newslake.validate import ValidationConfig, validate_batch
from newslake.validate.batch import PARENT_QUARANTINED
from validate_helpers import CRAWL_DATE, FETCHED, make_tables, replace_row

pytestmark = pytest.mark.integration

EN = ValidationConfig(languages={"en", "de"})


def run(tables, tmp_path, config=EN):
    return validate_batch(tables, lake=str(tmp_path / "lake"), crawl_date=CRAWL_DATE,
                          run_id="run-1", config=config, build_docs=False)


def test_clean_batch_publishes_everything(tmp_path):
    tables = make_tables(12)
    tables["articles"] = replace_row(tables["articles"], 0, canonical_url=None, site=None,
                                     published_at=None, language=None)
    result = run(tables, tmp_path)
    assert not result.batch_failed, result.failures
    assert result.quarantine.num_rows == 0
    for name, table in tables.items():
        assert result.tables[name].equals(table), name
    assert result.validation_log.schema == schema.VALIDATION_LOG
    assert result.validation_log.num_rows > 20
    assert all(result.validation_log["success"].to_pylist())


BAD_ROWS = {
    "null title": ({"title": None}, "title_not_null"),
    "empty title": ({"title": ""}, "title_length_in_bounds"),
    "empty body": ({"body": "", "word_count": 0}, "body_length_in_bounds"),
    "null body": ({"body": None}, "body_not_null"),
    "future date": ({"published_at": FETCHED + timedelta(days=3)}, "published_not_after_fetch"),
    "before 1990": ({"published_at": FETCHED.replace(year=1987)}, "published_since_1990"),
    "ftp url": ({"url": "ftp://www.alpha.example/news/1"}, "url_http"),
    "bad canonical": ({"canonical_url": "javascript:void(0)"}, "canonical_url_http"),
    "unknown language": ({"language": "fr"}, "language_in_set"),
    "malformed language": ({"language": "english"}, "language_code"),
    "orphan story_id": ({"story_id": "no-such-story"}, "story_id_in_stories"),
    "missing story_id": ({"story_id": None}, "story_id_not_null"),
    "wrong site": ({"site": "other.example"}, "site_matches_url_host"),
    "word_count off": ({"word_count": 400}, "word_count_matches_body"),
}


@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_bad_article_row_is_quarantined(kind, tmp_path):
    changes, expectation = BAD_ROWS[kind]
    tables = make_tables(12)
    tables["articles"] = replace_row(tables["articles"], 3, **changes)
    bad_id = tables["articles"]["article_id"][3].as_py()
    result = run(tables, tmp_path)

    assert not result.batch_failed, result.failures
    articles_q = result.quarantine.filter(
        [t == "articles" for t in result.quarantine["table_name"].to_pylist()])
    assert articles_q["article_id"].to_pylist() == [bad_id]
    assert expectation in articles_q["failed_expectations"][0].as_py()
    assert articles_q["run_id"].to_pylist() == ["run-1"]
    good_ids = result.tables["articles"]["article_id"].to_pylist()
    assert bad_id not in good_ids and len(good_ids) == 11
    log = {r["expectation"]: r for r in result.validation_log.to_pylist()
           if r["table_name"] == "articles"}
    assert log[expectation]["success"] is False
    assert log[expectation]["unexpected_count"] == 1
    # the article's comments and syndication row follow it into quarantine
    followers = result.quarantine.filter(
        [t != "articles" for t in result.quarantine["table_name"].to_pylist()])
    assert sorted(followers["table_name"].to_pylist()) == ["comments", "syndication"]
    assert all(f == [PARENT_QUARANTINED] for f in followers["failed_expectations"].to_pylist())
    assert bad_id not in result.tables["comments"]["article_id"].to_pylist()


def test_duplicate_id_quarantines_both_copies(tmp_path):
    tables = make_tables(12)
    rows = tables["articles"].to_pylist()
    rows[5] = {**rows[4], "title": "A second copy"}
    tables["articles"] = schema.conform("articles", rows)
    result = run(tables, tmp_path)
    dup = rows[4]["article_id"]
    q = [r for r in result.quarantine.to_pylist() if r["table_name"] == "articles"]
    assert [r["article_id"] for r in q] == [dup, dup]
    assert all("article_id_unique" in r["failed_expectations"] for r in q)
    assert {r["title"] for r in q} == {rows[4]["title"], "A second copy"}
    assert dup not in result.tables["articles"]["article_id"].to_pylist()
    assert result.tables["articles"].num_rows == 10


def test_id_published_on_another_day_is_quarantined(tmp_path):
    from datetime import date

    from newslake.lake import publish_day

    earlier = make_tables(3)
    publish_day(str(tmp_path / "lake"), date(2026, 11, 19), {"articles": earlier["articles"]})
    tables = make_tables(6)  # rows 0..2 share ids with the earlier day
    result = run(tables, tmp_path)
    q = result.quarantine.filter([t == "articles" for t in
                                  result.quarantine["table_name"].to_pylist()])
    assert sorted(q["article_id"].to_pylist()) == sorted(earlier["articles"]["article_id"]
                                                         .to_pylist())
    assert all(f == ["article_id_not_published_before"]
               for f in q["failed_expectations"].to_pylist())
    # the same day published before (a re-run) is not a conflict
    publish_day(str(tmp_path / "lake"), CRAWL_DATE, {"articles": tables["articles"]})
    again = run(make_tables(6), tmp_path)
    assert again.quarantine.num_rows == q.num_rows + 6  # 3 articles + their 2 followers each


def test_several_failures_of_one_row_are_all_named(tmp_path):
    tables = make_tables(8)
    tables["articles"] = replace_row(tables["articles"], 2, title=None, language="xx",
                                     url="ftp://www.alpha.example/x")
    result = run(tables, tmp_path)
    names = result.quarantine.filter([t == "articles" for t in
                                      result.quarantine["table_name"].to_pylist()])
    assert set(names["failed_expectations"][0].as_py()) >= {
        "title_not_null", "language_in_set", "url_http"}


def test_any_language_accepted_without_a_configured_set(tmp_path):
    tables = make_tables(6)
    tables["articles"] = replace_row(tables["articles"], 1, language="fr")
    result = run(tables, tmp_path, ValidationConfig())
    assert result.quarantine.num_rows == 0
    assert "language_in_set" not in result.validation_log["expectation"].to_pylist()
    assert "language_code" in result.validation_log["expectation"].to_pylist()


def test_bad_rows_of_other_tables_keep_the_whole_row(tmp_path):
    tables = make_tables(6)
    tables["fetch_log"] = replace_row(tables["fetch_log"], 2, error_class="gremlins",
                                      status=999)
    result = run(tables, tmp_path)
    assert result.tables["fetch_log"].num_rows == 5
    (row,) = result.quarantine.to_pylist()
    assert row["table_name"] == "fetch_log"
    assert set(row["failed_expectations"]) == {"error_class_known", "status_in_range"}
    assert row["url"] == tables["fetch_log"]["url"][2].as_py() and row["article_id"] == ""
    assert '"error_class": "gremlins"' in row["row_json"]
    assert result.quarantine.schema == schema.QUARANTINE


def test_severity_overrides(tmp_path):
    tables = make_tables(6)
    tables["articles"] = replace_row(tables["articles"], 1, title=None)
    warned = run(tables, tmp_path, ValidationConfig(severity={"title_not_null": "warn"}))
    assert not warned.batch_failed and warned.quarantine.num_rows == 0
    assert any("title_not_null" in w for w in warned.warnings)
    failed = run(tables, tmp_path, ValidationConfig(severity={"title_not_null": "fail"}))
    assert failed.batch_failed
    assert any("articles.title_not_null failed for 1 of 6 rows" in f for f in failed.failures)


def test_tables_without_a_suite_pass_through(tmp_path):
    import pyarrow as pa

    tables = make_tables(4)
    extra = pa.table({"anything": [1, 2, 3]})
    tables["scratch"] = extra
    result = run(tables, tmp_path)
    assert result.tables["scratch"].equals(extra)
    assert "scratch" not in result.validation_log["table_name"].to_pylist()


def test_empty_batch_passes_with_every_check_logged(tmp_path):
    names = ("articles", "stories", "syndication", "comments", "related", "quotes",
             "rejections", "fetch_log")
    result = run({n: schema.empty(n) for n in names}, tmp_path)
    assert not result.batch_failed and result.quarantine.num_rows == 0
    assert set(result.validation_log["table_name"].to_pylist()) == {*names, "source_quality"}
    assert all(t.num_rows == 0 for t in result.tables.values())
