"""Import pages from WARC files (for example a CC-NEWS file): extract → dedup → validate → publish.

Trigger with the params ``files`` (paths readable by the workers) and optionally ``date``.
``files`` checks the files, ``context`` resolves the import's settings, producer and day
and takes the day; one mapped ``extract`` task per file; dedup, validate and publish follow,
each taking the step results of the one before.
"""


from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, dag, task
from newslake_airflow.assets import LAKE_ASSET
from newslake_airflow.tasks import (
    DEFAULT_ARGS,
    context_of,
    dedup_extracted,
    import_files,
    import_run_context,
    publish_validated,
    stage,
)

DOC_MD = """
### warc_import: pages from WARC files into the lake

**What it does.** Extracts, deduplicates, validates and publishes the HTML responses of WARC
files (for example a Common Crawl news file) under one crawl date, as producer
`warc-<hash of the file names>`: importing the same files again replaces that import exactly.
Any language is accepted (imported pages come from anywhere).

**Params** (Trigger DAG w/ config):
- `files`: list of `.warc` / `.warc.gz` paths readable by the workers (required);
- `date`: the crawl date, `YYYY-MM-DD` (default: the date of the first record).

**When it fails.** A missing or unreadable file fails at once with its path in the log: fix
the path and trigger again. A batch-level validation failure publishes nothing; see
`validation_log` and the Data Docs (`<lake>/_docs/index.html`).
"""
"""What operators read in the DAG docs panel of the Airflow UI."""


@dag(
    dag_id="warc_import",
    schedule=None,
    start_date=datetime(2022, 4, 1),
    catchup=False,
    default_args=DEFAULT_ARGS,
    dagrun_timeout=timedelta(hours=12),
    tags=["newslake", "import"],
    params={
        "files": Param([], type="array", items={"type": "string"}, description="WARC file paths"),
        "date": Param(None, type=["null", "string"], description="crawl_date (YYYY-MM-DD)"),
    },
    doc_md=DOC_MD,
)
def warc_import():
    @task
    @stage
    def files(params: dict | None = None) -> list[dict]:
        return import_files(params or {})

    @task
    @stage
    def context(inputs: list[dict], params: dict | None = None) -> dict:
        return import_run_context(inputs, params or {})

    @task(map_index_template="{{ task.op_kwargs['file']['name'] }}")
    @stage
    def extract(ctx: dict, file: dict) -> dict:
        from newslake.pipeline.runs import extract_warc

        return extract_warc(context_of(ctx), file["name"], file["path"]).to_xcom()

    @task
    @stage
    def dedup(ctx: dict, extracted: list[dict]) -> dict:
        return dedup_extracted(ctx, extracted)

    @task
    @stage
    def validate(ctx: dict, deduped: dict) -> dict:
        from newslake.pipeline import stages
        from newslake.pipeline.results import DedupStep

        # Imported pages come from anywhere: any language passes.
        result = stages.stage_validate(context_of(ctx), DedupStep.from_xcom(deduped),
                                       restrict_languages=False)
        print(f"Data Docs: {result.docs}")
        return result.to_xcom()

    @task(outlets=[LAKE_ASSET])
    @stage
    def publish(ctx: dict, validated: dict) -> dict:
        return publish_validated(ctx, validated)

    inputs = files()
    ctx = context(inputs)
    extracted = extract.partial(ctx=ctx).expand(file=inputs)
    publish(ctx, validate(ctx, dedup(ctx, extracted)))


warc_import()
