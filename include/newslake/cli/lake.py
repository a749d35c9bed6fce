"""``newslake sql``, ``search``, ``catalog``, ``snapshots``, ``check`` and ``migrate-lake``."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TextIO

from newslake.cli.common import add_lake_argument, lake_of

FORMATS = ("table", "csv", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sql``, ``search`` and ``catalog`` sub-commands."""
    sql = subparsers.add_parser("sql", help="run a SQL query over the lake (DuckDB)",
                                description="Run SQL over the lake's views and macros.")
    sql.add_argument("query", help='e.g. "SELECT * FROM top_sites(\'2024-01-01\', \'2024-12-31\')"')
    sql.add_argument("--format", choices=FORMATS, default="table", help="output format")
    sql.add_argument("--as-of", dest="as_of", default=None, metavar="SNAPSHOT",
                     help="read the lake as of a snapshot id or an ISO timestamp")
    sql.add_argument("--views", default=None, metavar="FILE",
                     help="your own DuckDB file of views, attached as 'mine' "
                          "(default $NEWSLAKE_VIEWS)")
    add_lake_argument(sql)
    sql.set_defaults(handler=run_sql_command)

    snaps = subparsers.add_parser("snapshots", help="list the lake's commits",
                                  description="Every snapshot with its run id, producer "
                                              "and crawl date.")
    snaps.add_argument("--format", choices=FORMATS, default="table", help="output format")
    add_lake_argument(snaps)
    snaps.set_defaults(handler=run_snapshots_command)

    check = subparsers.add_parser("check", help="verify every data file of the lake",
                                  description="Read every data file the catalog references "
                                              "and name the damaged ones.")
    add_lake_argument(check)
    check.set_defaults(handler=run_check_command)

    migrate = subparsers.add_parser("migrate-lake",
                                    help="convert a lake of part-<producer>.parquet files",
                                    description="Publish the former file layout into the "
                                                "DuckLake catalog (old files are kept).")
    add_lake_argument(migrate)
    migrate.set_defaults(handler=run_migrate_command)

    search = subparsers.add_parser("search", help="full-text search over titles and bodies",
                                   description="BM25 full-text search (DuckDB fts).")
    search.add_argument("query", help="words to look for")
    search.add_argument("--from", dest="date_from", type=date.fromisoformat, default=None,
                        metavar="YYYY-MM-DD", help="first crawl date (inclusive)")
    search.add_argument("--to", dest="date_to", type=date.fromisoformat, default=None,
                        metavar="YYYY-MM-DD", help="last crawl date (inclusive)")
    search.add_argument("--limit", type=int, default=20, help="most results shown (default 20)")
    search.add_argument("--format", choices=FORMATS, default="table", help="output format")
    add_lake_argument(search)
    search.set_defaults(handler=run_search_command)

    catalog = subparsers.add_parser("catalog", help="write <lake>/newslake.sql for the DuckDB CLI",
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

    try:
        columns, rows = run_sql(lake_of(args), args.query, snapshot=parse_as_of(args.as_of),
                                views_file=args.views)
    except (duckdb.Error, NewslakeError, ValueError) as exc:
        print(f"newslake sql: {str(exc).splitlines()[0] if str(exc) else exc!r}",
              file=sys.stderr)
        return 1
    write_rows(columns, rows, args.format, sys.stdout)
    return 0


def run_snapshots_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake snapshots``."""
    from newslake.lake.ducklake import snapshots

    rows = [(s.snapshot_id, s.committed_at, s.message, s.run_id, s.producer, s.crawl_date,
             s.mode) for s in snapshots(lake_of(args))]
    write_rows(["snapshot_id", "committed_at", "message", "run_id", "producer", "crawl_date",
                "mode"], rows, args.format, sys.stdout)
    return 0


def run_check_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake check``: exit 1 when a data file is damaged."""
    from newslake.lake.check import check_lake

    checked, damaged = check_lake(lake_of(args))
    for item in damaged:
        print(item)
    print(f"checked {checked} data files: {len(damaged)} damaged")
    return 1 if damaged else 0


def run_migrate_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake migrate-lake``."""
    from newslake.lake.check import migrate_lake

    print(f"migrated {migrate_lake(lake_of(args))} day/producer parts")
    return 0


def run_search_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake search``."""
    import duckdb

    from newslake.lake.search import search

    try:
        columns, rows = search(lake_of(args), args.query, args.date_from, args.date_to,
                               limit=args.limit)
    except duckdb.Error as exc:
        print(f"newslake search: {exc}", file=sys.stderr)
        return 1
    if args.format == "table":
        rows = [(round(r[0], 3), *r[1:]) for r in rows]
    write_rows(columns, rows, args.format, sys.stdout)
    return 0


def run_catalog_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake catalog``: prints the catalog's path."""
    from newslake.lake.catalog import write_catalog

    print(write_catalog(lake_of(args)))
    return 0


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def format_table(columns: list[str], rows: list[tuple[Any, ...]], max_width: int = 60) -> str:
    """Rows as an aligned text table (numbers right-aligned, long cells cut)."""
    def clip(text: str) -> str:
        text = text.replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[clip(_cell(v)) for v in row] for row in rows]
    numeric = [
        all(isinstance(row[i], int | float | Decimal) or row[i] is None for row in rows) and rows
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


def write_rows(columns: list[str], rows: list[tuple[Any, ...]], fmt: str, out: TextIO) -> None:
    """Write query results as ``table``, ``csv`` or ``json`` (one array of objects)."""
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(v) for v in row] for row in rows])
    elif fmt == "json":
        records = [dict(zip(columns, [_json_value(v) for v in row], strict=True)) for row in rows]
        out.write(json.dumps(records, ensure_ascii=False, default=str) + "\n")
    else:
        out.write(format_table(columns, rows) + "\n")
