"""Poll due feeds and sitemaps once: conditional GET, new entries against the last listing.

:func:`poll_feeds` polls many feeds in one event loop through one :class:`Crawler` (per-host
limits, robots.txt Crawl-delay of the feed hosts and the SSRF guard stay in force) and
returns, per feed, the advanced :class:`FeedPollState`, the entries not listed by its
previous poll (frontier rows) and the feed's ``fetch_log`` row. Nothing here writes the
lake: the caller commits every result of a poll in one transaction.

A sitemap index's children are fetched only when their ``lastmod`` is newer than the last
successful poll (or undated); sitemap entries' ``lastmod`` is their published time.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newslake.crawl.exchange import Exchange, exchange_row, retry_after_seconds
from newslake.crawl.feeds import Entry, FeedParseError, parse_feed
from newslake.crawl.http import Crawler
from newslake.crawl.schedule import FeedPollState, PollOutcome, advance, conditional_headers
from newslake.crawl.warc import WarcWriter
from newslake.sources import Source, SourcesConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FrontierEntry:
    """An entry seen for the first time (a ``frontier`` row before processing)."""

    url: str
    canonical_url: str
    source_id: str
    first_seen_at: datetime
    feed_title: str | None
    feed_published_at: datetime | None
    authors: tuple[str, ...]

    @property
    def crawl_date(self) -> str:
        """The UTC day the entry was first seen: the article's ``crawl_date``."""
        return self.first_seen_at.astimezone(UTC).date().isoformat()

    def candidate(self, config: SourcesConfig | None) -> dict[str, Any]:
        """The entry as a fetch candidate, with its source's site, language and adapter."""
        source = config.source(self.source_id) if config else None
        return {
            "url": self.url,
            "source_id": self.source_id,
            "site": source.site if source else None,
            "language": source.language if source else None,
            "syndicator": source.syndicator if source else None,
            "feed_title": self.feed_title,
            "feed_published_at": self.feed_published_at,
            "feed_authors": list(self.authors),
        }


@dataclass(frozen=True)
class FeedPoll:
    """The result of polling one feed."""

    source_id: str
    state: FeedPollState
    outcome: PollOutcome
    entries: tuple[FrontierEntry, ...]
    listed: tuple[str, ...]
    fetch_log: tuple[dict, ...]


@dataclass(frozen=True)
class PollRequest:
    """One feed to poll: its source, scheduler state and the keys its last poll listed."""

    source: Source
    state: FeedPollState
    seen: frozenset[str]


