"""The lake: partitioned Parquet published atomically, read through Arrow or DuckDB.

Public API: :func:`publish_day`, :func:`remove_day`, :func:`read_table`,
:func:`published_dates`, :func:`seen_urls` (this module) and :mod:`newslake.lake.catalog`
for DuckDB.
"""

from __future__ import annotations

from newslake.lake.publish import PublishInfo, publish_day, remove_day
from newslake.lake.read import published_dates, read_table
from newslake.lake.seen import seen_urls

LAKE_ASSET_URI = "newslake://lake"
"""URI of the Airflow Asset updated whenever a day is published."""

__all__ = [
    "LAKE_ASSET_URI",
    "PublishInfo",
    "publish_day",
    "published_dates",
    "read_table",
    "remove_day",
    "seen_urls",
]
