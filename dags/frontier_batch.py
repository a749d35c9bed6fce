"""Micro-batches: every hour (``NEWSLAKE_BATCH_MINUTES``), fetch, extract, deduplicate,
validate and publish the pending frontier entries, one commit per day's batch, so an
article is queryable within about an hour of appearing in its feed.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import dag, task
from newslake_airflow.tasks import DEFAULT_ARGS, lake_path, sources_path, stage

BATCH_MINUTES = int(os.environ.get("NEWSLAKE_BATCH_MINUTES", "60"))


@dag(
    dag_id="frontier_batch",
    schedule=timedelta(minutes=BATCH_MINUTES),
    start_date=datetime(2022, 4, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=3),
    tags=["newslake", "frontier"],
    doc_md=__doc__,
)
def frontier_batch():
    @task
    @stage
    def process() -> list[dict]:
        from airflow.sdk import get_current_context
        from newslake.pipeline.polling import process_pending

        run_id = get_current_context()["run_id"]
        return process_pending(lake_path(), sources_path(), run_id)

    process()


frontier_batch()
