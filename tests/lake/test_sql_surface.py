"""``newslake sql`` is read-only: every write form is refused, reads, views and macros work."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from newslake.lake import publish_day, schema
from newslake.lake.catalog import ReadOnlyViolation, run_sql

pytestmark = pytest.mark.integration

DAY = date(2024, 6, 1)


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("lake"))
    rows = [{"article_id": f"a{i}", "url": f"https://e.com/{i}", "site": "e.com",
             "title": f"Harbour story {i}", "body": "the harbour was busy", "story_id": f"s{i}",
             "is_original": True} for i in range(3)]
    publish_day(root, DAY, {"articles": pa.Table.from_pylist(rows, schema=schema.ARTICLES),
                            "stories": schema.empty("stories")})
    return root


REFUSED = [
    "COPY (SELECT * FROM articles WHERE false) TO '/tmp/x.parquet'",
    "ATTACH '/tmp/other.duckdb' AS other",
    "DROP VIEW articles",
    "INSERT INTO lake.articles (article_id, url) VALUES ('x', 'y')",
    "DELETE FROM lake.articles",
    "CREATE TABLE t AS SELECT 1",
    "INSTALL httpfs",
    "LOAD httpfs",
    "LOAD '/tmp/any.duckdb_extension'",  # sessions accept checked unsigned loads: not here
    "SET enable_external_access = true",
    "PRAGMA enable_profiling",
    "SELECT 1; DROP VIEW articles",
]


@pytest.mark.parametrize("statement", REFUSED)
def test_writes_and_escapes_are_refused(lake, statement):
    with pytest.raises(ReadOnlyViolation, match="refused"):
        run_sql(lake, statement)
    assert run_sql(lake, "SELECT count(*) FROM articles")[1] == [(3,)]


def test_file_reads_outside_the_lake_are_refused(lake):
    with pytest.raises(Exception, match="disabled by configuration|Permission"):
        run_sql(lake, "SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(Exception, match="disabled by configuration|Permission"):
        run_sql(lake, "SELECT * FROM read_parquet('/tmp/**/*.parquet')")


def test_secrets_and_settings_are_not_readable(lake, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "top-secret-value")
    for query in ("SELECT current_setting('s3_secret_access_key')",
                  "SELECT * FROM duckdb_secrets()", "SELECT * FROM duckdb_settings()"):
        try:
            result = run_sql(lake, query)
        except Exception as exc:  # noqa: BLE001 - an error is as good as an empty answer
            result = str(exc)
        assert "top-secret-value" not in str(result)
    with pytest.raises(Exception, match="getenv"):
        run_sql(lake, "SELECT getenv('AWS_SECRET_ACCESS_KEY')")


def test_selects_views_and_macros_work(lake):
    assert run_sql(lake, "SELECT count(*) FROM stories_history")[1] == [(0,)]
    assert run_sql(lake, "SELECT site, articles FROM top_sites('2024-01-01', '2024-12-31')"
                   )[1] == [("e.com", 3)]
    assert run_sql(lake, "SELECT * FROM terms_missing")[1] == []
    _, rows = run_sql(lake, "SELECT matching FROM keyword_coverage('harbour', '2024-06-01', "
                            "'2024-06-01')")
    assert rows == [(3,)]


def test_analyst_views_live_in_their_own_file_and_survive_publishes(lake, tmp_path):
    views = str(tmp_path / "mine.duckdb")
    run_sql(lake, "CREATE VIEW mine.busy AS SELECT count(*) AS n FROM articles "
                  "WHERE body LIKE '%busy%'", views_file=views)
    with pytest.raises(ReadOnlyViolation):
        run_sql(lake, "CREATE VIEW elsewhere AS SELECT 1", views_file=views)
    extra = [{"article_id": "b1", "url": "https://e.com/b1", "body": "busy"}]
    publish_day(lake, date(2024, 6, 2), {"articles": pa.Table.from_pylist(
        extra, schema=schema.ARTICLES)})
    assert run_sql(lake, "SELECT n FROM mine.busy", views_file=views)[1] == [(4,)]


def test_cli_refusal_is_one_line_and_exit_1(lake):
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "newslake"), "sql", "--lake", lake,
         "COPY (SELECT * FROM articles) TO '/tmp/out.csv'"],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "refused" in proc.stderr
