"""The lake's table format: DuckLake (a SQL catalog plus partitioned Parquet data files).

Where things live
    ``lake`` is a local directory or an ``s3://bucket/prefix`` URL. Data files are under
    ``<lake>/data/main/<table>/crawl_date=D/ducklake-<uuid>.parquet`` (zstd). The catalog is
    ``$NEWSLAKE_CATALOG`` when set (``postgres:dbname=... host=... user=...`` or
    ``sqlite:/path/catalog.sqlite``), else ``<lake>/catalog.sqlite`` for a local lake. SQLite
    rather than a DuckDB file because several processes (Airflow tasks, the CLI, a notebook)
    open the catalog at once: SQLite lets them all read and take turns writing, a DuckDB file
    admits one writing process only. An S3 lake needs ``$NEWSLAKE_CATALOG`` (PostgreSQL).

Opening
    :func:`connect` returns a DuckDB connection with the lake attached as :data:`ALIAS`
    (``lake``), extensions loaded from the PyPI packages' files, auto-install and auto-load
    off. ``read_only=True`` attaches it read-only (optionally ``snapshot=`` an id or a
    timestamp for time travel); ``read_only=False`` creates and evolves the tables first.

Tables
    Every table of :data:`newslake.lake.schema.TABLES` exists in the catalog with its schema's
    columns plus ``crawl_date DATE`` (the partition key) and ``producer VARCHAR`` (who wrote
    the row: ``ingest``, ``warc-<hash>``, ...). A table or column added to the registry is
    created (``CREATE TABLE`` / ``ALTER TABLE ADD COLUMN``) the next time a writer connects;
    rows written before a column existed read it as NULL.

Publishing
    :func:`publish` commits ``dict[table, pyarrow.Table]`` for one ``crawl_date``, ``producer``
    and ``run_id`` in ONE DuckLake transaction. ``mode="replace"`` first deletes that
    producer's rows of that day in every given table (a re-run replaces exactly its rows; an
    empty table empties them); ``mode="append"`` only adds rows (a micro-batch of a day). The
    commit also writes one ``publish_log`` row, and its snapshot carries ``run_id``,
    ``producer``, ``crawl_date`` and ``mode`` (see :func:`snapshots`). Readers see the old day
    or the new one, never a mix. A conflicting concurrent commit is retried.

Example::

    from newslake.lake import ducklake
    info = ducklake.publish(lake, date(2024, 1, 1), "feed_poll", run_id,
                            {"frontier": frontier_rows}, mode="append")
    con = ducklake.connect(lake)            # read-only
    con.sql("SELECT count(*) FROM lake.frontier").fetchone()
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import pyarrow as pa

from newslake.exceptions import ConfigError, TransientError
from newslake.lake import layout, schema
from newslake.lake.extensions import load_extension, new_session
from newslake.lake.storage import S3Settings

log = logging.getLogger(__name__)

ALIAS = "lake"
"""Name the lake is attached under in every session."""
META_ALIAS = f"__ducklake_metadata_{ALIAS}"
CATALOG_ENV = "NEWSLAKE_CATALOG"
PARTITION_COLUMN = layout.PARTITION_COLUMN
PRODUCER_COLUMN = "producer"
MODES = ("replace", "append")
ROW_GROUP_ROWS = {"postings": 512}
"""Tables written with fixed small row groups (postings are read a term at a time)."""
COMMIT_RETRY_SECONDS = 300.0
"""How long a commit that conflicts with concurrent ones (or finds the catalog locked) is
retried before giving up with a :class:`TransientError` (``$NEWSLAKE_COMMIT_RETRY_SECONDS``)."""

Hook = Callable[[str], None]
"""Called with the name of each write step before it runs (tests inject crashes here)."""


@dataclass(frozen=True)
class Location:
    """Where a lake's catalog and data files are."""

    lake: str
    metadata: str  # DuckLake metadata string after "ducklake:", e.g. "sqlite:/x/catalog.sqlite"
    data_path: str  # ends with "/"
    is_local: bool
    own_catalog: bool = False  # the catalog file inside the lake (no $NEWSLAKE_CATALOG)

    @property
    def kind(self) -> str:
        """``sqlite`` or ``postgres``."""
        return self.metadata.split(":", 1)[0]

    @property
    def root(self) -> str:
        """The lake root without a trailing slash."""
        return self.lake.rstrip("/")


