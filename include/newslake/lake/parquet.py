"""Row order of lake tables (DuckLake writes the Parquet files: zstd, partitioned by day)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc


def sort_rows(table: pa.Table) -> pa.Table:
    """Order rows by ``published_at`` (nulls last) when the table has that column."""
    if "published_at" not in table.column_names or table.num_rows < 2:
        return table
    order = pc.sort_indices(table, sort_keys=[("published_at", "ascending", "at_end")])
    return table.take(order)
