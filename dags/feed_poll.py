"""Feed polling: every 10 minutes, poll the feeds that are due and commit their new entries
to the lake's frontier (one task, whatever the number of sources).

Each feed's next poll adapts to its rate of new entries (``poll`` in sources.yaml bounds
it); conditional GET, Retry-After, robots.txt Crawl-delay and per-host limits apply.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import CronTriggerTimetable, dag, task
from newslake_airflow.schedules import every_minutes_cron
from newslake_airflow.tasks import DEFAULT_ARGS, settings, stage

POLL_MINUTES = int(os.environ.get("NEWSLAKE_POLL_MINUTES", "10"))
BATCH_MINUTES = int(os.environ.get("NEWSLAKE_BATCH_MINUTES", "60"))


DOC_MD = """
### feed_poll: poll the feeds that are due

**What it does.** Every 10 minutes, polls the feeds whose next poll is due and commits their
new entries to the lake's frontier (the list of article URLs still to fetch). Each feed's
interval adapts to how often it has new entries, within the `poll` bounds of sources.yaml;
conditional GET, Retry-After, robots.txt Crawl-delay and per-host limits apply. A feed
polled less often than the micro-batches (`NEWSLAKE_BATCH_MINUTES`) is polled at a batch
cut-off (on the hour by default), so what it finds is published by the next batch at once.

**Settings**: `NEWSLAKE_LAKE`, `NEWSLAKE_SOURCES`, `NEWSLAKE_BATCH_MINUTES` (default 60, as
for `frontier_batch`). No params.

**When it fails.** One feed failing does not fail the run: its error is recorded in
`fetch_log` (`error_class`) and `newslake feed-health` shows it. A failed run usually means
the lake or the sources file is unreachable or invalid (the log names it); fix that and the
next run catches up, since due feeds stay due.
"""
"""What operators read in the DAG docs panel of the Airflow UI."""


@dag(
    dag_id="feed_poll",
    schedule=CronTriggerTimetable(every_minutes_cron(POLL_MINUTES), timezone="UTC"),
    start_date=datetime(2022, 4, 1),
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "retries": 2, "retry_delay": timedelta(seconds=30)},
    dagrun_timeout=timedelta(minutes=POLL_MINUTES * 3),
    tags=["newslake", "frontier"],
    doc_md=DOC_MD,
)
def feed_poll():
    @task
    @stage
    def poll() -> dict:
        from airflow.sdk import get_current_context
        from newslake.pipeline.polling import poll_due_feeds

        run_id = get_current_context()["run_id"]
        config = settings()
        return poll_due_feeds(config.lake, config.sources, run_id,
                              batch=timedelta(minutes=BATCH_MINUTES)).as_dict()

    poll()


feed_poll()
