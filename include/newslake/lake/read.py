"""Reading lake tables back into Arrow."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pyarrow as pa

from newslake.exceptions import ConfigError
from newslake.lake import schema
from newslake.lake.parquet import read_file
from newslake.lake.storage import open_lake

PARTITION_COLUMN = "crawl_date"


def published_dates(lake: str, table: str) -> list[date]:
    """Crawl dates with at least one published file of ``table``, ascending."""
    _check_table(table)
    store = open_lake(lake)
    return [day for day, path in store.partitions(table).items() if store.data_files(path)]


def read_table(lake: str, table: str, dates: Iterable[date] | None = None,
               columns: Sequence[str] | None = None) -> pa.Table:
    """Rows of ``table`` (all days, or only ``dates``) conformed to the schema.

    The partition column ``crawl_date`` (date32) is appended, or placed where
    ``columns`` asks for it. A table without files gives an empty typed table.
    """
    _check_table(table)
    target = schema.TABLES[table]
    wanted = list(columns) if columns is not None else [*target.names, PARTITION_COLUMN]
    unknown = [c for c in wanted if c != PARTITION_COLUMN and c not in target.names]
    if unknown:
        raise ConfigError(f"{table}: unknown columns {unknown}")
    data_columns = [c for c in wanted if c != PARTITION_COLUMN]
    store = open_lake(lake)
    selected = None if dates is None else set(dates)
    parts: list[pa.Table] = []
    for day, path in store.partitions(table).items():
        if selected is not None and day not in selected:
            continue
        for info in store.data_files(path):
            part = read_file(store, info.path, table, data_columns)
            day_column = pa.array([day] * part.num_rows, pa.date32())
            parts.append(part.append_column(pa.field(PARTITION_COLUMN, pa.date32()), day_column))
    out_schema = pa.schema(
        [pa.field(PARTITION_COLUMN, pa.date32()) if c == PARTITION_COLUMN else target.field(c)
         for c in wanted]
    )
    if not parts:
        return out_schema.empty_table()
    merged = pa.concat_tables(parts)
    return merged.select(wanted).cast(out_schema)


def _check_table(table: str) -> None:
    if table not in schema.TABLES:
        raise ConfigError(f"unknown lake table {table!r}; known: {sorted(schema.TABLES)}")
