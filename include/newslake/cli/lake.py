"""``newslake sql``, ``search``, ``catalog``, ``snapshots``, ``check`` and ``migrate-lake``."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TextIO
from uuid import UUID

from newslake.cli.common import add_date_argument, add_lake_argument, existing_lake_of
from newslake.lake import layout

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
    sql.add_argument("--as-of", dest="as_of", default=None, metavar="SNAPSHOT",
                     help="read the lake as of a snapshot id or an ISO timestamp "
                          "(default: the latest)")
    sql.add_argument("--views", default=None, metavar="FILE",
                     help="your own DuckDB file of views, attached as 'mine' "
                          "(default $NEWSLAKE_VIEWS)")
    add_lake_argument(sql)
    sql.set_defaults(handler=run_sql_command)

    snaps = subparsers.add_parser("snapshots", help="list the lake's commits",
                                  description="Every snapshot with its run id, producer "
                                              "and crawl date.")
    snaps.add_argument("--format", choices=FORMATS, default="table",
                       help="output format (default: table)")
    add_lake_argument(snaps)
    snaps.set_defaults(handler=run_snapshots_command)

    check = subparsers.add_parser("check", help="verify every data file of the lake",
                                  description="Read every data file the catalog references "
                                              "and name the damaged ones.")
    add_lake_argument(check)
    check.set_defaults(handler=run_check_command)

    migrate = subparsers.add_parser("migrate-lake",
                                    help="convert a lake of "
                                         f"{layout.part_file('<producer>')} files",
                                    description="Publish the former file layout into the "
                                                "DuckLake catalog (old files are kept).")
    add_lake_argument(migrate)
    migrate.set_defaults(handler=run_migrate_command)

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

    catalog = subparsers.add_parser("catalog", help=f"write {layout.init_script('<lake>')} for "
                                                    "the DuckDB CLI",
                                    description="Write the init script that opens the lake "
                                                "read-only in the DuckDB CLI.")
    add_lake_argument(catalog)
    catalog.set_defaults(handler=run_catalog_command)


def parse_as_of(value: str | None) -> int | datetime | None:
    """A snapshot id, or an ISO timestamp (UTC when it has no zone)."""
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--as-of: not a snapshot id or ISO timestamp: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run_sql_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake sql``: a refused or bad query prints one line and returns 1."""
    import duckdb

    from newslake.exceptions import NewslakeError
    from newslake.lake.catalog import run_sql

    lake = existing_lake_of(args)
    query = sys.stdin.read() if args.query == "-" else args.query
    if not query.strip():
        print("newslake sql: empty query", file=sys.stderr)
        return 1
    try:
        columns, rows = run_sql(lake, query, snapshot=parse_as_of(args.as_of),
                                views_file=args.views)
    except (duckdb.Error, NewslakeError, ValueError) as exc:
        print(f"newslake sql: {str(exc).splitlines()[0] if str(exc) else exc!r}",
              file=sys.stderr)
        return 1
    write_rows(columns, rows, args.format, sys.stdout, max_width=_max_width(args))
    return 0


def run_snapshots_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake snapshots``."""
    from newslake.lake.ducklake import snapshots

    rows = [(s.snapshot_id, s.committed_at, s.message, s.run_id, s.producer, s.crawl_date,
             s.mode) for s in snapshots(existing_lake_of(args))]
    write_rows(["snapshot_id", "committed_at", "message", "run_id", "producer", "crawl_date",
                "mode"], rows, args.format, sys.stdout)
    return 0


def run_check_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake check``: exit 1 when a data file is damaged."""
    from newslake.lake.check import check_lake

    checked, damaged = check_lake(existing_lake_of(args))
    for item in damaged:
        print(item)
    print(f"checked {checked} data files: {len(damaged)} damaged")
    for day in sorted({d.crawl_date for d in damaged if d.crawl_date}):
        print(f"rebuild {day} from its WARC files: newslake reextract --date {day}")
    return 1 if damaged else 0


def run_migrate_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake migrate-lake``."""
    from newslake.lake.check import migrate_lake

    print(f"migrated {migrate_lake(existing_lake_of(args))} day/producer parts")
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
    """Write query results as ``table``, ``csv`` or ``json`` (one array of objects); a
    statement without a result set (``CREATE VIEW mine.x``) writes ``OK`` as a table."""
    if not columns and fmt == "table":
        out.write("OK\n")
    elif fmt == "csv":
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
