"""``newslake sql``, ``newslake search`` and ``newslake catalog``: the lake for analysts."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TextIO
from uuid import UUID

from newslake.cli.common import add_date_argument, add_lake_argument, existing_lake_of

FORMATS = ("table", "csv", "json")
MAX_WIDTH = 60
"""Default cut of table cells (``--max-width``; ``--wide``: no cut)."""
NULL_TEXT = "NULL"
"""How the table format shows a null (CSV writes an empty field, JSON ``null``)."""


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="output format (default: table); csv writes lists and structs "
                             "as JSON and booleans as true/false")
    parser.add_argument("--max-width", type=int, default=MAX_WIDTH, metavar="N",
                        help=f"table format: cut cells at N characters (default: {MAX_WIDTH})")
    parser.add_argument("--wide", action="store_true",
                        help="table format: never cut cells (default: cut at --max-width)")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sql``, ``search`` and ``catalog`` sub-commands."""
    sql = subparsers.add_parser("sql", help="run a SQL query over the lake (DuckDB)",
                                description="Run SQL over the lake's views and macros.")
    sql.add_argument("query", help="SQL, e.g. \"SELECT * FROM top_sites('2022-04-01', "
                                   "'2022-04-03')\"; - reads it from standard input")
    _add_output_options(sql)
    add_lake_argument(sql)
    sql.set_defaults(handler=run_sql_command)

    search = subparsers.add_parser("search", help="full-text search over titles and bodies",
                                   description="BM25 full-text search (DuckDB fts).")
    search.add_argument("query", help="words to look for")
    add_date_argument(search, "--from", dest="date_from", default=None,
                      help="first crawl date, inclusive (default: the first day)")
    add_date_argument(search, "--to", dest="date_to", default=None,
                      help="last crawl date, inclusive (default: the last day)")
    search.add_argument("--limit", type=int, default=20, help="most results shown (default: 20)")
    _add_output_options(search)
    add_lake_argument(search)
    search.set_defaults(handler=run_search_command)

    catalog = subparsers.add_parser("catalog", help="write <lake>/newslake.duckdb for DuckDB",
                                    description="Write the DuckDB catalog file of the lake.")
    add_lake_argument(catalog)
    catalog.set_defaults(handler=run_catalog_command)


def run_sql_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake sql``: a bad query prints DuckDB's error and returns 1."""
    import duckdb

    from newslake.lake.catalog import run_sql

    lake = existing_lake_of(args)
    query = sys.stdin.read() if args.query == "-" else args.query
    if not query.strip():
        print("newslake sql: empty query", file=sys.stderr)
        return 1
    try:
        columns, rows = run_sql(lake, query)
    except duckdb.Error as exc:
        print(f"newslake sql: {exc}", file=sys.stderr)
        return 1
    write_rows(columns, rows, args.format, sys.stdout, max_width=_max_width(args))
    return 0


def _max_width(args: argparse.Namespace) -> int | None:
    return None if args.wide else max(args.max_width, 2)


def run_search_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake search``."""
    import duckdb

    from newslake.lake.search import search

    lake = existing_lake_of(args)
    try:
        columns, rows = search(lake, args.query, args.date_from, args.date_to,
                               limit=args.limit)
    except duckdb.Error as exc:
        print(f"newslake search: {exc}", file=sys.stderr)
        return 1
    if args.format == "table":
        rows = [(round(r[0], 3), *r[1:]) for r in rows]
    write_rows(columns, rows, args.format, sys.stdout, max_width=_max_width(args))
    return 0


def run_catalog_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake catalog``: prints the catalog's path."""
    from newslake.lake.catalog import write_catalog

    print(write_catalog(existing_lake_of(args)))
    return 0


def _cell(value: Any) -> str:
    """A value as a table cell: NULL for null, ISO dates, lists and booleans as JSON."""
    if value is None:
        return NULL_TEXT
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple | dict | bool):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return str(value)


def _csv_cell(value: Any) -> str:
    """A value as a CSV field DuckDB and pandas read back: empty for null, true/false,
    ISO dates and times, lists and structs as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple | dict):
        return json.dumps(_json_value(value), ensure_ascii=False)
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def format_table(columns: list[str], rows: list[tuple[Any, ...]],
                 max_width: int | None = MAX_WIDTH) -> str:
    """Rows as an aligned text table (numbers right-aligned, nulls as NULL, cells longer
    than ``max_width`` cut with "…"; ``None``: never cut)."""
    def clip(text: str) -> str:
        text = text.replace("\n", " ")
        if max_width is None or len(text) <= max_width:
            return text
        return text[: max_width - 1] + "…"

    cells = [[clip(_cell(v)) for v in row] for row in rows]
    numeric = [
        all((isinstance(row[i], int | float | Decimal) and not isinstance(row[i], bool))
            or row[i] is None for row in rows) and rows
        for i in range(len(columns))
    ]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(list(columns)), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)


def write_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str, out: TextIO,
               max_width: int | None = MAX_WIDTH) -> None:
    """Write query results as ``table``, ``csv`` or ``json`` (one array of objects)."""
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
    elif fmt == "json":
        records = [dict(zip(columns, [_json_value(v) for v in row], strict=True)) for row in rows]
        out.write(json.dumps(records, ensure_ascii=False, default=str) + "\n")
    else:
        out.write(format_table(columns, rows, max_width) + "\n")
    out.flush()
