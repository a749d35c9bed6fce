"""Re-validate a published day after a suite changes, and publish the verdict.

Each producer's part of the day (``part-<producer>.parquet``) is re-validated on its own,
together with the rows it had quarantined: rows that now pass are published again, rows
that now fail move to quarantine, and the new checks are appended to ``validation_log``.
A batch-level failure publishes nothing but the log (under ``<producer>-failed``).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from newslake.lake import layout, schema
from newslake.validate.batch import ValidationResult, validate_batch
from newslake.validate.config import ValidationConfig

log = logging.getLogger(__name__)

DATA_TABLES = schema.RUN_TABLES
"""Tables re-validated (and re-published) when present for the producer."""
PART_PREFIX, PART_SUFFIX = layout.PART_PREFIX, layout.PARQUET_SUFFIX


@dataclass
class Revalidation:
    """What re-validating one producer's part of a day did."""

    producer: str
    result: ValidationResult
    rechecked: int  # previously quarantined rows validated again
    published: bool

    def __str__(self) -> str:
        state = "published" if self.published else "NOT published (batch failed)"
        return (f"{self.producer}: {state}; kept "
                + ", ".join(f"{t}={d.num_rows}" for t, d in self.result.tables.items())
                + f"; quarantined={self.result.quarantine.num_rows}"
                f" (re-checked {self.rechecked} previously quarantined rows)")


def day_producers(lake: str, crawl_date: date) -> list[str]:
    """Producers with articles on ``crawl_date``, published or quarantined."""
    from newslake.lake.terms import day_parts

    return sorted({producer for table in ("articles", "quarantine")
                   for producer in day_parts(lake, table, crawl_date, columns=["article_id"])
                   if not producer.endswith("-failed")})


def read_part(lake: str, table: str, crawl_date: date, producer: str) -> pa.Table | None:
    """One producer's rows of a table and day, or ``None`` when it has none."""
    from newslake.lake.terms import day_parts

    return day_parts(lake, table, crawl_date).get(producer)


def revalidate_day(lake: str, crawl_date: date, *, config: ValidationConfig,
                   producers: list[str] | None = None, run_id: str | None = None,
                   build_docs: bool = True) -> list[Revalidation]:
    """Re-validate and re-publish each producer's part of ``crawl_date``."""
    from newslake.lake import publish_day

    run_id = run_id or f"revalidate-{crawl_date.isoformat()}-{uuid.uuid4().hex[:8]}"
    reports: list[Revalidation] = []
    for producer in producers or day_producers(lake, crawl_date):
        tables = {t: part for t in DATA_TABLES if t in schema.TABLES
                  and (part := read_part(lake, t, crawl_date, producer)) is not None}
        old_quarantine = read_part(lake, "quarantine", crawl_date, producer)
        rechecked = restore_quarantined(tables, old_quarantine)
        if "articles" not in tables:
            log.warning("no articles of producer %s on %s", producer, crawl_date)
            continue
        result = validate_batch(tables, lake=lake, crawl_date=crawl_date,
                                run_id=f"{run_id}-{producer}", config=config,
                                build_docs=build_docs)
        old_log = read_part(lake, "validation_log", crawl_date, producer)
        if result.batch_failed:
            failed = f"{producer}-failed"
            previous = read_part(lake, "validation_log", crawl_date, failed)
            publish_day(lake, crawl_date, {"validation_log": _concat(
                "validation_log", previous, result.validation_log)}, producer=failed,
                run_id=run_id)
            reports.append(Revalidation(producer, result, rechecked, published=False))
            continue
        publish_day(lake, crawl_date, {
            **result.tables,
            "quarantine": result.quarantine,
            "validation_log": _concat("validation_log", old_log, result.validation_log),
        }, producer=producer, run_id=run_id,
            also_delete=[("validation_log", f"{producer}-failed")])
        reports.append(Revalidation(producer, result, rechecked, published=True))
    return reports


def restore_quarantined(tables: dict[str, pa.Table], quarantine: pa.Table | None) -> int:
    """Append previously quarantined rows back to their tables; returns how many."""
    if quarantine is None or not quarantine.num_rows:
        return 0
    restored = 0
    names = quarantine["table_name"].to_pylist()
    for table in sorted({n or "articles" for n in names}):
        if table not in schema.TABLES or table in ("quarantine", "validation_log"):
            continue
        mask = pa.array([(n or "articles") == table for n in names], pa.bool_())
        rows = quarantine.filter(mask)
        if table == "articles":
            back = rows.select(schema.ARTICLES.names)
        else:
            back = rows_from_json(table, rows["row_json"].to_pylist())
        current = tables.get(table)
        tables[table] = _concat(table, current, back)
        restored += back.num_rows
    return restored


def rows_from_json(table: str, documents: list[str | None]) -> pa.Table:
    """Rows of ``table`` from the ``row_json`` documents of quarantine."""
    target = schema.TABLES[table]
    records: list[dict[str, Any]] = [json.loads(d) for d in documents if d]
    columns = []
    for f in target:
        values = [r.get(f.name) for r in records]
        if pa.types.is_timestamp(f.type):
            columns.append(pa.array(values, pa.string()).cast(f.type))
        else:
            columns.append(pa.array(values, f.type))
    return pa.Table.from_arrays(columns, schema=target)


def _concat(table: str, first: pa.Table | None, second: pa.Table) -> pa.Table:
    parts = [schema.conform(table, t.select([c for c in t.column_names if c != "crawl_date"]))
             for t in (first, second) if t is not None]
    return pa.concat_tables(parts) if parts else schema.empty(table)
