"""Micro-batches: every hour (``NEWSLAKE_BATCH_MINUTES``), fetch, extract, deduplicate,
validate and publish the pending frontier entries, one commit per day's batch, so an
article is queryable within about an hour of appearing in its feed.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import CronTriggerTimetable, dag, task
from newslake_airflow.schedules import every_minutes_cron
from newslake_airflow.tasks import DEFAULT_ARGS, settings, stage

BATCH_MINUTES = int(os.environ.get("NEWSLAKE_BATCH_MINUTES", "60"))
BATCH_DELAY_MINUTES = min(5, BATCH_MINUTES // 2)
"""Each batch starts this long after its cut-off, once the cut-off's poll has committed."""


DOC_MD = """
### frontier_batch: publish the pending frontier entries

**What it does.** Every hour (`NEWSLAKE_BATCH_MINUTES`, on the UTC grid, 5 minutes after
each cut-off so that the cut-off's poll has committed), fetches, extracts, deduplicates,
validates and publishes the frontier entries still pending, one commit per crawl day's batch,
so an article is queryable within about an hour of appearing in its feed.

**Settings**: `NEWSLAKE_LAKE`, `NEWSLAKE_SOURCES`, `NEWSLAKE_BATCH_MINUTES` (default 60).
No params.

**When it fails.** Entries that were not published stay pending and the next run takes them
again. A batch-level validation failure publishes nothing for that batch: see
`validation_log` and the Data Docs (`<lake>/_docs/index.html`), fix the cause, then clear the
run.
"""
"""What operators read in the DAG docs panel of the Airflow UI."""


@dag(
    dag_id="frontier_batch",
    schedule=CronTriggerTimetable(every_minutes_cron(BATCH_MINUTES, BATCH_DELAY_MINUTES),
                                  timezone="UTC"),
    start_date=datetime(2022, 4, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=3),
    tags=["newslake", "frontier"],
    doc_md=DOC_MD,
)
def frontier_batch():
    @task
    @stage
    def process() -> list[dict]:
        from airflow.sdk import get_current_context
        from newslake.pipeline.polling import process_pending

        run_id = get_current_context()["run_id"]
        return process_pending(settings(), None, run_id)

    process()


frontier_batch()
