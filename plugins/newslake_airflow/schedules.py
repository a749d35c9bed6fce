"""Cron schedules of the polling DAGs on the UTC grid of the micro-batch cut-offs.

Feed polls and micro-batches meet at the cut-offs (multiples of the batch interval since
midnight UTC, see ``newslake.crawl.schedule.align_to_batches``): ``feed_poll`` runs on the
grid, ``frontier_batch`` a few minutes after each cut-off, once that poll has committed.
Imported by DAG files at parse time: standard library only.
"""

from __future__ import annotations


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
