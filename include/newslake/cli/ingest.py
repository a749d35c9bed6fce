"""Sub-commands that run the pipeline in-process: ingest, import-warc, reextract, report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from newslake.cli.common import add_date_argument, add_lake_argument, existing_lake_of, lake_of
from newslake.config import SOURCES_ENV

if TYPE_CHECKING:
    from newslake.pipeline.results import ExtractStep


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the run sub-commands."""
    ingest = subparsers.add_parser("ingest", help="crawl and publish one day, in this process")
    add_lake_argument(ingest)
    add_date_argument(ingest, "--date", required=True, help="crawl date")
    ingest.add_argument("--sources", default=None,
                        help=f"sources.yaml path (default: ${SOURCES_ENV}, else the bundled "
                             "include/sources.yaml)")
    ingest.set_defaults(handler=_ingest)

    imp = subparsers.add_parser(
        "import-warc", help="extract, dedup, validate and publish pages of WARC files"
    )
    add_lake_argument(imp)
    imp.add_argument("files", nargs="+", help="WARC files (.warc or .warc.gz)")
    add_date_argument(imp, "--date", default=None,
                      help="crawl date (default: the date of the first record)")
    imp.add_argument("--sources", default=None,
                     help="sources.yaml for adapter hints (default: none)")
    imp.add_argument(
        "--page-types", default="article", metavar="article,forum",
        help="page types kept as articles (comma-separated, or 'any'); others are rejected "
        "as not_article (default: article)",
    )
    imp.set_defaults(handler=_import_warc)

    reextract = subparsers.add_parser(
        "reextract", help="rebuild a day's articles from its raw WARC files, offline"
    )
    add_lake_argument(reextract)
    add_date_argument(reextract, "--date", required=True, help="crawl date to rebuild")
    reextract.add_argument("--sources", default=None,
                           help="sources.yaml for adapter hints (default: none)")
    reextract.set_defaults(handler=_reextract)

    report = subparsers.add_parser("report", help="what landed in the lake, per day and site")
    add_lake_argument(report)
    report.set_defaults(handler=_report)


def _ingest(args: argparse.Namespace) -> int:
    from newslake.config import resolve_settings
    from newslake.pipeline import ingest_day

    info = ingest_day(resolve_settings(lake=lake_of(args), sources=args.sources), args.date)
    print(info.summary())
    return 0


def _import_warc(args: argparse.Namespace) -> int:
    from newslake.pipeline import import_warc

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        print(f"newslake import-warc: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    page_types = _page_types(args.page_types)
    if isinstance(page_types, str):
        print(f"newslake import-warc: --page-types: {page_types}", file=sys.stderr)
        return 2
    info = import_warc(args.files, lake_of(args), crawl_date=args.date,
                       sources_path=args.sources, page_types=page_types)
    print(info.summary())
    for part in info.extract:
        print(records_line(part))
    return 0


def records_line(part: ExtractStep) -> str:
    """What one WARC file gave: records read, pages, and records skipped by why."""
    records = dict(part.records)
    read, pages = records.pop("records", 0), records.pop("pages", 0)
    skipped = sorted((k.split(":", 1)[1], v) for k, v in records.items())
    non_html = part.skipped_non_html
    why = ", ".join(f"{n} {k}" for k, v in skipped for n in [v])
    return (
        f"{part.read[0] if part.read else '?'}: {read} records read, {pages} responses "
        f"({non_html} not HTML), {sum(v for _, v in skipped)} records skipped"
        + (f" ({why})" if why else "")
    )


def _page_types(value: str) -> frozenset[str] | None | str:
    """The accepted page types of ``--page-types`` (None: any), or the error as a string."""
    from newslake.extract.page_type import PAGE_TYPES

    names = [v.strip() for v in value.split(",") if v.strip()]
    if names == ["any"]:
        return None
    unknown = [n for n in names if n not in PAGE_TYPES]
    if unknown or not names:
        return f"{', '.join(unknown) or 'nothing'} given; expected any or {', '.join(PAGE_TYPES)}"
    return frozenset(names)


def _reextract(args: argparse.Namespace) -> int:
    from newslake.pipeline import reextract_day

    info = reextract_day(existing_lake_of(args), args.date, sources_path=args.sources)
    print(info.summary())
    return 0


def _report(args: argparse.Namespace) -> int:
    from newslake.pipeline.report import lake_report

    print(lake_report(existing_lake_of(args)))
    return 0
