"""The analyst surface: a DuckDB session over the DuckLake catalog, its views and macros.

:func:`connect` attaches the lake (read-only by default, optionally as of a snapshot) and
creates, in the session's in-memory database, one view per lake table (``stories`` is
``stories_history``; ``include/sql/views.sql`` defines ``stories``), ``terms_missing`` and
the views and macros of ``include/sql``. Nothing of this is stored in the lake, so no
publish can break or wipe it.

Analysts keep their own views in a DuckDB file of their own, attached as ``mine``
(``newslake sql --views my_views.duckdb "CREATE VIEW mine.x AS ..."``): publishes never
touch it.

:func:`run_sql` is ``newslake sql``: read statements only. A write, ``ATTACH``,
``COPY ... TO``, ``INSTALL``/``LOAD``, ``SET``, ``PRAGMA`` or a file read outside the lake is
refused with :class:`ReadOnlyViolation`; on top of the statement check, the lake is
attached read-only, file access is limited to the lake's data directory and the
configuration is locked. Secrets are session secrets (``duckdb_secrets()`` redacts them, and
unredacting is locked off); the S3 settings httpfs copies from the environment are blanked.

:func:`write_catalog` writes ``<lake>/newslake.sql``, the init script that opens the same
session in the DuckDB CLI (``duckdb -init <lake>/newslake.sql``).
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from newslake.config import SQL_DIR
from newslake.exceptions import ReadOnlyViolation
from newslake.lake import ducklake, layout, schema
from newslake.lake.extensions import extension_path, new_session

VIEWS_ALIAS = "mine"
VIEWS_ENV = "NEWSLAKE_VIEWS"
HISTORY_VIEWS = {"stories": "stories_history"}
"""Base views renamed because ``include/sql/views.sql`` defines the table's name."""
SQL_FILES = ("views.sql", "macros.sql")
TERMS_MISSING_SQL = """CREATE OR REPLACE VIEW terms_missing AS
SELECT DISTINCT crawl_date FROM (
    SELECT DISTINCT crawl_date, producer FROM lake.articles
    EXCEPT SELECT crawl_date, producer FROM lake.terms WHERE term = ''
)"""
"""Days with articles whose ``terms`` index is missing (``keyword_coverage`` scans them)."""


def base_view_name(table: str) -> str:
    """Name of the view that reads every row of ``table``."""
    return HISTORY_VIEWS.get(table, table)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _quote_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def views_sql(con: duckdb.DuckDBPyConnection | None = None) -> list[str]:
    """Statements creating the base views, ``terms_missing`` and ``include/sql``.

    With ``con`` (a session with the lake attached), a table the lake does not hold yet (a
    lake written by an earlier version, opened read-only) gets an empty view of its columns.
    """
    statements = [
        f"CREATE OR REPLACE VIEW {_quote_ident(base_view_name(t))} AS "
        + (f"SELECT * FROM {ducklake.ALIAS}.{_quote_ident(t)}"
           if con is None or ducklake.has_table(con, t) else _empty_select(con, t))
        for t in schema.TABLES
    ]
    statements.append(TERMS_MISSING_SQL)
    statements += [(Path(SQL_DIR) / name).read_text(encoding="utf-8") for name in SQL_FILES]
    return statements


def _empty_select(con: duckdb.DuckDBPyConnection, table: str) -> str:
    columns = ", ".join(f"CAST(NULL AS {dtype}) AS {_quote_ident(name)}"
                        for name, dtype in ducklake.lake_columns(con, table))
    return f"SELECT {columns} WHERE false"


def install_views(con: duckdb.DuckDBPyConnection) -> None:
    """Create the views and macros in the session's in-memory database."""
    for statement in views_sql(con):
        con.execute(statement)


