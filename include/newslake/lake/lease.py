"""Run leases in the lake's catalog: one run at a time per crawl day and producer.

A run takes the lease of its ``(crawl_date, producer)`` when it starts and renews it at each
stage; another run of the same day and producer is refused with a one-line message naming
the holder. The lease expires ``$NEWSLAKE_LEASE_SECONDS`` (default 3600) after its last
renewal, so a run whose worker died frees the day without an operator. It is one row of
``newslake_run_lease`` in the catalog database (the SQLite file or the PostgreSQL database
of :mod:`newslake.lake.ducklake`), taken with one atomic upsert.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, date, datetime
from typing import Any

from newslake.exceptions import TerminalError
from newslake.lake.ducklake import Location, location

LEASE_SECONDS = 3600.0
TABLE = "newslake_run_lease"
CREATE_SQL = (f"CREATE TABLE IF NOT EXISTS {TABLE} (crawl_date TEXT NOT NULL, "
              "producer TEXT NOT NULL, run_id TEXT NOT NULL, expires_at DOUBLE PRECISION "
              "NOT NULL, PRIMARY KEY (crawl_date, producer))")
TAKE_SQL = (f"INSERT INTO {TABLE} (crawl_date, producer, run_id, expires_at) VALUES "
            "({p}, {p}, {p}, {p}) ON CONFLICT (crawl_date, producer) DO UPDATE SET "
            "run_id = excluded.run_id, expires_at = excluded.expires_at "
            f"WHERE {TABLE}.run_id = excluded.run_id OR {TABLE}.expires_at < {{p}} "
            "RETURNING run_id")


class LeaseHeld(TerminalError):
    """Another run holds the crawl day."""


def lease_seconds() -> float:
    """The lease duration (``$NEWSLAKE_LEASE_SECONDS``, default 3600)."""
    return float(os.environ.get("NEWSLAKE_LEASE_SECONDS") or LEASE_SECONDS)


def _connect(loc: Location) -> tuple[Any, str]:
    kind, target = loc.metadata.split(":", 1)
    if kind == "sqlite":
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return sqlite3.connect(target, timeout=60, isolation_level=None), "?"
    import psycopg

    return psycopg.connect(target, autocommit=True), "%s"


def acquire(lake: str, crawl_date: date, producer: str, run_id: str,
            seconds: float | None = None) -> None:
    """Take or renew the lease of ``(crawl_date, producer)`` for ``run_id``.

    Raises :class:`LeaseHeld` when another run holds it and it has not expired.
    """
    from newslake.lake import ducklake

    if not ducklake.exists(lake):  # the lease lives beside a DuckLake: create it first
        ducklake.connect(lake, read_only=False).close()
    now = time.time()
    expires = now + (seconds if seconds is not None else lease_seconds())
    db, p = _connect(location(lake))
    try:
        db.execute(CREATE_SQL)
        day = crawl_date.isoformat()
        taken = db.execute(TAKE_SQL.format(p=p), [day, producer, run_id, expires, now]
                           ).fetchall()
        if taken:
            return
        row = db.execute(f"SELECT run_id, expires_at FROM {TABLE} WHERE crawl_date = {p} "
                         f"AND producer = {p}", [day, producer]).fetchone()
    finally:
        db.close()
    holder, until = (row or ("?", now))
    until_text = datetime.fromtimestamp(until, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    raise LeaseHeld(f"crawl day {crawl_date} of producer {producer} is held by run "
                    f"{holder} (lease until {until_text}); refusing run {run_id}")


def release(lake: str, crawl_date: date, producer: str, run_id: str) -> bool:
    """Give the lease back (only ``run_id``'s own); returns whether it was held."""
    db, p = _connect(location(lake))
    try:
        db.execute(CREATE_SQL)
        cursor = db.execute(f"DELETE FROM {TABLE} WHERE crawl_date = {p} AND producer = {p} "
                            f"AND run_id = {p}", [crawl_date.isoformat(), producer, run_id])
        return (cursor.rowcount or 0) > 0
    finally:
        db.close()


def holder(lake: str, crawl_date: date, producer: str) -> str | None:
    """The run holding an unexpired lease of the day, or ``None``."""
    db, p = _connect(location(lake))
    try:
        db.execute(CREATE_SQL)
        row = db.execute(f"SELECT run_id FROM {TABLE} WHERE crawl_date = {p} AND "
                         f"producer = {p} AND expires_at >= {p}",
                         [crawl_date.isoformat(), producer, time.time()]).fetchone()
    finally:
        db.close()
    return row[0] if row else None
