"""Daily ingestion: feeds → pages → articles → stories → validated lake partitions.

Wiring only; every task calls a stage of newslake.pipeline.stages.
"""


from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import TriggerRule, dag, task
from airflow.sdk.exceptions import AirflowSkipException
from newslake_airflow.assets import LAKE_ASSET
from newslake_airflow.schedules import ingest_end_date
from newslake_airflow.tasks import DEFAULT_ARGS, run_context, stage

DOC_MD = """
### news_ingest: one crawl day into the lake

**What it does.** Each run covers one crawl day, its data interval `[D 00:00 UTC, D+1 00:00 UTC)`.
*When the feeds were polled through day D* (`feed_poll`, `frontier_batch`), the run closes D:
`close_frontier` fetches and publishes the entries first seen on D that no micro-batch took
(an article a micro-batch published is not published again) and the feed tasks are skipped.
*Otherwise* (a day never polled, e.g. a backfill from a feed snapshot)
it reads the sources file, discovers new article URLs in every enabled feed (one mapped
`discover` task per source), fetches the pages in batches into WARC files, extracts and
deduplicates them, validates the batch with Great Expectations and publishes the day's
partitions atomically. A re-run of a day replaces that day exactly. Either way the last task,
`lake_updated`, updates the `newslake://lake` asset, which starts `lake_maintenance`.

**Settings** (environment of the workers): `NEWSLAKE_LAKE` (the lake: a directory or
`s3://bucket/prefix`), `NEWSLAKE_SOURCES` (the sources file); `NEWSLAKE_INGEST_END_DATE`
(`YYYY-MM-DD`, optional: the last day the DAG runs for; the demo pins it to 2022-04-03). The
run's logical date is the crawl date; no params.

**When it fails.**
- *A discover or fetch task failed*: one source failing does not fail the run (its rows in
  `fetch_log` carry the `error_class`); the run fails only when every source failed, which
  usually means the network or the sources file: check
  `newslake sql "SELECT source_id, error_class, error FROM fetch_log WHERE crawl_date = 'D'"`.
- *`validate` failed*: a batch-level expectation failed (for example a source whose pages
  suddenly yield empty bodies). Nothing was published for the day; `validation_log` and the
  Data Docs (`<lake>/_docs/index.html`) say which expectation. Fix the source or the suite, then
  clear the run to re-run the day.
- *`close_frontier` is retried*: a micro-batch still holds entries of D; the close waits
  for it to commit.
- *Transient errors* (timeouts, 5xx, a held lock) are retried 3 times with backoff; terminal
  ones (bad configuration, a missing file) fail at once with a one-line message in the log.
"""
"""What operators read in the DAG docs panel of the Airflow UI."""


@dag(
    dag_id="news_ingest",
    schedule="@daily",
    start_date=datetime(2022, 4, 1),
    end_date=ingest_end_date(),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=6),
    tags=["newslake", "ingest"],
    doc_md=DOC_MD,
)
def news_ingest():
    @task(retry_delay=timedelta(minutes=2), retries=5)
    @stage
    def close_frontier() -> dict:
        from newslake.pipeline import RunContext
        from newslake.pipeline.polling import close_day

        ctx = RunContext.from_dict(run_context())
        return close_day(ctx.lake, ctx.sources_path, ctx.crawl_date, ctx.run_id)

    @task
    @stage
    def sources(closed: dict) -> list[dict]:
        from newslake.pipeline import RunContext, stages

        if closed["polled"]:
            raise AirflowSkipException(f"{closed['crawl_date']} was polled: closed from the "
                                       "frontier")
        ctx = run_context()
        return [
            {"ctx": ctx, "source_id": sid}
            for sid in stages.stage_sources(RunContext.from_dict(ctx))
        ]

    @task(map_index_template="{{ task.op_kwargs['item']['source_id'] }}")
    @stage
    def discover(item: dict) -> dict:
        from newslake.pipeline import RunContext, stages

        return stages.stage_discover(RunContext.from_dict(item["ctx"]), item["source_id"])

    @task
    @stage
    def plan(discovered: list[dict]) -> list[int]:
        from newslake.pipeline import RunContext, stages

        return stages.stage_plan(RunContext.from_dict(run_context()), discovered)

    @task
    @stage
    def fetch(batch: int) -> int:
        from newslake.pipeline import RunContext, stages

        stages.stage_fetch(RunContext.from_dict(run_context()), batch)
        return batch

    @task
    @stage
    def extract(batch: int) -> dict:
        from newslake.pipeline import RunContext, stages

        return stages.stage_extract(RunContext.from_dict(run_context()), batch)

    @task
    @stage
    def dedup(extracted: list[dict]) -> dict:
        from newslake.pipeline import RunContext, stages

        return stages.stage_dedup(RunContext.from_dict(run_context()))

    @task
    @stage
    def validate(deduped: dict) -> dict:
        from newslake.pipeline import RunContext, stages

        result = stages.stage_validate(RunContext.from_dict(run_context()))
        print(f"Data Docs: {result['docs']}")
        return result

    @task
    @stage
    def publish(validated: dict) -> dict:
        from newslake.pipeline import RunContext, stages

        return stages.stage_publish(RunContext.from_dict(run_context()))

    @task(outlets=[LAKE_ASSET], trigger_rule=TriggerRule.NONE_FAILED)
    def lake_updated(closed: dict) -> dict:
        return closed

    closed = close_frontier()
    discovered = discover.expand(item=sources(closed))
    batches = plan(discovered)
    extracted = extract.expand(batch=fetch.expand(batch=batches))
    publish(validate(dedup(extracted))) >> lake_updated(closed)


news_ingest()
