"""The lake commands of README.md and docs/LAKE.md, run as written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from newslake.cli import main
from newslake.lake import read_table, schema

pytestmark = [pytest.mark.timeout(600), pytest.mark.integration]


def test_sql_snapshots_as_of_and_check(small_lake: Path, capsys) -> None:
    lake = str(small_lake)
    assert main(["sql", "--lake", lake,
                 "SELECT * FROM top_sites('2024-01-01', '2024-12-31', n := 5)"]) == 0
    assert "a.com" in capsys.readouterr().out
    assert main(["snapshots", "--lake", lake, "--format", "json"]) == 0
    import json

    snaps = json.loads(capsys.readouterr().out)
    publishes = [s for s in snaps if s["message"] == "publish"]
    assert [s["crawl_date"] for s in publishes] == ["2024-03-01", "2024-03-02", "2024-03-03"]
    assert all(s["producer"] == "ingest" and s["run_id"] for s in publishes)
    first = publishes[0]["snapshot_id"]
    assert main(["sql", "--lake", lake, "--as-of", str(first), "--format", "csv",
                 "SELECT count(*) FROM articles"]) == 0
    assert capsys.readouterr().out.split() == ["count_star()", "4"]
    assert main(["check", "--lake", lake]) == 0
    assert "0 damaged" in capsys.readouterr().out
    assert main(["sql", "--lake", lake, "--as-of", "yesterday", "SELECT 1"]) == 1
    assert "--as-of" in capsys.readouterr().err


def test_views_file_from_the_docs(small_lake: Path, tmp_path: Path, capsys,
                                  monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    lake = str(small_lake)
    assert main(["sql", "--lake", lake, "--views", "my_views.duckdb",
                 "CREATE VIEW mine.busy_days AS SELECT crawl_date, count(*) AS n FROM articles "
                 "GROUP BY 1"]) == 0
    capsys.readouterr()
    assert main(["sql", "--lake", lake, "--views", "my_views.duckdb", "--format", "csv",
                 "SELECT * FROM mine.busy_days ORDER BY n DESC LIMIT 3"]) == 0
    out = capsys.readouterr().out.split()
    assert out[:2] == ["crawl_date,n", "2024-03-01,4"]


def test_migrate_lake_converts_the_former_layout(tmp_path: Path, capsys) -> None:
    lake = tmp_path / "old"
    day = lake / "articles" / "crawl_date=2022-04-01"
    day.mkdir(parents=True)
    pq.write_table(pa.table({"article_id": ["a", "b"], "url": ["u1", "u2"]}),
                   day / "part-ingest.parquet")
    merged = pa.table({"article_id": ["c", "d", "e"], "url": ["u3", "u4", "u5"]})
    merged = merged.replace_schema_metadata(
        {b"newslake.segments": b'[["warc-1", 1], ["warc-2", 2]]'})
    day2 = lake / "articles" / "crawl_date=2022-04-02"
    day2.mkdir(parents=True)
    pq.write_table(merged, day2 / "part-_compacted.parquet")
    log_dir = lake / "fetch_log" / "crawl_date=2022-04-01"
    log_dir.mkdir(parents=True)
    pq.write_table(pa.table({"url": ["u1"], "kind": ["page"]}), log_dir / "part-ingest.parquet")
    assert main(["migrate-lake", "--lake", str(lake)]) == 0
    assert "migrated 3 day/producer parts" in capsys.readouterr().out
    assert main(["migrate-lake", "--lake", str(lake)]) == 0  # idempotent
    got = read_table(str(lake), "articles", columns=["article_id", "crawl_date"]).to_pylist()
    assert sorted((r["crawl_date"], r["article_id"]) for r in got) == [
        (date(2022, 4, 1), "a"), (date(2022, 4, 1), "b"), (date(2022, 4, 2), "c"),
        (date(2022, 4, 2), "d"), (date(2022, 4, 2), "e")]
    assert read_table(str(lake), "fetch_log").num_rows == 1
    assert read_table(str(lake), "url_index").num_rows == 5  # "already seen?" needs no scan
    assert schema.TABLES  # the registry drives the conversion
