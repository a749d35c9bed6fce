"""``newslake index-terms``: (re)build the ``terms``, ``postings`` and ``url_index`` indexes
of articles."""

from __future__ import annotations

import argparse

from newslake.cli.common import add_date_argument, add_lake_argument, existing_lake_of


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``index-terms`` sub-command."""
    parser = subparsers.add_parser(
        "index-terms", help="build the terms index of days published without it",
        description="Index the words of each day's articles (lake table terms). By default "
                    "only days with articles but no complete index; --all rebuilds every day.")
    add_date_argument(parser, "--from", dest="date_from", default=None,
                      help="first crawl date, inclusive (default: the first day)")
    add_date_argument(parser, "--to", dest="date_to", default=None,
                      help="last crawl date, inclusive (default: the last day)")
    parser.add_argument("--all", action="store_true",
                        help="rebuild days already indexed too (default: only days without)")
    add_lake_argument(parser)
    parser.set_defaults(handler=run_index_terms_command)


def run_index_terms_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake index-terms``: prints one line per indexed day."""
    from newslake.lake.read import published_dates
    from newslake.lake.terms import INDEX_TABLES, index_day, unindexed_days

    lake = existing_lake_of(args)
    days = (published_dates(lake, "articles") if args.all else
            sorted({d for table in INDEX_TABLES for d in unindexed_days(lake, table)}))
    days = [d for d in days if (args.date_from is None or d >= args.date_from)
            and (args.date_to is None or d <= args.date_to)]
    for day in days:
        written = index_day(lake, day)
        print(f"{day}: " + ", ".join(f"{p}={n} terms" for p, n in written.items()))
    print(f"indexed {len(days)} day(s)")
    return 0
