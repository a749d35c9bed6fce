"""Assets shared by producer and consumer DAGs."""

from __future__ import annotations

from airflow.sdk import Asset

LAKE_ASSET = Asset("newslake://lake")
"""Updated whenever a day is published to the lake (ingest or WARC import)."""
