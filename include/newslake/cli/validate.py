"""``newslake validate --date D``: re-validate a published day after a suite changes."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from newslake.cli.common import add_date_argument, add_lake_argument, existing_lake_of
from newslake.config import resolve_sources

ANY_LANGUAGE = "any"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate", help="re-validate a published day with the current suites",
        description="Re-validate a published crawl day with the suites in include/expectations:"
                    " rows that pass are published again, failing rows go to quarantine,"
                    " the checks are appended to validation_log. Exit 1 if the batch fails.",
    )
    add_date_argument(parser, "--date", required=True, help="crawl date to re-validate")
    parser.add_argument("--producer", action="append", default=None,
                        help="only this producer's part (repeatable; default: every producer)")
    parser.add_argument("--languages", default=None, metavar="en,de",
                        help="accepted language codes, or 'any' (default: the daily run's gate:"
                             " the languages of --sources for its parts, any for WARC imports)")
    parser.add_argument("--sources", default=None,
                        help="sources.yaml whose languages the daily run accepts "
                             "(default: $NEWSLAKE_SOURCES, else the bundled include/sources.yaml)")
    parser.add_argument("--max-rejected-share", type=float, default=0.5,
                        help="ceiling of extraction rejections per source (default: 0.5)")
    parser.add_argument("--min-source-pages", type=int, default=10,
                        help="sources with fewer pages are not share-checked (default: 10)")
    parser.add_argument("--warn", action="append", default=[], metavar="EXPECTATION",
                        help="downgrade an expectation to a warning (repeatable; default: none)")
    parser.add_argument("--no-docs", action="store_true",
                        help="do not build the Data Docs (default: build them)")
    add_lake_argument(parser)
    parser.set_defaults(handler=run_validate_command)


def run_validate_command(args: argparse.Namespace) -> int:
    """Handler of ``newslake validate``: 0 when every producer's part passed."""
    from newslake.validate import ValidationConfig
    from newslake.validate.republish import day_producers, revalidate_day

    lake = existing_lake_of(args)
    daily_gate = None if args.languages else _daily_languages(args.sources, lake, args.date)
    reports = []
    for producer in args.producer or day_producers(lake, args.date):
        config = ValidationConfig(
            languages=_languages(args.languages, producer, daily_gate),
            severity={name: "warn" for name in args.warn},
            max_rejected_share=args.max_rejected_share,
            min_source_pages=args.min_source_pages,
        )
        reports += revalidate_day(lake, args.date, config=config, producers=[producer],
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


def _daily_languages(sources: str | None, lake: str, day: date) -> frozenset[str] | None:
    """Languages the daily run accepts: those of the sources file (``None``: any).

    The file must describe at least one source of the day's articles: a gate taken from
    another deployment's sources would quarantine or release the wrong rows.
    """
    from newslake.exceptions import ConfigError
    from newslake.lake import read_table

    path = resolve_sources(sources)
    languages_of = _source_languages(path)
    day_sources = {
        s for table in ("articles", "quarantine")
        for s in read_table(lake, table, [day], columns=["source_id"])["source_id"].to_pylist()
        if s and not s.startswith("warc:")
    }
    if day_sources and not day_sources & set(languages_of):
        raise ConfigError(
            f"{path} describes none of the sources of {day} ({', '.join(sorted(day_sources)[:5])})"
            "; pass the daily run's --sources FILE, or --languages CODES|any")
    languages = frozenset(code for code in languages_of.values() if code)
    return languages or None


def _source_languages(path: str) -> dict[str, str | None]:
    """``id -> language`` of a sources file (its crawler settings, which may name unset
    environment variables, are not needed here)."""
    import yaml

    from newslake.exceptions import ConfigError

    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read sources file: {exc}") from exc
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, list):
        raise ConfigError(f"{path}: sources: expected a list of sources")
    return {str(s["id"]): s.get("language") for s in sources
            if isinstance(s, dict) and s.get("id")}


def _languages(option: str | None, producer: str, daily: frozenset[str] | None
               ) -> frozenset[str] | None:
    """The language gate of one producer's part: ``--languages``, else what its run used."""
    if option:
        if option.strip().lower() == ANY_LANGUAGE:
            return None
        return frozenset(c.strip() for c in option.split(",") if c.strip())
    if producer.startswith("warc-"):  # imports accept any language (see import_warc)
        return None
    return daily
