"""Atomic publication of one crawl day.

A day of a table is ``<lake>/<table>/crawl_date=D/part-<producer>.parquet``: one file per
producer, so an ingest run and a WARC import of the same day do not overwrite each other,
and re-running a producer replaces exactly its own rows. Every write goes aside and is then
swapped in with one rename (one PUT on S3), so a reader sees the old file or the new one,
never a half. A crash leaves a hidden ``.tmp-*`` file that the next run of that producer
(or :func:`newslake.lake.maintenance.clean_temp_files`) removes.

A partition compacted by :mod:`newslake.lake.maintenance` holds one file,
``part-_compacted.parquet``, whose metadata lists the producers it contains; publishing or
removing such a producer rewrites that single file, which keeps the swap atomic.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
import pyarrow.fs as pafs

from newslake.exceptions import ConfigError
from newslake.lake import schema
from newslake.lake.parquet import (
    file_metadata,
    read_file,
    read_metadata,
    segments_of,
    sort_rows,
    write_file,
)
from newslake.lake.postings import article_postings
from newslake.lake.storage import TEMP_PREFIX, TEMP_SUFFIX, Lake, open_lake, partition_lock
from newslake.lake.terms import article_terms

log = logging.getLogger(__name__)

COMPACTED = "_compacted"
"""Producer name of a compacted file (reserved)."""
PRODUCER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+=-]{0,120}$")


@dataclass
class PublishInfo:
    """What :func:`publish_day` wrote: rows, file URI and bytes per table."""

    crawl_date: date
    producer: str
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)
    cleaned_temp_files: int = 0

    def __str__(self) -> str:
        counts = ", ".join(f"{t}={n}" for t, n in self.rows.items())
        return f"published {self.crawl_date} ({self.producer}): {counts}"


def file_name(producer: str) -> str:
    """File name of a producer's part of a partition."""
    return f"part-{producer}.parquet"


def check_producer(producer: str) -> str:
    """Validate a producer name (letters, digits, ``._+=-``; not reserved)."""
    if not PRODUCER_RE.match(producer):
        raise ConfigError(f"invalid producer name {producer!r}")
    return producer


def publish_day(lake: str, crawl_date: date, tables: dict[str, pa.Table],
                producer: str = "ingest") -> PublishInfo:
    """Atomically replace ``producer``'s part of each table's ``crawl_date`` partition.

    Rows are conformed to :mod:`newslake.lake.schema` and sorted by ``published_at``.
    Publishing ``articles`` also writes their ``terms`` and ``postings`` indexes (see
    :mod:`newslake.lake.terms` and :mod:`newslake.lake.postings`).
    An empty table still replaces the partition (with an empty file), so a re-run that
    yields fewer rows is exact. Tables not in ``tables`` are left alone.
    """
    check_producer(producer)
    unknown = set(tables) - set(schema.TABLES)
    if unknown:
        raise ConfigError(f"unknown lake tables {sorted(unknown)}")
    store = open_lake(lake)
    info = PublishInfo(crawl_date=crawl_date, producer=producer)
    for table_name, rows in _with_terms(tables, producer).items():
        with partition_lock(store, table_name, crawl_date):
            path, size, cleaned = _replace_producer(store, table_name, crawl_date, producer,
                                                    rows)
        info.rows[table_name] = rows.num_rows
        info.files[table_name] = _uri(store, path)
        info.bytes[table_name] = size
        info.cleaned_temp_files += cleaned
    log.info("%s", info)
    return info


def _with_terms(tables: dict[str, pa.Table], producer: str) -> dict[str, pa.Table]:
    """Conformed, sorted ``tables`` plus the ``terms`` and ``postings`` of their articles."""
    prepared = {name: sort_rows(schema.conform(name, data)) for name, data in tables.items()}
    if "articles" in prepared and "terms" not in tables:
        prepared["terms"] = article_terms(prepared["articles"], producer)
    if "articles" in prepared and "postings" not in tables:
        prepared["postings"] = article_postings(prepared["articles"], producer)
    return prepared


def remove_day(lake: str, table: str, crawl_date: date, producer: str = "ingest") -> bool:
    """Remove ``producer``'s part of a partition; returns whether anything was removed."""
    check_producer(producer)
    store = open_lake(lake)
    for index in ("terms", "postings") if table == "articles" else ():  # indexes go with it
        with partition_lock(store, index, crawl_date):
            _remove_producer(store, index, crawl_date, producer)
    with partition_lock(store, table, crawl_date):
        return _remove_producer(store, table, crawl_date, producer)


def _remove_producer(store: Lake, table: str, crawl_date: date, producer: str) -> bool:
    part_dir = store.partition(table, crawl_date)
    removed = False
    compacted = f"{part_dir}/{file_name(COMPACTED)}"
    if _exists(store, compacted):
        segments = segments_of(read_metadata(store, compacted))
        if any(p == producer for p, _ in segments):
            _rewrite_compacted(store, table, compacted, segments, producer, None)
            removed = True
    target = f"{part_dir}/{file_name(producer)}"
    if _exists(store, target):
        store.delete(target)
        removed = True
    return removed


def clean_stale_temps(store: Lake, part_dir: str, producer: str | None = None) -> int:
    """Delete leftover temporary files of a partition (only ``producer``'s when given)."""
    prefix = TEMP_PREFIX + (file_name(producer) + "." if producer else "")
    count = 0
    for info in store.listdir(part_dir):
        if info.base_name.startswith(prefix) and info.base_name.endswith(TEMP_SUFFIX):
            store.delete(info.path)
            count += 1
    return count


def _replace_producer(store: Lake, table: str, crawl_date: date, producer: str,
                      rows: pa.Table) -> tuple[str, int, int]:
    part_dir = store.partition(table, crawl_date)
    cleaned = clean_stale_temps(store, part_dir, producer) if store.is_local else 0
    compacted = f"{part_dir}/{file_name(COMPACTED)}"
    if _exists(store, compacted):
        segments = segments_of(read_metadata(store, compacted))
        if any(p == producer for p, _ in segments):
            size = _rewrite_compacted(store, table, compacted, segments, producer, rows)
            return compacted, size, cleaned
    path = f"{part_dir}/{file_name(producer)}"
    size = write_file(store, path, rows, file_metadata(table, producer))
    return path, size, cleaned


def _rewrite_compacted(store: Lake, table: str, path: str, segments: list[tuple[str, int]],
                       producer: str, rows: pa.Table | None) -> int:
    """Rewrite a compacted file with ``producer``'s segment replaced (or dropped)."""
    data = read_file(store, path, table)
    parts: list[pa.Table] = []
    kept: list[tuple[str, int]] = []
    offset = 0
    for name, count in segments:
        if name == producer:
            if rows is not None:
                parts.append(rows)
                kept.append((name, rows.num_rows))
        else:
            parts.append(data.slice(offset, count))
            kept.append((name, count))
        offset += count
    merged = pa.concat_tables(parts) if parts else schema.empty(table)
    return write_file(store, path, merged, file_metadata(table, COMPACTED, kept))


def _exists(store: Lake, path: str) -> bool:
    return store.fs.get_file_info(path).type == pafs.FileType.File


def _uri(store: Lake, path: str) -> str:
    return store.uri_of(path[len(store.root):]) if path.startswith(store.root) else path
