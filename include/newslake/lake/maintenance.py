"""Lake maintenance with DuckLake's own functions, plus raw WARC retention and stats.

Steps (each a function of the lake root; :func:`run_maintenance` runs them all, the
``lake_maintenance`` DAG one task per step):

* :func:`compact`: ``ducklake_merge_adjacent_files`` merges the small files of each day
  into larger ones in one commit (readers see the same rows before and after);
* :func:`expire_snapshots`: ``ducklake_expire_snapshots`` forgets snapshots older than the
  snapshot retention (default 90 days, ``$NEWSLAKE_SNAPSHOT_RETENTION_DAYS``);
* :func:`clean_files`: ``ducklake_cleanup_old_files`` deletes files no snapshot needs any
  more and ``ducklake_delete_orphaned_files`` those an interrupted publish left behind
  (only when older than ``temp_max_age_s``, so a publish in progress keeps its files);
* :func:`apply_retention`: raw WARC files older than ``raw_retention_days`` are recorded in
  the ``raw_retention`` table (one commit) and then deleted;
* :func:`record_stats`: files, bytes and rows per table and day into ``lake_stats``;
* :func:`refresh_catalog`: rewrites the DuckDB CLI init script ``<lake>/newslake.sql``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

from newslake.exceptions import ConfigError
from newslake.lake import ducklake, layout, schema
from newslake.lake.storage import PARTITION_RE, open_lake

log = logging.getLogger(__name__)

RAW_DIR = layout.RAW_DIR
STATS_TABLE = "lake_stats"
STATS_PRODUCER = "maintenance"
Hook = Callable[[str], None]


@dataclass(frozen=True)
class MaintenanceConfig:
    """Settings of lake maintenance, validated on construction.

    ``raw_retention_days``: raw WARC files of days older than this are deleted (``None``
    keeps them forever). ``snapshot_retention_days``: snapshots older than this are
    expired (time travel reaches back this far). ``temp_max_age_s``: files no commit
    references are deleted once this old.
    """

    raw_retention_days: int | None = 90
    snapshot_retention_days: int = 90
    temp_max_age_s: float = 3600.0
    max_file_bytes: int = 512 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.raw_retention_days is not None and self.raw_retention_days < 0:
            raise ConfigError("raw_retention_days must be >= 0 (or None to keep forever)")
        if self.snapshot_retention_days < 0:
            raise ConfigError("snapshot_retention_days must be >= 0")
        if self.max_file_bytes <= 0 or self.temp_max_age_s < 0:
            raise ConfigError("max_file_bytes must be > 0 and temp_max_age_s >= 0")

    @classmethod
    def from_env(cls) -> MaintenanceConfig:
        """Read ``NEWSLAKE_RAW_RETENTION_DAYS`` (a number, or ``never``) and
        ``NEWSLAKE_SNAPSHOT_RETENTION_DAYS`` (a number)."""
        raw = os.environ.get("NEWSLAKE_RAW_RETENTION_DAYS", "").strip().lower()
        snaps = os.environ.get("NEWSLAKE_SNAPSHOT_RETENTION_DAYS", "").strip()
        kwargs: dict[str, object] = {}
        if raw in {"never", "none", "forever"}:
            kwargs["raw_retention_days"] = None
        elif raw:
            kwargs["raw_retention_days"] = _number("NEWSLAKE_RAW_RETENTION_DAYS", raw)
        if snaps:
            kwargs["snapshot_retention_days"] = _number("NEWSLAKE_SNAPSHOT_RETENTION_DAYS",
                                                        snaps)
        return cls(**kwargs)


def _number(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name}: not a number: {value!r}") from exc


@dataclass
class MaintenanceInfo:
    """What one maintenance run did."""

    merged_files: int = 0
    expired_snapshots: int = 0
    removed_files: int = 0
    removed_raw_files: int = 0
    removed_raw_bytes: int = 0
    stats_rows: int = 0
    catalog: str | None = None
    steps: list[str] = field(default_factory=list)


def _file_count(con) -> int:
    return int(con.execute(
        f"SELECT count(*) FROM {ducklake.META_ALIAS}.ducklake_data_file "
        "WHERE end_snapshot IS NULL").fetchone()[0])


def compact(lake: str, config: MaintenanceConfig | None = None) -> int:
    """Merge adjacent small files of each table and day; returns how many files went away."""
    config = config or MaintenanceConfig()
    if not ducklake.exists(lake):
        return 0
    con = ducklake.connect(lake, read_only=False)
    try:
        before = _file_count(con)
        ducklake.retrying(lambda: con.execute(
            f"CALL ducklake_merge_adjacent_files('{ducklake.ALIAS}', "
            f"max_file_size => {int(config.max_file_bytes)})").fetchall(),
            "merging files", lambda: None)
        after = _file_count(con)
    finally:
        con.close()
    log.info("compaction: %d live files -> %d", before, after)
    return max(0, before - after)


def expire_snapshots(lake: str, config: MaintenanceConfig | None = None,
                     now: datetime | None = None) -> int:
    """Expire snapshots older than the snapshot retention; returns how many."""
    config = config or MaintenanceConfig()
    if not ducklake.exists(lake):
        return 0
    cutoff = (now or datetime.now(UTC)) - timedelta(days=config.snapshot_retention_days)
    con = ducklake.connect(lake, read_only=False)
    try:
        rows = ducklake.retrying(lambda: con.execute(
            f"CALL ducklake_expire_snapshots('{ducklake.ALIAS}', older_than => ?)",
            [cutoff]).fetchall(), "expiring snapshots", lambda: None)
    finally:
        con.close()
    return len(rows)


def clean_files(lake: str, config: MaintenanceConfig | None = None,
                now: datetime | None = None) -> int:
    """Delete files of expired snapshots and files no commit references; returns how many."""
    config = config or MaintenanceConfig()
    if not ducklake.exists(lake):
        return 0
    cutoff = (now or datetime.now(UTC)) - timedelta(seconds=config.temp_max_age_s)
    con = ducklake.connect(lake, read_only=False)
    try:
        old = con.execute(f"CALL ducklake_cleanup_old_files('{ducklake.ALIAS}', "
                          "cleanup_all => true)").fetchall()
        orphans = con.execute(f"CALL ducklake_delete_orphaned_files('{ducklake.ALIAS}', "
                              "older_than => ?)", [cutoff]).fetchall()
    finally:
        con.close()
    return len(old) + len(orphans)


def apply_retention(lake: str, retention_days: int | None, today: date | None = None,
                    hook: Hook | None = None) -> tuple[int, int]:
    """Record, then delete, raw WARC files of days older than ``retention_days``.

    Returns ``(files, bytes)`` deleted. The ``raw_retention`` rows are committed first, so
    an interrupted run leaves files recorded as removed that the next run deletes.
    """
    if retention_days is None:
        return 0, 0
    store = open_lake(lake)
    cutoff = (today or datetime.now(UTC).date()) - timedelta(days=retention_days)
    expired: dict[date, list[tuple[str, int]]] = {}
    for info in store.listdir(store.path(RAW_DIR)):
        match = PARTITION_RE.match(info.base_name)
        if not match or date.fromisoformat(match.group(1)) >= cutoff:
            continue
        files = [(item.path, item.size or 0) for item in store.listdir(info.path)]
        expired[date.fromisoformat(match.group(1))] = files
    now = datetime.now(UTC)
    for day, files in sorted(expired.items()):
        rows = [{"path": store.uri_of(p[len(store.root):]) if p.startswith(store.root) else p,
                 "bytes": size, "retention_days": retention_days, "removed_at": now}
                for p, size in files]
        if rows:
            ducklake.publish(lake, day, "retention", f"retention-{now:%Y%m%dT%H%M%S}",
                             {"raw_retention": pa.Table.from_pylist(
                                 rows, schema=schema.RAW_RETENTION)}, mode="append", hook=hook)
    total_files = total_bytes = 0
    for files in expired.values():
        for path, size in files:
            if hook:
                hook(f"delete:{path}")
            store.delete(path)
            total_files += 1
            total_bytes += size
    for day in expired:
        store.fs.delete_dir(store.path(RAW_DIR, layout.partition(day)))
    log.info("retention: removed %d raw files (%d bytes) before %s", total_files, total_bytes,
             cutoff)
    return total_files, total_bytes


def lake_stats(lake: str, measured_at: datetime | None = None) -> pa.Table:
    """Files, bytes and rows per table and day (``raw`` WARC files: files and bytes)."""
    measured_at = measured_at or datetime.now(UTC)
    rows: list[dict] = []
    if ducklake.exists(lake):
        con = ducklake.connect(lake)
        try:
            files = ducklake.live_files(con, ducklake.location(lake).data_path)
        finally:
            con.close()
        grouped: dict[tuple[str, date], list[ducklake.DataFile]] = {}
        for item in files:
            if item.table != STATS_TABLE and item.crawl_date is not None:
                grouped.setdefault((item.table, item.crawl_date), []).append(item)
        for (table, day), items in sorted(grouped.items()):
            rows.append(_stat(table, day, len(items), sum(i.bytes for i in items),
                              sum(i.rows for i in items), measured_at))
    store = open_lake(lake)
    for info in store.listdir(store.path(RAW_DIR)):
        match = PARTITION_RE.match(info.base_name)
        if match:
            items = [i for i in store.listdir(info.path)
                     if i.base_name.endswith(layout.WARC_SUFFIX)]
            rows.append(_stat(RAW_DIR, date.fromisoformat(match.group(1)), len(items),
                              sum(i.size or 0 for i in items), None, measured_at))
    return schema.conform(STATS_TABLE, rows)


def _stat(table: str, day: date, files: int, size: int, count: int | None,
          measured_at: datetime) -> dict:
    return {"table_name": table, "partition_date": day, "files": files, "bytes": size,
            "rows": count, "measured_at": measured_at}


def record_stats(lake: str, today: date | None = None) -> int:
    """Publish :func:`lake_stats` as the ``lake_stats`` rows of ``today``."""
    from newslake.lake.publish import publish_day

    stats = lake_stats(lake)
    publish_day(lake, today or datetime.now(UTC).date(), {STATS_TABLE: stats},
                producer=STATS_PRODUCER, run_id="maintenance")
    return stats.num_rows


def refresh_catalog(lake: str) -> str | None:
    """Rewrite the DuckDB CLI init script ``<lake>/newslake.sql`` (local lakes)."""
    from newslake.lake.catalog import write_catalog

    if not ducklake.location(lake).is_local or not ducklake.exists(lake):
        return None
    return write_catalog(lake)


def run_maintenance(lake: str, config: MaintenanceConfig | None = None,
                    today: date | None = None, hook: Hook | None = None) -> MaintenanceInfo:
    """Every step in order: compaction, snapshot expiry, file cleanup, retention, stats.

    ``hook`` is called with each step's name before it runs (tests inject crashes there).
    """
    config = config or MaintenanceConfig()
    step = hook or (lambda _name: None)
    info = MaintenanceInfo()
    step("compact")
    info.merged_files = compact(lake, config)
    step("expire_snapshots")
    info.expired_snapshots = expire_snapshots(lake, config)
    step("clean_files")
    info.removed_files = clean_files(lake, config)
    step("retention")
    info.removed_raw_files, info.removed_raw_bytes = apply_retention(
        lake, config.raw_retention_days, today, hook=hook)
    step("stats")
    info.stats_rows = record_stats(lake, today)
    step("catalog")
    info.catalog = refresh_catalog(lake)
    step("done")
    return info