def pin_terms_missing(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Replace ``terms_missing`` by the constant list of the days it holds now; returns them.

    DuckLake prunes data files by a constant list but not by a join with a view, so with
    the view ``keyword_coverage`` would read the bodies of indexed days too. Every publish
    writes a day's ``terms`` with its articles, so a day does not lose its index while the
    session is open; a day indexed meanwhile is only scanned instead of looked up.
    """
    days = [d for (d,) in con.execute(
        "SELECT crawl_date FROM terms_missing ORDER BY crawl_date").fetchall()]
    literals = ", ".join(f"DATE '{d.isoformat()}'" for d in days)
    con.execute("CREATE OR REPLACE VIEW terms_missing AS "
                f"SELECT unnest([{literals}]::DATE[]) AS crawl_date")
    return days


def connect(lake: str, read_only: bool = True, snapshot: int | datetime | None = None,
            views_file: str | None = None, sandbox: bool = False
            ) -> duckdb.DuckDBPyConnection:
    """A DuckDB session with the lake's views and macros (module docstring).

    ``views_file`` attaches an analyst's DuckDB file as ``mine``; ``sandbox`` limits file
    access to the lake's data and locks the configuration (``newslake sql``).
    """
    con = new_session()
    ducklake.connect(lake, read_only=read_only, snapshot=snapshot, con=con)
    con.execute("USE memory")
    install_views(con)
    pin_terms_missing(con)
    if views_file:
        con.execute(f"ATTACH {_quote_str(os.path.abspath(views_file))} AS {VIEWS_ALIAS}")
    if sandbox:
        allowed = [ducklake.location(lake).data_path]
        if views_file:
            allowed.append(os.path.abspath(views_file))
        for name, in con.execute(
                "SELECT name FROM duckdb_settings() WHERE name IN ('s3_secret_access_key', "
                "'s3_access_key_id', 's3_session_token')").fetchall():
            con.execute(f"SET {name} = ''")  # httpfs copies them from the environment
        con.execute(f"SET allowed_directories = [{', '.join(map(_quote_str, allowed))}]")
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")
    return con


_READ_TYPES = {"SELECT", "EXPLAIN"}
_ANALYST_DDL = re.compile(
    rf"^\s*(CREATE\s+(OR\s+REPLACE\s+)?(VIEW|MACRO)\s+(IF\s+NOT\s+EXISTS\s+)?"
    rf"|DROP\s+(VIEW|MACRO)\s+(IF\s+EXISTS\s+)?){VIEWS_ALIAS}\s*\.", re.IGNORECASE)


def check_statements(con: duckdb.DuckDBPyConnection, query: str,
                     views_file: str | None = None) -> None:
    """Refuse anything but reads (and, with a views file, views and macros in ``mine``)."""
    try:
        statements = con.extract_statements(query)
    except duckdb.Error as exc:
        raise ReadOnlyViolation(str(exc).splitlines()[0]) from exc
    for statement in statements:
        kind = statement.type.name
        text = statement.query.strip()
        if kind in _READ_TYPES:
            continue
        if views_file and kind in {"CREATE", "DROP"} and _ANALYST_DDL.match(text):
            continue
        first = " ".join(text.split()[:2]) or kind
        raise ReadOnlyViolation(f"refused: {first} ... (the lake is read-only here; "
                                "only SELECT, and views in your own file, are allowed)")


def run_sql(lake: str, query: str, snapshot: int | datetime | None = None,
            views_file: str | None = None) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run read-only SQL over the lake (the last statement's result is returned)."""
    views_file = views_file or os.environ.get(VIEWS_ENV) or None
    con = connect(lake, snapshot=snapshot, views_file=views_file, sandbox=True)
    try:
        check_statements(con, query, views_file)
        relation = con.sql(query)
        if relation is None:
            return [], []
        return list(relation.columns), relation.fetchall()
    finally:
        con.close()


def write_catalog(lake: str) -> str:
    """Write ``<lake>/newslake.sql``: the DuckDB CLI init script opening the lake read-only.

    Open it with ``duckdb -init <lake>/newslake.sql`` (the ``duckdb-cli`` of the pinned
    DuckDB version, which loads the same extension files). Returns its path.
    """
    loc = ducklake.location(lake)
    if not loc.is_local:
        raise ValueError("the CLI init script is written for a local lake")
    probe = new_session()
    try:
        loads = [f"LOAD {_quote_str(str(extension_path(probe, name)))};"
                 for name in ("ducklake", "postgres_scanner" if loc.kind == "postgres"
                              else "sqlite_scanner")]
    finally:
        probe.close()
    attached = ducklake.connect(lake) if ducklake.exists(lake) else None
    try:
        views = views_sql(attached)
    finally:
        if attached is not None:
            attached.close()
    lines = [
        "-- newslake: open the lake read-only with its views and macros",
        "SET autoinstall_known_extensions = false;",
        "SET autoload_known_extensions = false;",
        "SET TimeZone = 'UTC';",
        *loads,
        ducklake.attach_sql(loc, read_only=True) + ";",
        *[s.rstrip().rstrip(";") + ";" for s in views],
    ]
    target = layout.init_script(loc.root)
    temp = f"{target}.{os.getpid()}.tmp"
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(temp, target)
    return target
