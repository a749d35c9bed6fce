"""Cron schedules of the polling DAGs on the UTC grid of the micro-batch cut-offs, and the
last crawl day of ``news_ingest`` (:func:`ingest_end_date`).

Feed polls and micro-batches meet at the cut-offs (multiples of the batch interval since
midnight UTC, see ``newslake.crawl.schedule.align_to_batches``): ``feed_poll`` runs on the
grid, ``frontier_batch`` a few minutes after each cut-off, once that poll has committed.
Imported by DAG files at parse time: standard library only.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

INGEST_END_DATE_ENV = "NEWSLAKE_INGEST_END_DATE"
"""Names the last crawl day ``news_ingest`` runs for (``YYYY-MM-DD``); unset or empty: no end."""


def ingest_end_date() -> datetime | None:
    """The ``end_date`` of ``news_ingest``: midnight UTC of ``$NEWSLAKE_INGEST_END_DATE``, or
    None when it is unset or empty. The demo sets it to its last day, so its Airflow creates no
    run for a later day (today's, when the DAG is unpaused)."""
    value = os.environ.get(INGEST_END_DATE_ENV, "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{INGEST_END_DATE_ENV}={value!r}: not a date (YYYY-MM-DD)") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def every_minutes_cron(minutes: int, offset: int = 0) -> str:
    """A cron expression firing every ``minutes`` minutes on the UTC grid (multiples of
    ``minutes`` since midnight), ``offset`` minutes after each grid time. ``minutes`` must
    divide an hour or be whole hours dividing a day.
    """
    if minutes <= 0 or not 0 <= offset < min(minutes, 60):
        raise ValueError(f"every {minutes} minutes, offset {offset}: not a schedule")
    if 60 % minutes == 0:
        return f"{offset}-59/{minutes} * * * *" if minutes < 60 else f"{offset} * * * *"
    if minutes % 60 == 0 and 1440 % minutes == 0:
        return f"{offset} */{minutes // 60} * * *"
    raise ValueError(f"every {minutes} minutes: use a divisor of 60 or whole hours dividing 24")
