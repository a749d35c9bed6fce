"""Import pages from WARC files (for example a CC-NEWS file): extract → dedup → validate → publish.

Trigger with the params ``files`` (paths readable by the workers) and optionally ``date``.
"""


from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, dag, task
from newslake_airflow.assets import LAKE_ASSET
from newslake_airflow.tasks import DEFAULT_ARGS, lake_path, sources_path, stage

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
    @task(outlets=[LAKE_ASSET])
    @stage
    def import_files(params: dict | None = None) -> dict:
        from datetime import date

        from newslake.pipeline import import_warc

        day = date.fromisoformat(params["date"]) if params.get("date") else None
        info = import_warc(list(params["files"]), lake_path(), crawl_date=day,
                           sources_path=sources_path())
        return {"crawl_date": info.crawl_date.isoformat(), "summary": info.summary()}

    import_files()


warc_import()
