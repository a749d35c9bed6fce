"""End to end: the demo web served on 127.0.0.1, `news_ingest` run through Airflow
(`airflow dags test`, SQLite metadata DB), and the lake checked through DuckDB."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from embedded_airflow import embedded_airflow_env

pytestmark = pytest.mark.slow  # runs news_ingest through Airflow

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")
DAYS = ("2022-04-02", "2022-04-03")  # the 404 and 500 are on the 2nd, the seed story on the 3rd
DAY = DAYS[-1]
SEED_TITLE = "Blinken, Stoltenberg hold back on labeling Russia's actions 'genocide'"


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory, demo_address) -> dict[str, str]:
    home = tmp_path_factory.mktemp("airflow")
    return embedded_airflow_env(
        home,
        NEWSLAKE_LAKE=str(home / "lake"),
        NEWSLAKE_SOURCES=str(REPO / "include" / "newslake_demo" / "sources.yaml"),
        NEWSLAKE_DEMO_ADDR=demo_address,
    )


def run_day(env: dict[str, str], day: str) -> None:
    proc = subprocess.run([str(AIRFLOW), "dags", "test", "news_ingest", day], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    assert "Data Docs:" in proc.stdout + proc.stderr, (proc.stdout + proc.stderr)[-6000:]


@pytest.fixture(scope="module")
def lake(airflow_env) -> str:
    for day in DAYS:
        run_day(airflow_env, day)
    return airflow_env["NEWSLAKE_LAKE"]


def query(lake: str, sql: str) -> list[tuple]:
    from newslake.lake.catalog import connect

    con = connect(lake)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_seed_story_fields(lake):
    rows = query(lake, f"""
        SELECT site, authors, original_publisher, tags, is_original, story_id, body
        FROM articles WHERE title = $${SEED_TITLE}$$ AND site = 'politico.com'""")
    assert len(rows) == 1, rows
    site, authors, publisher, tags, is_original, story_id, body = rows[0]
    assert authors == ["Jordan Wolman"]
    assert publisher == "POLITICO"
    assert {"Ukraine", "Genocide"} <= set(tags)
    assert is_original is True and story_id
    assert "Stoltenberg" in body


def test_newsbreak_copy_linked_to_politico_original(lake):
    rows = query(lake, """
        SELECT c.site, c.is_original, c.original_url, c.original_publisher, o.url
        FROM articles c JOIN articles o ON o.story_id = c.story_id AND o.is_original
        WHERE c.site LIKE '%newsbreak%' AND o.site = 'politico.com'
          AND o.title LIKE 'Blinken, Stoltenberg%'""")
    assert rows, "the NewsBreak copy of the seed story is not linked to the POLITICO original"
    site, is_original, original_url, publisher, politico_url = rows[0]
    assert is_original is False
    assert publisher == "POLITICO"
    assert "politico.com" in original_url


def test_different_stories_never_merged(lake):
    rows = query(lake, """
        SELECT story_id, count(DISTINCT site) AS sites, count(*) AS n,
               count(*) FILTER (WHERE is_original) AS originals
        FROM articles GROUP BY story_id HAVING originals <> 1""")
    assert rows == [], f"stories without exactly one original: {rows}"


def test_fetch_failures_recorded(lake):
    rows = dict(query(lake, "SELECT error_class, count(*) FROM fetch_log GROUP BY 1"))
    assert rows.get("http_4xx", 0) >= 1, rows
    assert rows.get("http_5xx", 0) >= 1, rows


def test_bad_row_quarantined(lake):
    rows = query(lake, "SELECT url, failed_expectations, run_id FROM quarantine")
    assert rows, "no row in quarantine"
    assert all(expectations for _, expectations, _ in rows)


def test_rerun_same_day_is_idempotent(lake, airflow_env):
    snapshot = "SELECT crawl_date, article_id, story_id, is_original FROM articles ORDER BY 2"
    before = query(lake, snapshot)
    counts = "SELECT count(*) FROM fetch_log UNION ALL SELECT count(*) FROM quarantine"
    counts_before = query(lake, counts)
    run_day(airflow_env, DAY)
    assert query(lake, snapshot) == before
    assert query(lake, counts) == counts_before
    dupes = query(lake, "SELECT article_id FROM articles GROUP BY 1 HAVING count(*) > 1")
    assert dupes == []


def test_warc_import_dag_rebuilds_a_day_in_a_fresh_lake(lake, airflow_env, tmp_path):
    from newslake.pipeline.runs import committed_warc_files

    raw = committed_warc_files(lake, date(2022, 4, 2))
    assert raw, "the ingest run archived no WARC file"
    env = dict(airflow_env, NEWSLAKE_LAKE=str(tmp_path / "imported"))
    conf = json.dumps({"files": [str(p) for p in raw], "date": "2022-04-02"})
    proc = subprocess.run([str(AIRFLOW), "dags", "test", "warc_import", "2022-04-02", "-c", conf],
                          env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-6000:]
    expected = query(lake, "SELECT count(*) FROM articles WHERE crawl_date = '2022-04-02'")
    assert query(str(tmp_path / "imported"), "SELECT count(*) FROM articles") == expected
