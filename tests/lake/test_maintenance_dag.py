"""The lake_maintenance DAG runs end to end through Airflow on a small lake."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from embedded_airflow import embedded_airflow_env
from lake_samples import DAY1, build_small_lake
from newslake.lake import publish_day, read_table, schema

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
AIRFLOW = Path(sys.executable).with_name("airflow")


def test_lake_maintenance_dag_runs(tmp_path: Path) -> None:
    if not AIRFLOW.exists():
        pytest.skip("airflow is not installed in this environment")
    lake = build_small_lake(tmp_path / "lake")
    publish_day(str(lake), DAY1, {"articles": schema.conform(
        "articles", [{"article_id": "w1", "url": "https://w.com/1", "site": "w.com"}])},
        producer="warc-1")
    old_raw = lake / "raw" / "crawl_date=2020-01-01" / "x.warc.gz"
    old_raw.parent.mkdir(parents=True)
    old_raw.write_bytes(b"old")
    env = embedded_airflow_env(tmp_path / "airflow", NEWSLAKE_LAKE=str(lake),
                               NEWSLAKE_RAW_RETENTION_DAYS="30")
    run = subprocess.run([str(AIRFLOW), "dags", "test", "lake_maintenance", "2024-03-04"],
                         env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]

    day1 = lake / "data" / "main" / "articles" / "crawl_date=2024-03-01"
    assert len(list(day1.glob("*.parquet"))) == 1  # two producers' files merged
    assert read_table(str(lake), "articles", dates=[DAY1]).num_rows == 5
    assert not old_raw.parent.exists()
    assert read_table(str(lake), "raw_retention").num_rows == 1
    stats = read_table(str(lake), "lake_stats")
    assert stats.num_rows > 0
    assert (lake / "newslake.sql").is_file()
