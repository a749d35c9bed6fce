"""Crawler sub-commands: ``sources`` (validate and list sources.yaml) and ``fetch`` (fetch a
few URLs with the crawler's settings, politeness and WARC archive, printing fetch_log rows)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime

from newslake.cli.common import add_lake_argument, lake_of
from newslake.config import resolve_sources
from newslake.lake import layout


def _default_sources() -> str:
    return resolve_sources(None)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``sources`` and ``fetch`` sub-commands."""
    sources = subparsers.add_parser("sources", help="validate sources.yaml and list its sources")
    sources.add_argument("--sources", default=None,
                         help="sources.yaml path (default: $NEWSLAKE_SOURCES, else the bundled)")
    sources.set_defaults(handler=_sources)

    fetch = subparsers.add_parser(
        "fetch", help="fetch URLs politely into a WARC file and print their fetch_log rows")
    fetch.add_argument("urls", nargs="+", help="page URLs")
    fetch.add_argument("--sources", default=None,
                       help="sources.yaml giving crawler settings "
                            "(default: $NEWSLAKE_SOURCES, else the bundled)")
    fetch.add_argument("--source-id", default=None,
                       help="source whose politeness and allow_private apply "
                            "(default: the crawler's defaults)")
    fetch.add_argument("--warc", default=None,
                       help="output WARC (default: "
                            f"{layout.raw_warc('<lake>', '<today>', 'fetch-<UTC time>')})")
    add_lake_argument(fetch)
    fetch.set_defaults(handler=_fetch)

    health = subparsers.add_parser(
        "feed-health", help="per feed: polls, 304s, rate, interval, errors, rollovers; "
                            "with --completeness, entries seen/fetched/published per day")
    health.add_argument("--completeness", action="store_true",
                        help="entries seen, fetched, published, failed, pending per source/day "
                             "(default: feed health only)")
    add_lake_argument(health)
    health.set_defaults(handler=_health)


def _health(args: argparse.Namespace) -> int:
    from newslake.crawl.frontier import completeness, feed_health

    table = completeness(lake_of(args)) if args.completeness else feed_health(lake_of(args))
    print(table.to_pandas().to_string(index=False) if table.num_rows else "(no rows)")
    return 0


def _sources(args: argparse.Namespace) -> int:
    from newslake.sources import load_sources

    path = args.sources or _default_sources()
    config = load_sources(path)
    print(f"{path}: {len(config.sources)} sources, "
          f"{sum(s.enabled for s in config.sources)} enabled; "
          f"User-Agent: {config.crawler.effective_user_agent}")
    for s in config.sources:
        flags = ",".join(f for f, on in (("disabled", not s.enabled),
                                         ("private-ok", s.allow_private),
                                         (f"syndicator={s.syndicator}", bool(s.syndicator))) if on)
        print(f"  {s.id:<24} {s.kind:<13} {s.site:<24} {s.language or '-':<3} "
              f"delay={s.politeness.min_delay_s:g}s conc={s.politeness.max_concurrency} "
              f"{s.url} {flags}".rstrip())
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from newslake.crawl import fetch_pages
    from newslake.sources import load_sources

    config = load_sources(args.sources or _default_sources())
    now = datetime.now(UTC)
    warc = args.warc or layout.raw_warc(lake_of(args), now.date(), f"fetch-{now:%Y%m%dT%H%M%SZ}")
    candidates = [{"url": url, "source_id": args.source_id} for url in args.urls]
    result = fetch_pages(candidates, config, warc_path=warc)
    for row in result.fetch_log:
        print(json.dumps(row, default=str))
    print(f"{result.ok}/{len(candidates)} pages ok; WARC: {warc}")
    return 0 if result.ok == len(candidates) else 1