def _key(url: str) -> str | None:
    from newslake.dedup import canonicalize_url

    try:
        return canonicalize_url(url)
    except Exception:  # noqa: BLE001 - a malformed entry URL is skipped, not fatal
        return None


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class _Poll:
    def __init__(self, crawler: Crawler, request: PollRequest, now: datetime) -> None:
        self.crawler, self.request, self.now = crawler, request, now
        self.rows: list[dict] = []

    async def fetch(self, url: str, kind: str, headers: dict[str, str]):
        source = self.request.source
        ex: Exchange = await self.crawler.fetch(url, source_id=source.id, headers=headers,
                                                private_hosts=source.private_hosts, retries=0)
        warc = self.crawler.warc_name
        if ex.error_class is not None or ex.status == 304:
            self.rows.append(exchange_row(ex, source.id, "feed", warc,
                                          "not_modified" if ex.status == 304 else None))
            return ex, None
        try:
            parsed = parse_feed(ex.body, kind, ex.final_url, dict(ex.headers))
        except FeedParseError as exc:
            ex.error = str(exc)[:500]
            self.rows.append(exchange_row(ex, source.id, "feed", warc, "feed_parse_error"))
            ex.error_class = "feed_parse_error"
            return ex, None
        error_class = "feed_parse_error" if parsed.malformed else None
        if parsed.malformed:
            ex.error = f"{len(parsed.entries)} entries recovered: {parsed.warning}"[:500]
        self.rows.append(exchange_row(ex, source.id, "feed", warc, error_class))
        return ex, parsed

    async def run(self) -> FeedPoll:
        source, state = self.request.source, self.request.state
        self.crawler.configure_host(source.url, source.politeness)
        ex, parsed = await self.fetch(source.url, source.kind, conditional_headers(state))
        entries: list[Entry] = list(parsed.entries) if parsed else []
        if parsed and parsed.sitemaps:
            since = state.last_success_at
            children = [c for c in parsed.sitemaps if since is None or c.published_at is None
                        or _aware(c.published_at) >= since]
            children.sort(key=lambda c: _aware(c.published_at) or self.now, reverse=True)
            for child in children[: self.crawler.settings.max_sitemaps]:
                self.crawler.configure_host(child.url, source.politeness)
                _, sub = await self.fetch(child.url, "auto", {})
                if sub is not None:
                    entries.extend(sub.entries)
        listed: dict[str, Entry] = {}
        for entry in entries:
            key = _key(entry.url)
            if key is not None and key not in listed:
                listed[key] = entry
        new = [FrontierEntry(
            url=e.url, canonical_url=k, source_id=source.id, first_seen_at=self.now,
            feed_title=e.title, feed_published_at=_aware(e.published_at),
            authors=tuple(e.authors)) for k, e in listed.items() if k not in self.request.seen]
        dates = [d for d in (_aware(e.published_at) for e in listed.values()) if d is not None]
        status = ex.status
        error_class = ex.error_class if parsed is None and status != 304 else None
        outcome = PollOutcome(
            at=self.now, status=status, error_class=error_class, new_entries=len(new),
            listed=len(listed), oldest_published_at=min(dates) if dates else None,
            retry_after_s=retry_after_seconds(ex.header("retry-after")),
            etag=ex.header("etag"), last_modified=ex.header("last-modified"))
        after = advance(state, outcome, source.poll)
        keep = tuple(listed) if parsed is not None else tuple(sorted(self.request.seen))
        return FeedPoll(source.id, after, outcome, tuple(new), keep, tuple(self.rows))


async def _poll_all(requests: list[PollRequest], config: SourcesConfig, now: datetime,
                    writer: WarcWriter | None) -> list[FeedPoll]:
    async with Crawler(config.crawler, writer) as crawler:
        async def one(request: PollRequest) -> FeedPoll:
            try:
                return await _Poll(crawler, request, now).run()
            except Exception as exc:  # noqa: BLE001 - one feed must never fail the poll
                log.exception("poll of %s failed", request.source.id)
                outcome = PollOutcome(at=now, status=None, error_class="other")
                row = {"url": request.source.url, "source_id": request.source.id,
                       "kind": "feed", "status": None, "error_class": "other",
                       "error": f"{type(exc).__name__}: {exc}"[:500], "fetched_at": now,
                       "bytes": 0, "warc_file": crawler.warc_name}
                return FeedPoll(request.source.id,
                                advance(request.state, outcome, request.source.poll), outcome,
                                (), tuple(sorted(request.seen)), (row,))

        results = await asyncio.gather(*(one(r) for r in requests))
        robots = tuple(crawler.robots_log)
    if robots and results:  # robots.txt rows travel with the first feed's rows
        first = results[0]
        results[0] = FeedPoll(first.source_id, first.state, first.outcome, first.entries,
                              first.listed, first.fetch_log + robots)
    return list(results)


def poll_feeds(requests: list[PollRequest], config: SourcesConfig, *, now: datetime,
               warc_path: str | None = None) -> list[FeedPoll]:
    """Poll every requested feed once at ``now``; never raises for a failing feed."""
    writer = WarcWriter(warc_path) if warc_path else None
    try:
        return asyncio.run(_poll_all(requests, config, _aware(now) or now, writer))
    finally:
        if writer is not None:
            writer.close()
