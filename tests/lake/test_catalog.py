"""Every view and macro of the catalog against the small lake with known answers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lake_samples import DAY1, DAY2, DAY3
from newslake.lake import schema
from newslake.lake.catalog import connect, run_sql, write_catalog

pytestmark = [pytest.mark.timeout(120), pytest.mark.integration]


def schema_view(table: str) -> str:
    return "stories_history" if table == "stories" else table


def rows(lake: Path, query: str) -> list[tuple]:
    return run_sql(str(lake), query)[1]


@pytest.mark.parametrize("table", sorted(schema.TABLES))
def test_every_table_view_has_schema_columns(small_lake: Path, table: str) -> None:
    con = connect(str(small_lake))
    try:
        view = con.sql(f"SELECT * FROM {schema_view(table)}")
        expected = {*schema.TABLES[table].names, "crawl_date", "producer"}
        assert set(view.columns) == expected
        assert dict(zip(view.columns, map(str, view.types), strict=True))["crawl_date"] == "DATE"
    finally:
        con.close()


@pytest.mark.parametrize(
    ("table", "count"),
    [("articles", 9), ("syndication", 4), ("comments", 1), ("fetch_log", 2),
     ("rejections", 1), ("quarantine", 0), ("related", 0), ("quotes", 0),
     ("validation_log", 0), ("lake_stats", 0)],
)
def test_view_row_counts(small_lake: Path, table: str, count: int) -> None:
    assert rows(small_lake, f"SELECT count(*) FROM {table}") == [(count,)]


def test_articles_view_partition_column(small_lake: Path) -> None:
    got = rows(small_lake, "SELECT crawl_date, count(*) FROM articles GROUP BY 1 ORDER BY 1")
    assert got == [(DAY1, 4), (DAY2, 3), (DAY3, 2)]


def test_stories_view_keeps_latest_row_per_story(small_lake: Path) -> None:
    got = rows(small_lake, "SELECT story_id, articles, copies, crawl_date FROM stories "
                           "ORDER BY story_id")
    assert got == [("s1", 4, 3, DAY3), ("s2", 1, 0, DAY1), ("s3", 2, 1, DAY2),
                   ("s4", 1, 0, DAY2), ("s5", 1, 0, DAY3)]
    assert rows(small_lake, "SELECT count(*) FROM stories_history") == [(6,)]


def test_articles_between(small_lake: Path) -> None:
    got = rows(small_lake, "SELECT article_id FROM articles_between('2024-03-02', '2024-03-03') "
                           "ORDER BY article_id")
    assert [r[0] for r in got] == ["a3", "a4", "b2", "b3", "c2"]
    assert rows(small_lake, "SELECT count(*) FROM articles_between('2024-04-01', '2024-04-30')"
                ) == [(0,)]


def test_stories_with_copies(small_lake: Path) -> None:
    got = rows(small_lake, "SELECT story_id, title, original_site, articles, copies, sites "
                           "FROM stories_with_copies('2024-03-01', '2024-03-03')")
    assert got == [
        ("s1", "Election results announced", "a.com", 4, 3, ["a.com", "b.com", "c.com"]),
        ("s3", "Budget talks", "a.com", 2, 1, ["a.com", "b.com"]),
    ]
    members = rows(small_lake, "SELECT members FROM stories_with_copies('2024-03-01', "
                               "'2024-03-01')")[0][0]
    assert [(m["site"], m["is_original"]) for m in members] == [
        ("a.com", True), ("b.com", False), ("c.com", False)]
    # only one article of s1 on day 3: no story with copies that day
    assert rows(small_lake, "SELECT * FROM stories_with_copies('2024-03-03', '2024-03-03')") == []


def test_syndication_lag(small_lake: Path) -> None:
    got = rows(small_lake, "SELECT site, copies, original_sites, median_lag_min, mean_lag_min, "
                           "min_lag_min, max_lag_min "
                           "FROM syndication_lag('2024-03-01', '2024-03-03')")
    assert got == [("b.com", 2, 1, 45.0, 45.0, 30.0, 60.0),
                   ("c.com", 2, 1, 1575.0, 1575.0, 150.0, 3000.0)]
    day1 = rows(small_lake, "SELECT site, median_lag_min FROM syndication_lag('2024-03-01', "
                            "'2024-03-01')")
    assert day1 == [("b.com", 60.0), ("c.com", 150.0)]


def test_top_sites(small_lake: Path) -> None:
    got = rows(small_lake, "SELECT site, articles, originals, share_pct "
                           "FROM top_sites('2024-03-01', '2024-03-03')")
    assert got == [("a.com", 4, 4, 44.44), ("b.com", 3, 1, 33.33), ("c.com", 2, 0, 22.22)]
    assert rows(small_lake, "SELECT site FROM top_sites('2024-03-01', '2024-03-03', n := 1)"
                ) == [("a.com",)]


def test_keyword_coverage(small_lake: Path) -> None:
    got = rows(small_lake, "SELECT day, articles, matching, share_pct "
                           "FROM keyword_coverage('ELECTION', '2024-03-01', '2024-03-03')")
    assert got == [(DAY1, 4, 3, 75.0), (DAY2, 3, 2, 66.67), (DAY3, 2, 1, 50.0)]
    weather = rows(small_lake, "SELECT sum(matching) FROM keyword_coverage('sunny', "
                               "'2024-03-01', '2024-03-03')")
    assert weather == [(1,)]


def test_empty_lake_views_work(tmp_path: Path) -> None:
    from newslake.lake import ducklake

    ducklake.connect(str(tmp_path), read_only=False).close()
    con = connect(str(tmp_path))
    try:
        for table in schema.TABLES:
            assert con.sql(f"SELECT count(*) FROM {table}").fetchone() == (0,)
        assert con.sql("SELECT * FROM top_sites('2024-01-01', '2024-12-31')").fetchall() == []
    finally:
        con.close()


def test_the_duckdb_cli_opens_the_lake_with_one_command(small_lake: Path) -> None:
    script = write_catalog(str(small_lake))
    assert script == str(small_lake / "newslake.sql")
    cli = Path(sys.executable).with_name("duckdb")
    if not cli.exists():
        pytest.skip("duckdb CLI (PyPI duckdb-cli) not installed in this environment")
    version = subprocess.run([str(cli), "--version"], capture_output=True, text=True)
    import duckdb

    assert version.stdout.split()[0] == "v" + duckdb.__version__  # same extension files
    query = ("SELECT count(*) FROM articles; SELECT site FROM top_sites('2024-03-01', "
             "'2024-03-03', n := 1); SELECT count(*) FROM quotes;")
    out = subprocess.run([str(cli), "-init", script, "-csv", "-noheader", "-c", query],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-3:] == ["9", "a.com", "0"]
    denied = subprocess.run([str(cli), "-init", script, "-c", "DELETE FROM lake.articles"],
                            capture_output=True, text=True, timeout=120)
    assert "read-only" in (denied.stdout + denied.stderr)


def test_run_sql_bad_query_raises_duckdb_error(small_lake: Path) -> None:
    import duckdb

    with pytest.raises(duckdb.Error):
        run_sql(str(small_lake), "SELECT nope FROM articles")


def test_keyword_coverage_matches_the_keyword_literally(small_lake: Path) -> None:
    def total(keyword: str) -> int:
        return rows(small_lake, f"SELECT sum(matching) FROM keyword_coverage('{keyword}', "
                                "'2024-03-01', '2024-03-03')")[0][0]

    assert total("night.") == 4  # a1, b1, c1, c2: "... all night."
    assert total("nigh.") == 0  # '.' is not a wildcard
    assert total("c++ (x)") == 0  # regex metacharacters are escaped, no error
