"""Feed polling: every 10 minutes, poll the feeds that are due and commit their new entries
to the lake's frontier (one task, whatever the number of sources).

Each feed's next poll adapts to its rate of new entries (``poll`` in sources.yaml bounds
it); conditional GET, Retry-After, robots.txt Crawl-delay and per-host limits apply.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import dag, task
from newslake_airflow.tasks import DEFAULT_ARGS, lake_path, sources_path, stage

POLL_MINUTES = int(os.environ.get("NEWSLAKE_POLL_MINUTES", "10"))


@dag(
    dag_id="feed_poll",
    schedule=timedelta(minutes=POLL_MINUTES),
    start_date=datetime(2022, 4, 1),
    catchup=False,
    max_active_runs=1,
    default_args={**DEFAULT_ARGS, "retries": 2, "retry_delay": timedelta(seconds=30)},
    dagrun_timeout=timedelta(minutes=POLL_MINUTES * 3),
    tags=["newslake", "frontier"],
    doc_md=__doc__,
)
def feed_poll():
    @task
    @stage
    def poll() -> dict:
        from airflow.sdk import get_current_context
        from newslake.pipeline.polling import poll_due_feeds

        run_id = get_current_context()["run_id"]
        return poll_due_feeds(lake_path(), sources_path(), run_id).as_dict()

    poll()


feed_poll()
