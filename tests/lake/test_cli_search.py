"""``newslake sql``, ``newslake search`` and ``newslake catalog``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from newslake.cli import main
from newslake.lake.search import build_index, search

pytestmark = [pytest.mark.timeout(120), pytest.mark.integration]


def test_sql_table_output(small_lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sql", "SELECT site, count(*) AS n FROM articles GROUP BY 1 ORDER BY 2 DESC",
                 "--lake", str(small_lake)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].split() == ["site", "n"]
    assert set(out[1]) <= {"-", " "}
    assert [line.split() for line in out[2:5]] == [["a.com", "4"], ["b.com", "3"], ["c.com", "2"]]
    assert len({len(line) for line in out[:2]}) == 1  # aligned header and rule
    assert out[-1] == "(3 rows)"


def test_sql_csv_and_json(small_lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = "SELECT day, matching FROM keyword_coverage('election', '2024-03-01', '2024-03-02')"
    assert main(["sql", query, "--format", "csv", "--lake", str(small_lake)]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [["day", "matching"], ["2024-03-01", "3"], ["2024-03-02", "2"]]
    assert main(["sql", query, "--format", "json", "--lake", str(small_lake)]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"day": "2024-03-01", "matching": 3}, {"day": "2024-03-02", "matching": 2}]


def test_bad_query_prints_duckdb_error_without_traceback(small_lake: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from newslake.cli import main; raise SystemExit(main())",
         "sql", "SELEC nope", "--lake", str(small_lake)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert "Parser Error" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_search_finds_ranked_matches_within_dates(tmp_path: Path) -> None:
    from lake_samples import build_small_lake

    lake = str(build_small_lake(tmp_path / "lake"))
    columns, rows = search(lake, "election")
    assert columns[:2] == ["score", "crawl_date"]
    found = [r[-1] for r in rows]
    assert set(found) == {"a1", "b1", "c1", "c2", "a3", "b2"}
    assert all(rows[i][0] >= rows[i + 1][0] for i in range(len(rows) - 1))
    _, day2 = search(lake, "elections", date(2024, 3, 2), date(2024, 3, 2))  # stemmed
    assert sorted(r[-1] for r in day2) == ["a3", "b2"]
    _, bakery = search(lake, "bakery", limit=5)
    assert [r[-1] for r in bakery] == ["b3"]
    assert search(lake, "zeppelin")[1] == []
    assert not (Path(lake) / "_search").exists()  # the postings answered: no index built
    assert build_index(lake).rebuilt is True
    assert build_index(lake).rebuilt is False  # the fts index is reused while current


def test_search_index_follows_new_publishes(tmp_path: Path) -> None:
    from lake_samples import build_small_lake
    from newslake.lake import publish_day, schema

    lake = str(build_small_lake(tmp_path / "lake"))
    assert search(lake, "zeppelin")[1] == []
    publish_day(lake, date(2024, 3, 4), {"articles": schema.conform("articles", [
        {"article_id": "z1", "url": "https://z.com/1", "title": "Zeppelin lands"}])})
    assert [r[-1] for r in search(lake, "zeppelin")[1]] == ["z1"]


def test_search_and_catalog_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from lake_samples import build_small_lake

    lake = str(build_small_lake(tmp_path / "lake"))
    assert main(["search", "bakery", "--from", "2024-03-01", "--to", "2024-03-03",
                 "--limit", "3", "--lake", lake]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:3] == ["score", "crawl_date", "published_at"]
    assert "Local news" in out[2] and out[-1] == "(1 row)"
    assert main(["catalog", "--lake", lake]) == 0
    assert capsys.readouterr().out.strip() == str(Path(lake) / "newslake.sql")
    assert (Path(lake) / "newslake.sql").is_file()


def test_search_on_an_empty_lake_finds_nothing(tmp_path: Path) -> None:
    assert search(str(tmp_path), "anything") == (
        ["score", "crawl_date", "published_at", "site", "title", "url", "article_id"], [])


def test_scores_equal_the_extension_match_bm25(tmp_path: Path) -> None:
    import duckdb
    from lake_samples import build_small_lake
    from newslake.lake.extensions import load_extension

    lake = str(build_small_lake(tmp_path / "lake"))
    _, rows = search(lake, "election results budget", limit=50)
    con = duckdb.connect(build_index(lake).path, read_only=True)
    try:
        load_extension(con, "fts")
        expected = dict(con.execute(
            "SELECT article_id, fts_main_docs.match_bm25(article_id, ?) AS s FROM docs "
            "WHERE s IS NOT NULL", ["election results budget"]).fetchall())
    finally:
        con.close()
    assert {r[-1] for r in rows} == set(expected)
    for row in rows:
        assert row[0] == pytest.approx(expected[row[-1]], rel=1e-9)