def location(lake: str) -> Location:
    """Resolve the catalog and data path of ``lake`` (see the module docstring)."""
    lake = str(lake).rstrip("/")
    is_local = "://" not in lake
    if is_local:
        lake = os.path.abspath(lake)
    configured = os.environ.get(CATALOG_ENV, "").strip()
    if configured:
        kind = configured.split(":", 1)[0]
        if kind not in ("sqlite", "postgres"):
            raise ConfigError(f"{CATALOG_ENV}: use sqlite:/path or postgres:<conninfo>, "
                              f"not {configured.split(':', 1)[0]!r}")
        metadata = configured
    elif is_local:
        metadata = f"sqlite:{layout.catalog_file(lake)}"
    else:
        raise ConfigError(f"lake {lake} is on object storage: set {CATALOG_ENV} to its catalog "
                          "(postgres:dbname=... host=... user=...)")
    return Location(lake=lake, metadata=metadata, data_path=layout.data_path(lake),
                    is_local=is_local, own_catalog=not configured)


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def configure_s3(con: duckdb.DuckDBPyConnection) -> None:
    """Load httpfs and create a session secret from the ``AWS_*`` environment variables."""
    load_extension(con, "httpfs")
    settings = S3Settings.from_env()
    options = [f"REGION {_quote(settings.region)}"]
    if settings.access_key and settings.secret_key:
        options += [f"KEY_ID {_quote(settings.access_key)}",
                    f"SECRET {_quote(settings.secret_key)}"]
        if settings.session_token:
            options.append(f"SESSION_TOKEN {_quote(settings.session_token)}")
    if settings.endpoint_url:
        scheme, _, host = settings.endpoint_url.partition("://")
        options += [f"ENDPOINT {_quote(host.rstrip('/') or scheme)}", "URL_STYLE 'path'",
                    f"USE_SSL {'true' if scheme == 'https' else 'false'}"]
    con.execute(f"CREATE OR REPLACE SECRET newslake_s3 (TYPE s3, {', '.join(options)})")


def attach_sql(loc: Location, read_only: bool, snapshot: int | datetime | None = None) -> str:
    """The ``ATTACH`` statement of the lake."""
    options = [f"DATA_PATH {_quote(loc.data_path)}"]
    if loc.own_catalog:  # a copied or moved lake keeps working: data files are relative
        options.append("OVERRIDE_DATA_PATH true")
    if read_only:
        options.append("READ_ONLY")
    if isinstance(snapshot, datetime):
        options.append(f"SNAPSHOT_TIME {_quote(snapshot.isoformat())}")
    elif snapshot is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot)}")
    return (f"ATTACH {_quote('ducklake:' + loc.metadata)} AS {ALIAS} "
            f"({', '.join(options)})")


