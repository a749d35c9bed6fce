"""Daily ingestion: feeds → pages → articles → stories → validated lake partitions.

Wiring only: the first task resolves the run's settings and context, every other task
calls a stage of newslake.pipeline.stages with the step results of the tasks it depends on
(newslake.pipeline.results) and returns its own.
"""


from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import TriggerRule, dag, task
from airflow.sdk.exceptions import AirflowSkipException
from newslake_airflow.assets import LAKE_ASSET
from newslake_airflow.schedules import ingest_end_date
from newslake_airflow.tasks import (
    DEFAULT_ARGS,
    context_of,
    dedup_extracted,
    fan_out,
    publish_validated,
    run_context,
    stage,
)

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

**Settings** (environment of the worker running the first task, `context`, which passes them
to every other task): `NEWSLAKE_LAKE` (the lake: a directory or `s3://bucket/prefix`),
`NEWSLAKE_SOURCES` (the sources file), `NEWSLAKE_STAGING` (staging shared by the workers),
`NEWSLAKE_CATALOG` (must be the same on every worker). `NEWSLAKE_INGEST_END_DATE`
(`YYYY-MM-DD`, optional, read where the DAG file is parsed: the last day the DAG runs for;
the demo pins it to 2022-04-03). The run's logical date is the crawl date; no params.

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
    @task
    @stage
    def context() -> dict:
        return run_context()

    @task(retry_delay=timedelta(minutes=2), retries=5)
    @stage
    def close_frontier(ctx: dict) -> dict:
        from newslake.pipeline.polling import close_day

        run = context_of(ctx)
        return close_day(run.settings, None, run.crawl_date, run.run_id)

    @task
    @stage
    def sources(ctx: dict, closed: dict) -> list[str]:
        from newslake.pipeline import stages

        if closed["polled"]:
            raise AirflowSkipException(f"{closed['crawl_date']} was polled: closed from the "
                                       "frontier")
        return fan_out(stages.stage_sources(context_of(ctx)), "source_ids")

    @task(map_index_template="{{ task.op_kwargs['source_id'] }}")
    @stage
    def discover(ctx: dict, source_id: str) -> dict:
        from newslake.pipeline import stages

        return stages.stage_discover(context_of(ctx), source_id).to_xcom()

    @task
    @stage
    def plan(ctx: dict, discovered: list[dict]) -> list[str]:
        from newslake.pipeline import stages
        from newslake.pipeline.results import DiscoverStep

        steps = [DiscoverStep.from_xcom(d) for d in discovered]
        return fan_out(stages.stage_plan(context_of(ctx), steps), "plan_files")

    @task
    @stage
    def fetch(ctx: dict, plan_file: str) -> dict:
        from newslake.pipeline import stages

        return stages.stage_fetch(context_of(ctx), plan_file).to_xcom()

    @task
    @stage
    def extract(ctx: dict, fetched: dict) -> dict:
        from newslake.pipeline import stages
        from newslake.pipeline.results import FetchStep

        return stages.stage_extract(context_of(ctx), FetchStep.from_xcom(fetched)).to_xcom()

    @task
    @stage
    def dedup(ctx: dict, extracted: list[dict]) -> dict:
        return dedup_extracted(ctx, extracted)

    @task
    @stage
    def validate(ctx: dict, deduped: dict, discovered: list[dict], fetched: list[dict]) -> dict:
        from newslake.pipeline import stages
        from newslake.pipeline.results import DedupStep, DiscoverStep, FetchStep

        result = stages.stage_validate(context_of(ctx), DedupStep.from_xcom(deduped),
                                       [DiscoverStep.from_xcom(d) for d in discovered],
                                       [FetchStep.from_xcom(f) for f in fetched])
        print(f"Data Docs: {result.docs}")
        return result.to_xcom()

    @task
    @stage
    def publish(ctx: dict, validated: dict) -> dict:
        return publish_validated(ctx, validated)

    @task(outlets=[LAKE_ASSET], trigger_rule=TriggerRule.NONE_FAILED)
    def lake_updated(closed: dict) -> dict:
        return closed

    ctx = context()
    closed = close_frontier(ctx)
    enabled = sources(ctx, closed)
    discovered = discover.partial(ctx=ctx).expand(source_id=enabled)
    fetched = fetch.partial(ctx=ctx).expand(plan_file=plan(ctx, discovered))
    extracted = extract.partial(ctx=ctx).expand(fetched=fetched)
    validated = validate(ctx, dedup(ctx, extracted), discovered, fetched)
    publish(ctx, validated) >> lake_updated(closed)


news_ingest()
