"""Daily ingestion: feeds → pages → articles → stories → validated lake partitions.

Wiring only; every task calls a stage of :mod:`newslake.pipeline.stages`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task
from newslake_airflow.assets import LAKE_ASSET
from newslake_airflow.tasks import DEFAULT_ARGS, run_context, stage


@dag(
    dag_id="news_ingest",
    schedule="@daily",
    start_date=datetime(2022, 4, 1),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=6),
    tags=["newslake", "ingest"],
    doc_md=__doc__,
)
def news_ingest():
    @task
    @stage
    def sources() -> list[dict]:
        from newslake.pipeline import RunContext, stages

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

    @task(outlets=[LAKE_ASSET])
    @stage
    def publish(validated: dict) -> dict:
        from newslake.pipeline import RunContext, stages

        return stages.stage_publish(RunContext.from_dict(run_context()))

    discovered = discover.expand(item=sources())
    batches = plan(discovered)
    extracted = extract.expand(batch=fetch.expand(batch=batches))
    publish(validate(dedup(extracted)))


news_ingest()