def connect(lake: str, read_only: bool = True, snapshot: int | datetime | None = None,
            con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB session with the lake attached as ``lake`` (see the module docstring).

    ``con`` attaches into an existing session instead of a new one. A read-write session
    creates missing tables and columns from :data:`schema.TABLES`.
    """
    loc = location(lake)
    if loc.is_local and (read_only or snapshot is not None) and not _catalog_exists(loc):
        raise ConfigError(f"no lake at {loc.root}: nothing has been published there yet")
    con = con or new_session()
    con.execute("SET TimeZone = 'UTC'")
    load_extension(con, "ducklake")
    load_extension(con, "postgres_scanner" if loc.kind == "postgres" else "sqlite_scanner")
    if not loc.is_local:
        configure_s3(con)
    if loc.is_local and not read_only:
        os.makedirs(loc.data_path, exist_ok=True)
    if loc.kind == "sqlite" and not read_only:
        _sqlite_wal(loc.metadata.split(":", 1)[1])
    statement = attach_sql(loc, read_only, snapshot)
    # a first attach may race another one creating the catalog
    retrying(lambda: con.execute(statement), f"attaching the lake {loc.root}", lambda: None)
    if not read_only:
        ensure_tables(con)
    return con


def _catalog_exists(loc: Location) -> bool:
    """Whether the catalog (a SQLite file or a PostgreSQL database) holds a DuckLake."""
    kind, target = loc.metadata.split(":", 1)
    if kind == "postgres":
        import psycopg

        try:
            with psycopg.connect(target, connect_timeout=10) as db:
                return db.execute("SELECT to_regclass('ducklake_metadata') IS NOT NULL"
                                  ).fetchone()[0]
        except psycopg.OperationalError as exc:
            raise TransientError(f"catalog {loc.metadata}: {str(exc).strip()}") from exc
    if kind != "sqlite":
        return True
    if not os.path.exists(target):
        return False
    import sqlite3

    db = sqlite3.connect(f"file:{target}?mode=ro", uri=True, timeout=60)
    try:
        return db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                          "name = 'ducklake_metadata'").fetchone()[0] > 0
    finally:
        db.close()


def _sqlite_wal(path: str) -> None:
    """Put a SQLite catalog in WAL mode (persistent): readers and the writer of a commit
    then never block each other, only two writers take turns."""
    import sqlite3

    os.makedirs(os.path.dirname(path), exist_ok=True)
    db = sqlite3.connect(path, timeout=60)
    try:
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")
    finally:
        db.close()


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether the attached lake holds ``table`` (a lake of an earlier version, opened
    read-only before its first publish, lacks the tables added since)."""
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? "
                            "AND table_name = ?", [ALIAS, table]).fetchone()[0])


def exists(lake: str) -> bool:
    """Whether the lake's catalog exists and holds a DuckLake."""
    return _catalog_exists(location(lake))


def _retryable(exc: BaseException) -> bool:
    """Whether a catalog error is a concurrent writer's doing (retried), not a lasting one.

    A SQLite catalog answered "disk I/O error" to one of four commits made at once on a
    busy machine, and the retried commit succeeded; a lasting I/O fault still ends as a
    :class:`TransientError` at the retry deadline.
    """
    text = str(exc).lower()
    return isinstance(exc, duckdb.TransactionException) or any(
        word in text for word in ("conflict", "database is locked", "busy", "unique constraint",
                                  "duplicate key", "could not serialize", "disk i/o error"))


def lake_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    """``(name, DuckDB type)`` of every column of ``table`` in the catalog's layout."""
    relation = con.from_arrow(schema.empty(table))
    columns = list(zip(relation.columns, [str(t) for t in relation.types], strict=True))
    names = {name for name, _ in columns}
    if PARTITION_COLUMN not in names:
        columns.append((PARTITION_COLUMN, "DATE"))
    if PRODUCER_COLUMN not in names:
        columns.append((PRODUCER_COLUMN, "VARCHAR"))
    return columns


