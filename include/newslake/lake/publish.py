"""Publication of one crawl day: every table of a producer's day in one DuckLake commit.

``publish_day`` conforms the rows to :mod:`newslake.lake.schema`, orders them by
``published_at``, adds the ``terms``, ``postings`` and ``url_index`` indexes of the articles
and commits everything through :func:`newslake.lake.ducklake.publish`: readers see the old
day or the new one, never a mix, and re-running a producer's day replaces exactly its rows.
"""

from __future__ import annotations

import logging
import re
from datetime import date

import duckdb
import pyarrow as pa

from newslake.exceptions import ConfigError
from newslake.lake import ducklake, schema
from newslake.lake.ducklake import CommitInfo, Hook
from newslake.lake.parquet import sort_rows
from newslake.lake.postings import article_postings
from newslake.lake.seen import url_index_rows
from newslake.lake.terms import INDEX_TABLES, article_terms

log = logging.getLogger(__name__)

PRODUCER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+=-]{0,120}$")
PublishInfo = CommitInfo
"""What :func:`publish_day` committed (snapshot id, rows per table)."""


def check_producer(producer: str) -> str:
    """Validate a producer name (letters, digits, ``._+=-``)."""
    if not PRODUCER_RE.match(producer):
        raise ConfigError(f"invalid producer name {producer!r}")
    return producer


def publish_day(lake: str, crawl_date: date, tables: dict[str, pa.Table],
                producer: str = "ingest", run_id: str | None = None, mode: str = "replace",
                hook: Hook | None = None,
                also_delete: list[tuple[str, str]] | None = None,
                con: duckdb.DuckDBPyConnection | None = None) -> CommitInfo:
    """Replace ``producer``'s rows of ``crawl_date`` in every table of ``tables``, in one commit.

    Publishing ``articles`` also writes their ``terms``, ``postings`` and ``url_index``. An
    empty table still replaces the producer's rows (with none), so a re-run that yields fewer
    rows is exact. Tables not in ``tables`` are left alone. ``mode="append"`` adds rows instead.
    ``also_delete`` lists ``(table, producer)`` rows of the day removed in the same commit.
    ``con`` is an open read-write lake session to reuse (see :func:`ducklake.connect`).
    """
    check_producer(producer)
    unknown = set(tables) - set(schema.TABLES)
    if unknown:
        raise ConfigError(f"unknown lake tables {sorted(unknown)}")
    prepared = with_indexes(tables, producer)
    return ducklake.publish(lake, crawl_date, producer, run_id or f"{producer}-manual",
                            prepared, mode=mode, hook=hook, also_delete=also_delete,
                            con=con)


def with_indexes(tables: dict[str, pa.Table], producer: str) -> dict[str, pa.Table]:
    """Conformed, sorted ``tables`` plus the ``terms``, ``postings`` and ``url_index`` of
    their articles."""
    prepared = {name: sort_rows(schema.conform(name, data)) for name, data in tables.items()}
    if "articles" in prepared and "terms" not in tables:
        prepared["terms"] = article_terms(prepared["articles"], producer)
    if "articles" in prepared and "postings" not in tables:
        prepared["postings"] = article_postings(prepared["articles"], producer)
    if "articles" in prepared and "url_index" not in tables:
        prepared["url_index"] = url_index_rows(prepared["articles"])
    return prepared


def remove_day(lake: str, table: str, crawl_date: date, producer: str = "ingest",
               run_id: str | None = None) -> bool:
    """Remove ``producer``'s rows of one table and day (with their indexes for ``articles``)
    in one commit; returns whether there were any."""
    check_producer(producer)
    if not ducklake.exists(lake):
        return False
    names = [table, *(INDEX_TABLES if table == "articles" else ())]
    con = ducklake.connect(lake)
    try:
        found = con.execute(
            f"SELECT count(*) FROM lake.{table} WHERE crawl_date = ? AND producer = ?",
            [crawl_date, producer]).fetchone()[0]
    finally:
        con.close()
    if not found:
        return False
    ducklake.publish(lake, crawl_date, producer, run_id or f"{producer}-remove",
                     {name: schema.empty(name) for name in names})
    return True
