"""Discover: fetch one source's feed or sitemap and list the article URLs worth fetching."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import httpx

from newslake.crawl.exchange import Exchange, exchange_row
from newslake.crawl.feeds import Entry, FeedParseError, ParsedFeed, parse_feed
from newslake.crawl.http import Crawler
from newslake.crawl.state import FeedState
from newslake.crawl.warc import WarcWriter
from newslake.sources import Source, SourcesConfig

log = logging.getLogger(__name__)

FEED_OK = (None, "not_modified")
"""fetch_log error classes of a feed fetch that did not fail."""


@dataclass
class DiscoverResult:
    """Candidates of one source and the fetch_log rows of its feed requests."""

    source_id: str
    candidates: list[dict] = field(default_factory=list)
    fetch_log: list[dict] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when the source's own feed (first row) failed and gave no candidates.

        An ill-formed feed whose entries could be recovered is logged as
        ``feed_parse_error`` but is not a failed source.
        """
        feed_rows = [r for r in self.fetch_log if r.get("kind") == "feed"]
        if not feed_rows or feed_rows[0].get("error_class") in FEED_OK:
            return False
        return not self.candidates


def all_failed(results: Iterable[DiscoverResult]) -> bool:
    """True when there was at least one source and every one of them failed."""
    results = list(results)
    return bool(results) and all(r.failed for r in results)


def _in_interval(entry: Entry, start: datetime, end: datetime) -> bool:
    if entry.published_at is None:
        return True
    return start <= entry.published_at < end


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class _Discovery:
    def __init__(self, source: Source, config: SourcesConfig, lake: str, crawl_date: date,
                 crawler: Crawler) -> None:
        self.source = source
        self.config = config
        self.crawl_date = crawl_date
        self.crawler = crawler
        self.state = FeedState(lake, source.id)
        self.rows: list[dict] = []

    async def fetch_feed(self, url: str, kind: str) -> ParsedFeed | None:
        headers = self.state.request_headers(url, self.crawl_date)
        ex: Exchange = await self.crawler.fetch(
            url, source_id=self.source.id, private_hosts=self.source.private_hosts,
            headers=headers,
        )
        warc = self.crawler.warc_name
        if ex.error_class is not None:
            self.rows.append(exchange_row(ex, self.source.id, "feed", warc))
            return None
        body = ex.body
        if ex.status == 304:
            self.rows.append(exchange_row(ex, self.source.id, "feed", warc, "not_modified"))
            body = self.state.cached_body(url)
            if body is None:
                return None
        try:
            parsed = parse_feed(body, kind, ex.final_url,
                                {k: v for k, v in ex.headers})
        except FeedParseError as exc:
            ex.error = str(exc)[:500]
            self.rows.append(exchange_row(ex, self.source.id, "feed", warc, "feed_parse_error"))
            return None
        error_class = None
        if parsed.malformed:  # ill-formed: recorded as a feed error, recovered entries kept
            error_class = "feed_parse_error"
            ex.error = f"{len(parsed.entries)} entries recovered: {parsed.warning}"[:500]
        elif parsed.warning:
            ex.error = f"parsed with warning: {parsed.warning}"[:500]
        if ex.status == 304:
            return parsed
        self.rows.append(exchange_row(ex, self.source.id, "feed", warc, error_class))
        self.state.remember(url, ex.header("etag"), ex.header("last-modified"), self.crawl_date)
        self.state.remember_body(url, ex.body)
        return parsed

    async def run(self, start: datetime, end: datetime) -> list[Entry]:
        self.crawler.configure_host(self.source.url, self.source.politeness)
        parsed = await self.fetch_feed(self.source.url, self.source.kind)
        if parsed is None:
            return []
        entries = list(parsed.entries)
        if parsed.sitemaps:
            children = [c for c in parsed.sitemaps
                        if c.published_at is None or c.published_at >= start]
            children.sort(key=lambda c: c.published_at or datetime.max.replace(tzinfo=UTC),
                          reverse=True)
            children = children[: self.config.crawler.max_sitemaps]
            for child in children:
                self.crawler.configure_host(child.url, self.source.politeness)
            results = await asyncio.gather(*(self.fetch_feed(c.url, "auto") for c in children))
            for result in results:
                if result is not None:
                    entries.extend(result.entries)
        return entries


