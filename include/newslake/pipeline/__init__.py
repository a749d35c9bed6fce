"""Pipeline stages and whole runs; the DAGs and the CLI call these."""

from newslake.pipeline.runs import RunInfo, import_warc, ingest_day, reextract_day
from newslake.pipeline.staging import RunContext

__all__ = ["RunContext", "RunInfo", "import_warc", "ingest_day", "reextract_day"]
