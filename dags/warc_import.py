"""Import pages from WARC files (for example a CC-NEWS file): extract → dedup → validate → publish.

Trigger with the params ``files`` (paths readable by the workers) and optionally ``date``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import Param, dag, task
from newslake_airflow.assets import LAKE_ASSET
from newslake_airflow.tasks import DEFAULT_ARGS, lake_path, sources_path, stage


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
    doc_md=__doc__,
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