SeenLookup = Callable[[list[str]], set[str]]
"""Given candidate URLs, the ones the lake already holds (see :func:`newslake.lake.seen_urls`)."""


def _candidates(source: Source, entries: list[Entry],
                start: datetime, end: datetime, seen_in_lake: SeenLookup,
                limit: int) -> list[dict]:
    from newslake.dedup import canonicalize_url

    keyed: list[tuple[Entry, str]] = []
    for entry in entries:
        if not _in_interval(entry, start, end):
            continue
        try:
            keyed.append((entry, canonicalize_url(entry.url)))
        except Exception:  # noqa: BLE001 - a malformed URL is skipped, not fatal
            continue
    known = seen_in_lake(sorted({e.url for e, _ in keyed})) if keyed else set()
    out: list[dict] = []
    seen: set[str] = set()
    for entry, key in keyed:
        if key in seen or entry.url in known:
            continue
        seen.add(key)
        out.append({
            "url": entry.url,
            "source_id": source.id,
            "site": source.site,
            "language": source.language,
            "syndicator": source.syndicator,
            "feed_title": entry.title,
            "feed_published_at": entry.published_at,
            "feed_authors": list(entry.authors),
        })
        if len(out) >= limit:
            break
    return out


async def _discover(source: Source, config: SourcesConfig, lake: str, crawl_date: date,
                    start: datetime, end: datetime, seen_in_lake: SeenLookup,
                    warc_path: str, transport: httpx.AsyncBaseTransport | None) -> DiscoverResult:
    result = DiscoverResult(source.id)
    writer = WarcWriter(warc_path)
    try:
        async with Crawler(config.crawler, writer, transport) as crawler:
            discovery = _Discovery(source, config, lake, crawl_date, crawler)
            entries = await discovery.run(start, end)
            discovery.state.save()
            result.fetch_log = discovery.rows + crawler.robots_log
        result.candidates = _candidates(source, entries, start, end, seen_in_lake,
                                        config.crawler.max_pages_per_source)
    finally:
        writer.close()
    return result


def discover_source(
    source: Source,
    config: SourcesConfig,
    *,
    lake: str,
    crawl_date: date,
    interval_start: datetime,
    interval_end: datetime,
    warc_path: str,
    seen_in_lake: SeenLookup | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> DiscoverResult:
    """Fetch ``source``'s feed (conditionally) and return the new article URLs in the interval.

    Entries published in ``[interval_start, interval_end)`` or undated are kept; URLs the
    lake already holds on another day than ``crawl_date`` are skipped (``seen_in_lake``
    answers that for the entries found, by default :func:`newslake.lake.seen_urls`). Never
    raises for a failed feed: the failure is a ``fetch_log`` row (see
    :attr:`DiscoverResult.failed`). ``transport`` replaces the network (see
    :class:`~newslake.crawl.http.Crawler`).
    """
    start, end = _aware(interval_start), _aware(interval_end)
    if seen_in_lake is None:
        from newslake.lake.seen import seen_urls

        def seen_in_lake(urls: list[str]) -> set[str]:
            return seen_urls(lake, urls, exclude_day=crawl_date)
    try:
        return asyncio.run(_discover(source, config, lake, crawl_date, start, end,
                                     seen_in_lake, warc_path, transport))
    except Exception as exc:  # noqa: BLE001 - one source must never fail the run
        log.exception("discover of %s failed", source.id)
        row = {"url": source.url, "source_id": source.id, "kind": "feed", "status": None,
               "error_class": "other", "error": f"{type(exc).__name__}: {exc}"[:500],
               "fetched_at": datetime.now(UTC), "bytes": 0, "warc_file": warc_path}
        return DiscoverResult(source.id, [], [row])
