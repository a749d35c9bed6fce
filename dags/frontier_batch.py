"""Micro-batches: every hour (``NEWSLAKE_BATCH_MINUTES``), claim the pending frontier entries
of each crawl day, then fetch, extract, deduplicate, validate and publish each claimed day in
its own mapped task, one commit per day, so an article is queryable within about an hour of
appearing in its feed.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import CronTriggerTimetable, dag, task
from newslake_airflow.schedules import every_minutes_cron
from newslake_airflow.tasks import DEFAULT_ARGS, settings, settings_of, stage

BATCH_MINUTES = int(os.environ.get("NEWSLAKE_BATCH_MINUTES", "60"))
BATCH_DELAY_MINUTES = min(5, BATCH_MINUTES // 2)
"""Each batch starts this long after its cut-off, once the cut-off's poll has committed."""


DOC_MD = """
### frontier_batch: publish the pending frontier entries

**What it does.** Every hour (`NEWSLAKE_BATCH_MINUTES`, on the UTC grid, 5 minutes after
each cut-off so that the cut-off's poll has committed), `claim` takes the frontier entries
still pending, one claim per crawl day, and one mapped `process` task per claimed day fetches,
extracts, deduplicates, validates and publishes them in one commit, so an article is queryable
within about an hour of appearing in its feed.

**Settings**: `NEWSLAKE_LAKE`, `NEWSLAKE_SOURCES`, `NEWSLAKE_STAGING`, `NEWSLAKE_CATALOG`,
resolved once by `context` and passed to the other tasks; `NEWSLAKE_BATCH_MINUTES` (default
60). No params.

**When it fails.** A `process` task that fails keeps its day's entries claimed: its retries
process exactly those entries, and if every try fails the claim lapses after an hour and a
later run takes them again. A batch-level validation failure publishes nothing for that day:
see `validation_log` and the Data Docs (`<lake>/_docs/index.html`), fix the cause, then clear
the run.
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
    def context() -> dict:
        return settings().to_dict()

    @task
    @stage
    def claim(ctx: dict) -> list[dict]:
        from airflow.sdk import get_current_context
        from newslake.pipeline.polling import claim_pending

        claims = claim_pending(settings_of(ctx), get_current_context()["run_id"])
        return [c.to_xcom() for c in claims]

    @task(map_index_template="{{ task.op_kwargs['claimed']['crawl_date'] }}")
    @stage
    def process(ctx: dict, claimed: dict) -> dict:
        from airflow.sdk import get_current_context
        from newslake.pipeline.polling import process_claimed
        from newslake.pipeline.results import ClaimStep

        return process_claimed(settings_of(ctx), ClaimStep.from_xcom(claimed),
                               get_current_context()["run_id"]).to_xcom()

    ctx = context()
    process.partial(ctx=ctx).expand(claimed=claim(ctx))


frontier_batch()
