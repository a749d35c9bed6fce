"""``newslake check``: verify every data file the catalog references, and convert old lakes.

:func:`check_lake` opens each live data file of the current snapshot, reads its Parquet
footer and compares its row count with the catalog's; a damaged file is named with its
table and day. Queries of other days keep working meanwhile (days are separate files), and
``newslake reextract --date D`` rebuilds a damaged ingest day from its raw WARC files.

:func:`migrate_lake` converts a lake of the former layout (``<table>/crawl_date=D/
part-<producer>.parquet`` files) into the DuckLake catalog, one commit per day and producer.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq

from newslake.lake import ducklake, layout, schema
from newslake.lake.seen import url_index_rows
from newslake.lake.storage import PARTITION_RE, open_lake
from newslake.progress import Progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Damage:
    """A data file that cannot be read as the catalog records it."""

    table: str
    crawl_date: date | None
    path: str
    reason: str
    file: ducklake.DataFile | None = None  # the catalog's record of it

    def __str__(self) -> str:
        day = self.crawl_date.isoformat() if self.crawl_date else "-"
        return f"damaged: {self.table} {day} {self.path}: {self.reason}"


def check_lake(lake: str, days: set[date] | None = None) -> tuple[int, list[Damage]]:
    """``(files checked, damaged files)`` of the lake's current snapshot (or of ``days``)."""
    files = [f for f in _live_files(lake) if days is None or f.crawl_date in days]
    return len(files), _damaged(lake, files)


def detach_damaged(lake: str, crawl_date: date, run_id: str,
                   damaged: list[Damage] | None = None) -> list[Damage]:
    """Take the day's unreadable data files (``damaged``, else found by checking the day)
    out of the lake in one commit; returns them.

    Their rows are gone with them; the caller rebuilds the day (``reextract``) after this.
    """
    if damaged is None:
        damaged = check_lake(lake, {crawl_date})[1]
    files = [d.file for d in damaged if d.file is not None and d.crawl_date == crawl_date]
    if files:
        ducklake.detach_files(lake, files, run_id)
    return [d for d in damaged if d.crawl_date == crawl_date]


def _live_files(lake: str) -> list[ducklake.DataFile]:
    con = ducklake.connect(lake)
    try:
        return ducklake.live_files(con, ducklake.location(lake).data_path)
    finally:
        con.close()


def _damaged(lake: str, files: list[ducklake.DataFile]) -> list[Damage]:
    store = open_lake(lake)
    damaged = []
    for item in files:
        path = item.path.removeprefix("s3://")
        try:
            with store.fs.open_input_file(path) as handle:
                rows = pq.ParquetFile(handle).metadata.num_rows
        except (OSError, pa.ArrowException) as exc:
            reason = str(exc).splitlines()[0]
        else:
            if rows == item.rows:
                continue
            reason = f"{rows} rows, the catalog says {item.rows}"
        damaged.append(Damage(item.table, item.crawl_date, item.path, reason, item))
    return damaged


_PART_RE = layout.PART_RE
_SEGMENTS = b"newslake.segments"


def migrate_lake(lake: str, run_id: str = "migrate-lake") -> int:
    """Publish every ``part-<producer>.parquet`` of the former layout; returns commits made.

    Idempotent (each day and producer is replaced); the old files are left in place for the
    operator to delete once the result is checked.
    """
    store = open_lake(lake)
    parts: dict[tuple[date, str], dict[str, list[pa.Table]]] = {}
    for table in schema.TABLES:
        for info in store.listdir(store.path(table)):
            match = PARTITION_RE.match(info.base_name)
            if not match:
                continue
            day = date.fromisoformat(match.group(1))
            for item in store.listdir(info.path):
                name = _PART_RE.match(item.base_name)
                if not name or item.base_name.startswith("."):
                    continue
                with store.fs.open_input_file(item.path) as handle:
                    data = pq.read_table(handle)
                meta = data.schema.metadata or {}
                columns = [c for c in data.column_names if c in schema.TABLES[table].names]
                data = data.select(columns).replace_schema_metadata(None)
                segments = json.loads(meta[_SEGMENTS]) if _SEGMENTS in meta else [
                    [name.group(1), data.num_rows]]
                offset = 0
                for producer, count in segments:
                    parts.setdefault((day, producer), {}).setdefault(table, []).append(
                        data.slice(offset, count))
                    offset += count
    progress = Progress(f"migrate-lake {lake}", total=len(parts), unit="day/producer parts")
    for (day, producer), tables in progress.counted(sorted(parts.items())):
        rows = {t: pa.concat_tables([schema.conform(t, p) for p in chunks])
                for t, chunks in tables.items()}
        if "articles" in rows and "url_index" not in rows:
            rows["url_index"] = url_index_rows(rows["articles"])
        ducklake.publish(lake, day, producer, run_id, rows)
    progress.close()
    log.info("migrated %d day/producer parts", len(parts))
    return len(parts)
