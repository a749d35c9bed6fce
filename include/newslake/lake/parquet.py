"""Reading and writing one lake Parquet file: compression, ordering, row groups, metadata."""

from __future__ import annotations

import json
import os
import uuid

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from newslake.lake import schema
from newslake.lake.storage import TEMP_PREFIX, TEMP_SUFFIX, Lake

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3
ROW_GROUP_BYTES = 64 * 1024 * 1024
"""Target uncompressed size of a row group."""
ROW_GROUP_MAX_ROWS = 128 * 1024
ROW_GROUP_MIN_ROWS = 1024
ROW_GROUP_ROWS_OF_TABLE = {"postings": 512}
"""Fixed row-group sizes: postings are sorted by term, so small groups let a term lookup read
one group per file (the statistics of the others exclude the term)."""

META_VERSION = b"newslake.schema_version"
META_TABLE = b"newslake.table"
META_PRODUCER = b"newslake.producer"
META_SEGMENTS = b"newslake.segments"
"""JSON list of ``[producer, rows]`` of a compacted file, in row order."""


def sort_rows(table: pa.Table) -> pa.Table:
    """Order rows by ``published_at`` (nulls last) when the table has that column."""
    if "published_at" not in table.column_names or table.num_rows < 2:
        return table
    order = pc.sort_indices(table, sort_keys=[("published_at", "ascending", "at_end")])
    return table.take(order)


def row_group_rows(table: pa.Table) -> int:
    """Rows per row group so that a group holds about :data:`ROW_GROUP_BYTES`."""
    if table.num_rows == 0:
        return ROW_GROUP_MIN_ROWS
    per_row = max(1, table.nbytes // table.num_rows)
    return int(min(ROW_GROUP_MAX_ROWS, max(ROW_GROUP_MIN_ROWS, ROW_GROUP_BYTES // per_row)))


def file_metadata(table_name: str, producer: str,
                  segments: list[tuple[str, int]] | None = None) -> dict[bytes, bytes]:
    """Key-value metadata stored in every lake file."""
    meta = {
        META_VERSION: schema.SCHEMA_VERSION.encode(),
        META_TABLE: table_name.encode(),
        META_PRODUCER: producer.encode(),
    }
    if segments is not None:
        meta[META_SEGMENTS] = json.dumps([[p, n] for p, n in segments]).encode()
    return meta


def write_file(lake: Lake, path: str, table: pa.Table, metadata: dict[bytes, bytes]) -> int:
    """Write ``table`` to ``path`` so that readers never see a partial file.

    Locally the file is written aside (a hidden ``.tmp-*.tmp`` name that no reader globs),
    flushed to disk and renamed over ``path``. On S3 one upload is atomic per object.
    Returns the size of the written file in bytes.
    """
    table = table.replace_schema_metadata(metadata)
    options = {
        "compression": COMPRESSION,
        "compression_level": COMPRESSION_LEVEL,
        "row_group_size": ROW_GROUP_ROWS_OF_TABLE.get(
            metadata.get(META_TABLE, b"").decode(), row_group_rows(table)),
        "write_statistics": True,
    }
    if not lake.is_local:
        pq.write_table(table, path, filesystem=lake.fs, **options)
        return lake.fs.get_file_info(path).size
    directory, name = os.path.split(path)
    os.makedirs(directory, exist_ok=True)
    temp = os.path.join(directory, f"{TEMP_PREFIX}{name}.{os.getpid()}.{uuid.uuid4().hex}"
                                   f"{TEMP_SUFFIX}")
    try:
        pq.write_table(table, temp, **options)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
    _fsync_dir(directory)
    return os.path.getsize(path)


def _fsync_dir(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_file(lake: Lake, path: str, table_name: str,
              columns: list[str] | None = None) -> pa.Table:
    """Read one lake file conformed to the current schema of ``table_name``.

    Columns appended to the schema after the file was written come back as nulls.
    """
    target = schema.TABLES[table_name]
    wanted = columns if columns is not None else target.names
    with lake.fs.open_input_file(path) as handle:
        pfile = pq.ParquetFile(handle)
        present = set(pfile.schema_arrow.names)
        data = pfile.read(columns=[c for c in wanted if c in present])
    arrays = []
    for name in wanted:
        field = target.field(name)
        if name in data.column_names:
            arrays.append(data.column(name).cast(field.type))
        else:
            arrays.append(pa.chunked_array([pa.nulls(data.num_rows, field.type)]))
    return pa.Table.from_arrays(arrays, schema=pa.schema([target.field(n) for n in wanted]))


def read_metadata(lake: Lake, path: str) -> dict[bytes, bytes]:
    """The key-value metadata of a lake file."""
    with lake.fs.open_input_file(path) as handle:
        return dict(pq.ParquetFile(handle).schema_arrow.metadata or {})


def segments_of(metadata: dict[bytes, bytes]) -> list[tuple[str, int]]:
    """The ``(producer, rows)`` segments of a compacted file (empty for a plain file)."""
    raw = metadata.get(META_SEGMENTS)
    return [(str(p), int(n)) for p, n in json.loads(raw)] if raw else []
