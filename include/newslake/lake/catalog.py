"""The DuckDB catalog: one view per lake table plus the views and macros of ``include/sql``.

:func:`connect` opens an in-memory session whose views read the lake directly (always
current). :func:`write_catalog` writes ``<lake>/newslake.duckdb`` for the ``duckdb`` CLI;
its views use paths relative to the lake root, so a copied lake still works. DuckDB
resolves relative paths against the working directory (or ``file_search_path``), so open it
from inside the lake::

    cd lake && duckdb newslake.duckdb
    duckdb -cmd "SET file_search_path='lake'" lake/newslake.duckdb
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Any

import duckdb

from newslake.config import SQL_DIR
from newslake.lake import schema
from newslake.lake.storage import TEMP_PREFIX, TEMP_SUFFIX, Lake, S3Settings, open_lake
from newslake.lake.terms import terms_missing_sql, unindexed_days

CATALOG_FILE = "newslake.duckdb"
HISTORY_VIEWS = {"stories": "stories_history"}
"""Base views renamed because ``include/sql/views.sql`` defines the table's name."""
SQL_FILES = ("views.sql", "macros.sql")


def base_view_name(table: str) -> str:
    """Name of the view that reads every row of ``table``'s files."""
    return HISTORY_VIEWS.get(table, table)


def _duckdb_types(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    relation = con.from_arrow(schema.empty(table))
    return list(zip(relation.columns, [str(t) for t in relation.types], strict=True))


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def base_view_sql(con: duckdb.DuckDBPyConnection, table: str, prefix: str,
                  has_files: bool) -> str:
    """``CREATE VIEW`` of one table: a typed empty select, unioned by name with the files.

    The typed select fixes every column and its type, so a table without files yet
    gives zero rows with the right columns, and files written before a column was
    appended give nulls for it.
    """
    columns = [*_duckdb_types(con, table), ("crawl_date", "DATE")]
    typed = ", ".join(f"CAST(NULL AS {t}) AS {_quote_ident(c)}" for c, t in columns)
    body = f"SELECT {typed} WHERE false"
    if has_files:
        glob = _quote_str(f"{prefix}{table}/crawl_date=*/*.parquet")
        body += (
            " UNION ALL BY NAME SELECT * FROM read_parquet("
            f"{glob}, hive_partitioning = true, union_by_name = true, "
            "hive_types = {'crawl_date': DATE})"
        )
    return f"CREATE OR REPLACE VIEW {_quote_ident(base_view_name(table))} AS {body}"


def _tables_with_files(store: Lake) -> set[str]:
    return {
        table
        for table in schema.TABLES
        if any(store.data_files(path) for path in store.partitions(table).values())
    }


def configure_s3(con: duckdb.DuckDBPyConnection) -> None:
    """Load httpfs and create a session secret from the ``AWS_*`` environment variables."""
    from newslake.lake.extensions import load_extension

    load_extension(con, "httpfs")
    settings = S3Settings.from_env()
    options = [f"REGION {_quote_str(settings.region)}"]
    if settings.access_key and settings.secret_key:
        options += [f"KEY_ID {_quote_str(settings.access_key)}",
                    f"SECRET {_quote_str(settings.secret_key)}"]
        if settings.session_token:
            options.append(f"SESSION_TOKEN {_quote_str(settings.session_token)}")
    if settings.endpoint_url:
        scheme, _, host = settings.endpoint_url.partition("://")
        options += [f"ENDPOINT {_quote_str(host.rstrip('/') or scheme)}",
                    "URL_STYLE 'path'", f"USE_SSL {'true' if scheme == 'https' else 'false'}"]
    con.execute(f"CREATE OR REPLACE SECRET newslake_s3 (TYPE s3, {', '.join(options)})")


def install_views(con: duckdb.DuckDBPyConnection, store: Lake, prefix: str) -> None:
    """Create the base views (paths prefixed by ``prefix``) and run ``include/sql``."""
    with_files = _tables_with_files(store)
    for table in schema.TABLES:
        con.execute(base_view_sql(con, table, prefix, table in with_files))
    con.execute(terms_missing_sql(unindexed_days(store)))
    for name in SQL_FILES:
        con.execute((Path(SQL_DIR) / name).read_text(encoding="utf-8"))


def connect(lake: str, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """A DuckDB session with the lake's views and macros.

    ``read_only=True`` (the default) gives an in-memory session whose views read the lake
    by absolute path and that never touches ``newslake.duckdb``; ``read_only=False`` opens
    the local catalog file for writing and (re)creates its views with relative paths.
    """
    store = open_lake(lake)
    if not read_only:
        if not store.is_local:
            raise ValueError("a writable catalog needs a local lake; use write_catalog()")
        con = duckdb.connect(os.path.join(store.root, CATALOG_FILE))
        _init_session(con, store)
        con.execute(f"SET file_search_path = {_quote_str(store.root)}")
        install_views(con, store, "")
        return con
    con = duckdb.connect()
    _init_session(con, store)
    install_views(con, store, store.uri.rstrip("/") + "/")
    return con


def _init_session(con: duckdb.DuckDBPyConnection, store: Lake) -> None:
    con.execute("SET TimeZone = 'UTC'")
    if not store.is_local:
        configure_s3(con)


def write_catalog(lake: str) -> str:
    """Write ``<lake>/newslake.duckdb`` (views with lake-relative paths); returns its URI.

    The file is built aside and renamed into place (uploaded in one PUT on S3). Views of
    tables that had no files yet return zero rows until the catalog is written again.
    """
    store = open_lake(lake)
    if store.is_local:
        temp = os.path.join(store.root, f"{TEMP_PREFIX}{CATALOG_FILE}.{uuid.uuid4().hex}"
                                         f"{TEMP_SUFFIX}")
        target = os.path.join(store.root, CATALOG_FILE)
        os.makedirs(store.root, exist_ok=True)
        try:
            _build_catalog_file(temp, store, "")
            os.replace(temp, target)
        finally:
            for leftover in (temp, temp + ".wal"):
                if os.path.exists(leftover):
                    os.unlink(leftover)
        return target
    with tempfile.TemporaryDirectory() as tmp:
        local = os.path.join(tmp, CATALOG_FILE)
        _build_catalog_file(local, store, store.uri.rstrip("/") + "/")
        target = store.path(CATALOG_FILE)
        with open(local, "rb") as src, store.fs.open_output_stream(target) as dst:
            dst.write(src.read())
    return store.uri_of(CATALOG_FILE)


def _build_catalog_file(path: str, store: Lake, prefix: str) -> None:
    con = duckdb.connect(path)
    try:
        _init_session(con, store)
        if store.is_local:
            con.execute(f"SET file_search_path = {_quote_str(store.root)}")
        install_views(con, store, prefix)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def run_sql(lake: str, query: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one query (or several; the last one's result is returned) over the lake."""
    con = connect(lake)
    try:
        relation = con.sql(query)
        if relation is None:
            return [], []
        return list(relation.columns), relation.fetchall()
    finally:
        con.close()
