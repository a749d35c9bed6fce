"""Keep the lake tidy after every publish: DuckLake compaction, snapshot expiry and file
cleanup, raw WARC retention, lake stats and the DuckDB CLI init script.

Scheduled on the lake Asset, so it runs after each ingest or WARC import. Retention of
``raw/`` comes from ``$NEWSLAKE_RAW_RETENTION_DAYS`` (days, or ``never``; default 90).
"""


from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task
from newslake_airflow.assets import LAKE_ASSET
from newslake_airflow.tasks import DEFAULT_ARGS, settings, stage

DOC_MD = """
### lake_maintenance: keep the lake tidy after every publish

**What it does.** Runs whenever the `newslake://lake` asset is updated (after each
`news_ingest` day or `warc_import`): deletes temporary files left by interrupted writers,
compacts partitions of many small files, deletes raw WARC files older than the retention,
records files, bytes and rows per table and day in `lake_stats`, and rewrites the DuckDB
catalog (`<lake>/newslake.duckdb`).

**Settings**: `NEWSLAKE_LAKE`; `NEWSLAKE_RAW_RETENTION_DAYS` (days of `raw/` to keep, or
`never`; default 90). No params.

**When it fails.** Every step is safe to repeat: clear the failed task. Readers are never
affected (files are swapped atomically). A failure of `compact` that repeats usually means an
unreadable Parquet file: its path is in the task log; move it aside and re-run the day that
wrote it.
"""
"""What operators read in the DAG docs panel of the Airflow UI."""


@dag(
    dag_id="lake_maintenance",
    schedule=[LAKE_ASSET],
    start_date=datetime(2022, 4, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=2),
    tags=["newslake", "maintenance"],
    doc_md=DOC_MD,
)
def lake_maintenance():
    @task
    @stage
    def compact() -> int:
        from newslake.lake.maintenance import MaintenanceConfig, compact

        return compact(settings().lake, MaintenanceConfig.from_env())

    @task
    @stage
    def expire_snapshots() -> int:
        from newslake.lake.maintenance import MaintenanceConfig, expire_snapshots

        return expire_snapshots(settings().lake, MaintenanceConfig.from_env())

    @task
    @stage
    def clean_files() -> int:
        from newslake.lake.maintenance import MaintenanceConfig, clean_files

        return clean_files(settings().lake, MaintenanceConfig.from_env())

    @task
    @stage
    def apply_retention() -> dict:
        from newslake.lake.maintenance import MaintenanceConfig, apply_retention

        days = MaintenanceConfig.from_env().raw_retention_days
        files, size = apply_retention(settings().lake, days)
        return {"files": files, "bytes": size, "retention_days": days}

    @task
    @stage
    def record_stats() -> int:
        from newslake.lake.maintenance import record_stats

        return record_stats(settings().lake)

    @task
    @stage
    def refresh_catalog() -> str | None:
        from newslake.lake.maintenance import refresh_catalog

        return refresh_catalog(settings().lake)

    (compact() >> expire_snapshots() >> clean_files() >> apply_retention() >> record_stats()
     >> refresh_catalog())


lake_maintenance()
