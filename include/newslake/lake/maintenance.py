"""Lake maintenance: compaction, stale temp files, raw WARC retention, stats, catalog.

Each step is a function of the lake root; :func:`run_maintenance` runs them all. The
``lake_maintenance`` DAG calls the same functions, one task per step.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq

from newslake.exceptions import ConfigError
from newslake.lake import schema
from newslake.lake.parquet import file_metadata, read_file, read_metadata, segments_of, write_file
from newslake.lake.publish import COMPACTED, file_name, publish_day
from newslake.lake.storage import (
    PARTITION_RE,
    TEMP_PREFIX,
    TEMP_SUFFIX,
    open_lake,
    partition_lock,
)

log = logging.getLogger(__name__)

RAW_DIR = "raw"
STATS_TABLE = "lake_stats"
STATS_PRODUCER = "maintenance"


@dataclass(frozen=True)
class MaintenanceConfig:
    """Settings of lake maintenance, validated on construction.

    ``raw_retention_days``: raw WARC partitions older than this many days are deleted
    (``None`` keeps them forever). A partition is compacted when it holds at least
    ``compact_min_files`` files totalling at most ``compact_max_bytes``.
    """

    raw_retention_days: int | None = 90
    compact_min_files: int = 2
    compact_max_bytes: int = 512 * 1024 * 1024
    temp_max_age_s: float = 3600.0

    def __post_init__(self) -> None:
        if self.raw_retention_days is not None and self.raw_retention_days < 0:
            raise ConfigError("raw_retention_days must be >= 0 (or None to keep forever)")
        if self.compact_min_files < 2:
            raise ConfigError("compact_min_files must be >= 2")
        if self.compact_max_bytes <= 0 or self.temp_max_age_s < 0:
            raise ConfigError("compact_max_bytes must be > 0 and temp_max_age_s >= 0")

    @classmethod
    def from_env(cls) -> MaintenanceConfig:
        """Read ``NEWSLAKE_RAW_RETENTION_DAYS`` (a number, or ``never``)."""
        value = os.environ.get("NEWSLAKE_RAW_RETENTION_DAYS", "").strip().lower()
        if not value:
            return cls()
        if value in {"never", "none", "forever"}:
            return cls(raw_retention_days=None)
        try:
            return cls(raw_retention_days=int(value))
        except ValueError as exc:
            raise ConfigError(f"NEWSLAKE_RAW_RETENTION_DAYS: not a number: {value!r}") from exc


@dataclass
class MaintenanceInfo:
    """What one maintenance run did."""

    compacted_partitions: list[str] = field(default_factory=list)
    removed_temp_files: int = 0
    removed_raw_files: int = 0
    removed_raw_bytes: int = 0
    stats_rows: int = 0
    catalog: str | None = None


def clean_temp_files(lake: str, max_age_s: float = 3600.0) -> int:
    """Delete temporary files older than ``max_age_s`` left by interrupted writes."""
    store = open_lake(lake)
    now_ns = time.time_ns()
    dirs = [store.root] + [
        path for table in schema.TABLES for path in store.partitions(table).values()
    ]
    dirs.append(store.path("_search"))
    removed = 0
    for directory in dirs:
        for info in store.listdir(directory):
            name = info.base_name
            if not (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
                continue
            age_s = (now_ns - (info.mtime_ns or now_ns)) / 1e9
            if age_s >= max_age_s:
                store.delete(info.path)
                removed += 1
    return removed


def compact_partition(lake: str, table: str, crawl_date: date,
                      config: MaintenanceConfig | None = None) -> bool:
    """Merge a partition's small files into ``part-_compacted.parquet``.

    The merged file lists each producer's rows in its metadata, so a later
    :func:`~newslake.lake.publish_day` of one of them still replaces exactly its rows.
    The merged file is swapped in first and the small files deleted after, so for that
    instant a reader may count the merged rows twice, never miss any.
    """
    config = config or MaintenanceConfig()
    store = open_lake(lake)
    part_dir = store.partition(table, crawl_date)
    with partition_lock(store, table, crawl_date):
        files = store.data_files(part_dir)
        total = sum(info.size for info in files)
        if len(files) < config.compact_min_files or total > config.compact_max_bytes:
            return False
        parts: list[pa.Table] = []
        segments: list[tuple[str, int]] = []
        for info in files:
            data = read_file(store, info.path, table)
            inner = segments_of(read_metadata(store, info.path))
            if inner:
                segments.extend(inner)
            else:
                producer = info.base_name.removeprefix("part-").removesuffix(".parquet")
                segments.append((producer, data.num_rows))
            parts.append(data)
        merged = pa.concat_tables(parts)
        target = f"{part_dir}/{file_name(COMPACTED)}"
        write_file(store, target, merged, file_metadata(table, COMPACTED, segments))
        for info in files:
            if info.path != target:
                store.delete(info.path)
    log.info("compacted %s/%s: %d files, %d rows", table, crawl_date, len(files),
             merged.num_rows)
    return True


def compact(lake: str, config: MaintenanceConfig | None = None) -> list[str]:
    """Compact every partition that qualifies; returns ``table/crawl_date=D`` names."""
    config = config or MaintenanceConfig()
    store = open_lake(lake)
    done = []
    for table in schema.TABLES:
        for day in store.partitions(table):
            if compact_partition(lake, table, day, config):
                done.append(f"{table}/crawl_date={day.isoformat()}")
    return done


def apply_retention(lake: str, retention_days: int | None,
                    today: date | None = None) -> tuple[int, int]:
    """Delete raw WARC partitions older than ``retention_days``; returns (files, bytes)."""
    if retention_days is None:
        return 0, 0
    store = open_lake(lake)
    cutoff = (today or datetime.now(UTC).date()) - timedelta(days=retention_days)
    files = size = 0
    for info in store.listdir(store.path(RAW_DIR)):
        match = PARTITION_RE.match(info.base_name)
        if not match or date.fromisoformat(match.group(1)) >= cutoff:
            continue
        for item in store.listdir(info.path):
            files += 1
            size += item.size or 0
        store.fs.delete_dir(info.path)
    log.info("retention: removed %d raw files (%d bytes) before %s", files, size, cutoff)
    return files, size


def lake_stats(lake: str, measured_at: datetime | None = None) -> pa.Table:
    """Files, bytes and rows per table and day (``raw`` WARC files: files and bytes)."""
    store = open_lake(lake)
    measured_at = measured_at or datetime.now(UTC)
    rows = []
    for table in schema.TABLES:
        if table == STATS_TABLE:
            continue
        for day, path in store.partitions(table).items():
            files = store.data_files(path)
            count = 0
            for info in files:
                with store.fs.open_input_file(info.path) as handle:
                    count += pq.ParquetFile(handle).metadata.num_rows
            rows.append(_stat(table, day, len(files), sum(f.size for f in files), count,
                              measured_at))
    for info in store.listdir(store.path(RAW_DIR)):
        match = PARTITION_RE.match(info.base_name)
        if match:
            items = [i for i in store.listdir(info.path) if i.base_name.endswith(".warc.gz")]
            rows.append(_stat(RAW_DIR, date.fromisoformat(match.group(1)), len(items),
                              sum(i.size or 0 for i in items), None, measured_at))
    return schema.conform(STATS_TABLE, rows)


def _stat(table: str, day: date, files: int, size: int, count: int | None,
          measured_at: datetime) -> dict:
    return {"table_name": table, "partition_date": day, "files": files, "bytes": size,
            "rows": count, "measured_at": measured_at}


def record_stats(lake: str, today: date | None = None) -> int:
    """Publish :func:`lake_stats` as the ``lake_stats`` partition of ``today``."""
    stats = lake_stats(lake)
    publish_day(lake, today or datetime.now(UTC).date(), {STATS_TABLE: stats},
                producer=STATS_PRODUCER)
    return stats.num_rows


def refresh_catalog(lake: str) -> str:
    """Rewrite ``<lake>/newslake.duckdb`` so its views see every table with files."""
    from newslake.lake.catalog import write_catalog

    return write_catalog(lake)


def run_maintenance(lake: str, config: MaintenanceConfig | None = None,
                    today: date | None = None) -> MaintenanceInfo:
    """Every maintenance step in order: temp files, compaction, retention, stats, catalog."""
    config = config or MaintenanceConfig()
    info = MaintenanceInfo()
    info.removed_temp_files = clean_temp_files(lake, config.temp_max_age_s)
    info.compacted_partitions = compact(lake, config)
    info.removed_raw_files, info.removed_raw_bytes = apply_retention(
        lake, config.raw_retention_days, today
    )
    info.stats_rows = record_stats(lake, today)
    info.catalog = refresh_catalog(lake)
    return info