def ensure_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Create missing tables and add missing columns; returns what changed."""
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = 'main'", [ALIAS]
    ).fetchall():
        existing.setdefault(table, set()).add(column)
    wanted = {t: lake_columns(con, t) for t in schema.TABLES}
    if all(t in existing and {c for c, _ in cols} <= existing[t] for t, cols in wanted.items()):
        return []
    return retrying(lambda: _evolve(con, wanted), "evolving the lake schema",
                     lambda: _rollback(con))


def retrying(action: Callable[[], Any], what: str, undo: Callable[[], None]) -> Any:
    """Run ``action``, retrying conflicts and a busy catalog for up to COMMIT_RETRY_SECONDS."""
    limit = float(os.environ.get("NEWSLAKE_COMMIT_RETRY_SECONDS") or COMMIT_RETRY_SECONDS)
    deadline = time.monotonic() + limit
    attempt = 0
    while True:
        try:
            return action()
        except duckdb.Error as exc:
            undo()
            if not _retryable(exc):
                raise
            if time.monotonic() > deadline:
                raise TransientError(f"{what}: still conflicting after {limit:.0f} s: "
                                     f"{exc}") from exc
            attempt += 1
            log.info("%s: conflict, retrying (%d): %s", what, attempt, exc)
            time.sleep(random.uniform(0.02, 0.1) * min(20, 1.5 ** attempt))


def _evolve(con: duckdb.DuckDBPyConnection, wanted: dict[str, list[tuple[str, str]]]
            ) -> list[str]:
    changes: list[str] = []
    con.execute("BEGIN")
    existing: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = 'main'", [ALIAS]
    ).fetchall():
        existing.setdefault(table, set()).add(column)
    for table, columns in wanted.items():
        target = f"{ALIAS}.{_ident(table)}"
        if table not in existing:
            body = ", ".join(f"{_ident(c)} {t}" for c, t in columns)
            con.execute(f"CREATE TABLE {target} ({body})")
            con.execute(f"ALTER TABLE {target} SET PARTITIONED BY ({PARTITION_COLUMN})")
            changes.append(f"created {table}")
            continue
        for name, dtype in columns:
            if name not in existing[table]:
                con.execute(f"ALTER TABLE {target} ADD COLUMN {_ident(name)} {dtype}")
                changes.append(f"added {table}.{name}")
    _commit_message(con, "schema", {"changes": changes})
    con.execute("COMMIT")
    if any(c.startswith("created") for c in changes):
        con.execute(f"CALL {ALIAS}.set_option('parquet_compression', 'zstd')")
        for table, rows in ROW_GROUP_ROWS.items():
            if table in wanted:
                con.execute(f"CALL {ALIAS}.set_option('parquet_row_group_size', {int(rows)}, "
                            f"table_name => {_quote(table)})")
    log.info("lake schema: %s", ", ".join(changes))
    return changes


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")


def _commit_message(con: duckdb.DuckDBPyConnection, message: str,
                    extra: Mapping[str, Any]) -> None:
    con.execute(f"CALL {ALIAS}.set_commit_message('newslake', {_quote(message)}, "
                f"extra_info => {_quote(json.dumps(extra, default=str, sort_keys=True))})")


@dataclass(frozen=True)
class CommitInfo:
    """What one :func:`publish` committed."""

    snapshot_id: int
    crawl_date: date
    producer: str
    run_id: str
    mode: str
    rows: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        counts = ", ".join(f"{t}={n}" for t, n in self.rows.items())
        return (f"published {self.crawl_date} ({self.producer}, {self.mode}, snapshot "
                f"{self.snapshot_id}): {counts}")


def prepare(table: str, data: pa.Table, crawl_date: date, producer: str) -> pa.Table:
    """Rows conformed to ``table``'s schema with ``crawl_date`` and ``producer`` set."""
    rows = schema.conform(table, data)
    day = pa.array([crawl_date] * rows.num_rows, pa.date32())
    rows = rows.append_column(PARTITION_COLUMN, day)
    who = pa.array([producer] * rows.num_rows, pa.string())
    if PRODUCER_COLUMN in rows.column_names:
        return rows.set_column(rows.column_names.index(PRODUCER_COLUMN), PRODUCER_COLUMN, who)
    return rows.append_column(PRODUCER_COLUMN, who)


def publish(lake: str, crawl_date: date, producer: str, run_id: str,
            tables: Mapping[str, pa.Table], mode: str = "replace", hook: Hook | None = None,
            con: duckdb.DuckDBPyConnection | None = None,
            also_delete: Sequence[tuple[str, str]] | None = None) -> CommitInfo:
    """Commit ``tables`` for one day and producer in one transaction (module docstring).

    ``also_delete`` lists ``(table, producer)`` whose rows of the day are deleted in the same
    commit (e.g. the validation log of an earlier failed attempt).
    """
    from newslake.lake.publish import check_producer

    check_producer(producer)
    if mode not in MODES:
        raise ConfigError(f"publish mode must be one of {MODES}, not {mode!r}")
    unknown = sorted(set(tables) - set(schema.TABLES))
    if unknown:
        raise ConfigError(f"unknown lake tables {unknown}")
    prepared = {t: prepare(t, d, crawl_date, producer) for t, d in tables.items()}
    rows = {t: d.num_rows for t, d in prepared.items()}
    log_row = {
        "run_id": run_id, "mode": mode, "committed_at": datetime.now(UTC),
        "tables": sorted(prepared), "rows_json": json.dumps(rows, sort_keys=True),
    }
    prepared["publish_log"] = prepare("publish_log", pa.Table.from_pylist(
        [log_row], schema=schema.TABLES["publish_log"]), crawl_date, producer)
    extra = {"run_id": run_id, "producer": producer, "crawl_date": crawl_date.isoformat(),
             "mode": mode, "rows": rows}
    own = con is None
    con = con or connect(lake, read_only=False)
    try:
        snapshot = retrying(
            lambda: _commit(con, prepared, crawl_date, producer, mode, extra, hook,
                            list(also_delete or [])),
            f"lake commit of {crawl_date} ({producer})", lambda: _rollback(con))
    finally:
        if own:
            con.close()
    info = CommitInfo(snapshot_id=snapshot, crawl_date=crawl_date, producer=producer,
                      run_id=run_id, mode=mode, rows=rows)
    log.info("%s", info)
    return info


