"""``newslake validate --date D``: re-validate a published day after a suite changes."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from newslake.cli.common import add_lake_argument, lake_of


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate", help="re-validate a published day with the current suites",
        description="Re-validate a published crawl day with the suites in include/expectations:"
                    " rows that pass are published again, failing rows go to quarantine,"
                    " the checks are appended to validation_log. Exit 1 if the batch fails.",
    )
    parser.add_argument("--date", required=True, type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="crawl date to re-validate")
    parser.add_argument("--producer", action="append", default=None,
                        help="only this producer's part (repeatable; default: every producer)")
    parser.add_argument("--languages", default=None, metavar="en,de",
                        help="accepted language codes (default: any)")
    parser.add_argument("--max-rejected-share", type=float, default=0.5,
                        help="ceiling of extraction rejections per source (default 0.5)")
    parser.add_argument("--min-source-pages", type=int, default=10,
                        help="sources with fewer pages are not share-checked (default 10)")
    parser.add_argument("--warn", action="append", default=[], metavar="EXPECTATION",
                        help="downgrade an expectation to a warning (repeatable)")
    parser.add_argument("--no-docs", action="store_true", help="do not build the Data Docs")
    add_lake_argument(parser)
    parser.set_defaults(handler=run_validate_command)


def run_validate_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake validate``: 0 when every producer's part passed."""
    from newslake.validate import ValidationConfig
    from newslake.validate.republish import revalidate_day

    languages = None
    if args.languages:
        languages = frozenset(c for c in args.languages.split(",") if c.strip())
    config = ValidationConfig(
        languages=languages,
        severity={name: "warn" for name in args.warn},
        max_rejected_share=args.max_rejected_share,
        min_source_pages=args.min_source_pages,
    )
    lake = lake_of(args)
    reports = revalidate_day(lake, args.date, config=config, producers=args.producer,
                             build_docs=not args.no_docs)
    if not reports:
        print(f"newslake validate: no published articles on {args.date} in {lake}",
              file=sys.stderr)
        return 1
    failed = False
    for report in reports:
        print(report)
        for text in report.result.warnings:
            print(f"  warning: {text}")
        if not report.published:
            failed = True
            for text in report.result.failures:
                print(f"  FAILED: {text}", file=sys.stderr)
    docs = next((r.result.docs_index for r in reports if r.result.docs_index), None)
    if docs:
        print(f"Data Docs: {docs}")
    if failed:
        print(f"newslake validate: {args.date} failed validation; the published day is "
              "unchanged (see the failures above)", file=sys.stderr)
        return 1
    return 0
