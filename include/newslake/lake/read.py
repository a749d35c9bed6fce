"""Reading lake tables back into Arrow (through the DuckLake catalog)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

import pyarrow as pa

from newslake.exceptions import ConfigError
from newslake.lake import ducklake, schema

PARTITION_COLUMN = ducklake.PARTITION_COLUMN


def published_dates(lake: str, table: str) -> list[date]:
    """Crawl dates for which ``table`` was published (even with no rows), ascending."""
    _check_table(table)
    if not ducklake.exists(lake):
        return []
    con = ducklake.connect(lake)
    try:
        rows = con.execute(
            "SELECT DISTINCT crawl_date FROM lake.publish_log WHERE list_contains(tables, ?) "
            f"UNION SELECT DISTINCT crawl_date FROM lake.{table} ORDER BY 1", [table]
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def read_table(lake: str, table: str, dates: Iterable[date] | None = None,
               columns: Sequence[str] | None = None,
               snapshot: int | datetime | None = None) -> pa.Table:
    """Rows of ``table`` (all days, or only ``dates``) conformed to the schema.

    The partition column ``crawl_date`` (date32) is appended, or placed where ``columns``
    asks for it. A lake without the table's rows gives an empty typed table.
    """
    _check_table(table)
    target = schema.TABLES[table]
    wanted = list(columns) if columns is not None else [*target.names, PARTITION_COLUMN]
    unknown = [c for c in wanted if c != PARTITION_COLUMN and c not in target.names]
    if unknown:
        raise ConfigError(f"{table}: unknown columns {unknown}")
    out_schema = pa.schema(
        [pa.field(PARTITION_COLUMN, pa.date32()) if c == PARTITION_COLUMN else target.field(c)
         for c in wanted]
    )
    if not ducklake.exists(lake):
        return out_schema.empty_table()
    where, params = "", []
    if dates is not None:
        days = sorted(set(dates))
        if not days:
            return out_schema.empty_table()
        where = f"crawl_date IN ({', '.join('?' for _ in days)})"
        params = list(days)
    data = ducklake.read(lake, table, where, params, columns=wanted, snapshot=snapshot)
    return data.cast(out_schema)


def _check_table(table: str) -> None:
    if table not in schema.TABLES:
        raise ConfigError(f"unknown lake table {table!r}; known: {sorted(schema.TABLES)}")