def _commit(con: duckdb.DuckDBPyConnection, prepared: Mapping[str, pa.Table], crawl_date: date,
            producer: str, mode: str, extra: Mapping[str, Any], hook: Hook | None,
            also_delete: list[tuple[str, str]]) -> int:
    step = hook or (lambda _name: None)
    step("begin")
    con.execute("BEGIN")
    for table, other in also_delete:
        step(f"delete:{table}:{other}")
        con.execute(f"DELETE FROM {ALIAS}.{_ident(table)} WHERE {PARTITION_COLUMN} = ? "
                    f"AND {PRODUCER_COLUMN} = ?", [crawl_date, other])
    for table, data in prepared.items():
        target = f"{ALIAS}.{_ident(table)}"
        if mode == "replace":
            step(f"delete:{table}")
            con.execute(f"DELETE FROM {target} WHERE {PARTITION_COLUMN} = ? "
                        f"AND {PRODUCER_COLUMN} = ?", [crawl_date, producer])
        if data.num_rows:
            step(f"insert:{table}")
            con.register("_newslake_rows", data)
            try:
                con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM _newslake_rows")
            finally:
                con.unregister("_newslake_rows")
    _commit_message(con, "publish", extra)
    step("commit")
    con.execute("COMMIT")
    step("committed")
    return int(con.execute(f"SELECT id FROM {ALIAS}.current_snapshot()").fetchone()[0])


@dataclass(frozen=True)
class Snapshot:
    """One commit of the lake."""

    snapshot_id: int
    committed_at: datetime
    message: str | None
    run_id: str | None
    producer: str | None
    crawl_date: str | None
    mode: str | None
    changes: dict[str, Any]


def snapshots(lake: str, con: duckdb.DuckDBPyConnection | None = None) -> list[Snapshot]:
    """Every snapshot of the lake, oldest first, with what its commit recorded."""
    own = con is None
    con = con or connect(lake)
    try:
        rows = con.execute(
            f"SELECT snapshot_id, snapshot_time, commit_message, commit_extra_info, changes "
            f"FROM {ALIAS}.snapshots() ORDER BY snapshot_id").fetchall()
    finally:
        if own:
            con.close()
    out = []
    for snapshot_id, at, message, extra_info, changes in rows:
        try:
            extra = json.loads(extra_info) if extra_info else {}
        except ValueError:
            extra = {}
        out.append(Snapshot(
            snapshot_id=int(snapshot_id), committed_at=at, message=message,
            run_id=extra.get("run_id"), producer=extra.get("producer"),
            crawl_date=extra.get("crawl_date"), mode=extra.get("mode"),
            changes=dict(changes or {})))
    return out


def read(lake: str, table: str, where: str = "", params: list[Any] | None = None,
         columns: list[str] | None = None, snapshot: int | datetime | None = None,
         con: duckdb.DuckDBPyConnection | None = None) -> pa.Table:
    """Rows of a lake table as Arrow (``where`` is a SQL condition with ``?`` parameters)."""
    own = con is None
    if own and not exists(lake):
        wanted = columns or [c for c, _ in lake_columns(new_session(), table)]
        return _empty_lake_table(table, wanted)
    con = con or connect(lake, snapshot=snapshot)
    try:
        cols = ", ".join(_ident(c) for c in columns) if columns else "*"
        sql = f"SELECT {cols} FROM {ALIAS}.{_ident(table)}"
        if where:
            sql += f" WHERE {where}"
        return con.execute(sql, params or []).fetch_arrow_table()
    finally:
        if own:
            con.close()


def _empty_lake_table(table: str, columns: list[str]) -> pa.Table:
    base = schema.TABLES[table]
    extra = {PARTITION_COLUMN: pa.date32(), PRODUCER_COLUMN: pa.string()}
    return pa.schema([base.field(c) if c in base.names else pa.field(c, extra[c])
                      for c in columns]).empty_table()


@dataclass(frozen=True)
class DataFile:
    """A live data file of the lake as the catalog records it."""

    table: str
    crawl_date: date | None
    path: str  # absolute path or URL
    rows: int
    bytes: int
    file_id: int = -1  # the catalog's data_file_id


LIVE_FILES_SQL = f"""
SELECT t.table_name, pv.partition_value, f.path, f.path_is_relative, s.path AS schema_path,
       s.path_is_relative AS schema_relative, t.path AS table_path,
       t.path_is_relative AS table_relative, f.record_count, f.file_size_bytes, f.data_file_id
FROM {META_ALIAS}.ducklake_data_file AS f
JOIN {META_ALIAS}.ducklake_table AS t USING (table_id)
JOIN {META_ALIAS}.ducklake_schema AS s USING (schema_id)
LEFT JOIN {META_ALIAS}.ducklake_file_partition_value AS pv
  ON pv.data_file_id = f.data_file_id AND pv.partition_key_index = 0
WHERE f.end_snapshot IS NULL AND t.end_snapshot IS NULL AND s.end_snapshot IS NULL
ORDER BY t.table_name, pv.partition_value, f.path
"""


def live_files(con: duckdb.DuckDBPyConnection, data_path: str) -> list[DataFile]:
    """Every data file of the current snapshot, with its table, day, rows and bytes."""
    out = []
    for (table, day, path, relative, schema_path, schema_rel, table_path, table_rel, rows,
         size, file_id) in con.execute(LIVE_FILES_SQL).fetchall():
        where = data_path
        for part, is_relative in ((schema_path, schema_rel), (table_path, table_rel),
                                  (path, relative)):
            where = f"{where}{part}" if is_relative is not False else part
        out.append(DataFile(table=table, crawl_date=date.fromisoformat(day) if day else None,
                            path=where, rows=int(rows), bytes=int(size or 0),
                            file_id=int(file_id)))
    return out


DETACH_SQL = (
    f"UPDATE {META_ALIAS}.{{table}} SET end_snapshot = ? "
    "WHERE data_file_id = ? AND end_snapshot IS NULL"
)


def detach_files(lake: str, files: Sequence[DataFile], run_id: str) -> int:
    """Take unreadable data files out of the lake in a new snapshot; returns its id.

    DuckLake deletes rows by reading the files that hold them, so a damaged file would block
    every later rewrite of its day. This ends the files (and their delete files) at a new
    snapshot, recorded with ``run_id`` and producer ``repair``: earlier snapshots still list
    them, the current one no longer does, and the next cleanup removes them from storage.
    """
    if not files:
        raise ConfigError("no files to detach")
    day = next((f.crawl_date for f in files if f.crawl_date), date(1970, 1, 1))
    snapshot = publish(lake, day, "repair", run_id, {}, mode="append").snapshot_id
    con = connect(lake, read_only=False)
    try:
        con.execute("BEGIN")
        for item in files:
            for table in ("ducklake_data_file", "ducklake_delete_file"):
                con.execute(DETACH_SQL.format(table=table), [snapshot, item.file_id])
        con.execute("COMMIT")
    finally:
        con.close()
    for item in files:
        log.warning("detached damaged file %s (%s %s) at snapshot %d", item.path, item.table,
                    item.crawl_date, snapshot)
    return snapshot
