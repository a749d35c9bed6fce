"""Fetch: download candidate article pages politely into a WARC file."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from newslake.crawl.exchange import Exchange, exchange_row
from newslake.crawl.http import Crawler
from newslake.crawl.warc import WarcWriter
from newslake.sources import SourcesConfig

log = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SNIFF_TYPES = frozenset({"", "text/plain", "application/octet-stream", "application/xml",
                          "text/xml"})
_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b",
          b"RIFF", b"ID3", b"OggS", b"fLaC", b"\x00\x00\x01\x00", b"7z\xbc\xaf", b"Rar!",
          b"wOFF", b"wOF2", b"\x7fELF", b"MZ")


@dataclass
class FetchResult:
    """fetch_log rows of every page (and robots.txt) request, and the count of good pages."""

    fetch_log: list[dict] = field(default_factory=list)
    ok: int = 0


def looks_binary(body: bytes) -> bool:
    """Whether ``body`` is a binary format rather than markup (magic numbers, NUL bytes)."""
    head = body[:1024]
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return False
    if head.startswith(_MAGIC) or head[4:8] == b"ftyp":
        return True
    return b"\x00" in head


def _looks_like_markup(body: bytes) -> bool:
    head = body[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head or b"<head" in head


def html_problem(ex: Exchange) -> str | None:
    """Why a 2xx response is not an HTML page, or None when it is."""
    ctype = ex.content_type or ""
    if ctype in HTML_TYPES:
        if looks_binary(ex.body):
            return f"binary body served as {ctype}"
        return None
    if ctype in _SNIFF_TYPES and not looks_binary(ex.body) and _looks_like_markup(ex.body):
        return None
    return f"content type {ctype or 'missing'}"


async def _fetch_all(candidates: list[dict], config: SourcesConfig, writer: WarcWriter,
                     transport: httpx.AsyncBaseTransport | None) -> FetchResult:
    result = FetchResult()
    async with Crawler(config.crawler, writer, transport) as crawler:
        for candidate in candidates:
            source = config.source(candidate.get("source_id"))
            crawler.configure_host(candidate["url"], config.politeness_for(source))

        async def one(candidate: dict) -> dict:
            source_id = candidate.get("source_id")
            source = config.source(source_id)
            ex = await crawler.fetch(
                candidate["url"], source_id=source_id,
                private_hosts=source.private_hosts if source else frozenset(),
                check_robots=True,
            )
            error_class = None
            if ex.error_class is None and ex.status is not None and 200 <= ex.status < 300:
                problem = html_problem(ex)
                if problem:
                    error_class, ex.error = "not_html", problem
            return exchange_row(ex, source_id, "page", crawler.warc_name, error_class)

        rows = await asyncio.gather(*(one(c) for c in candidates))
        result.fetch_log = list(rows) + crawler.robots_log
        result.ok = sum(1 for r in rows if r["error_class"] is None)
    return result


def fetch_pages(candidates: list[dict], config: SourcesConfig, *, warc_path: str,
                transport: httpx.AsyncBaseTransport | None = None) -> FetchResult:
    """Fetch every candidate page into ``warc_path`` (written atomically) and log each fetch.

    Politeness per host (robots.txt, Crawl-delay, minimum delay, maximum concurrency) comes
    from the candidates' sources. One failing URL or host never raises. ``transport``
    replaces the network (see :class:`~newslake.crawl.http.Crawler`).
    """
    writer = WarcWriter(warc_path)
    try:
        return asyncio.run(_fetch_all(list(candidates), config, writer, transport))
    except Exception as exc:  # noqa: BLE001 - a batch failure becomes rows, not a crash
        log.exception("fetch batch failed")
        now = datetime.now(UTC)
        rows = [{"url": c["url"], "source_id": c.get("source_id"), "kind": "page",
                 "error_class": "other", "error": f"{type(exc).__name__}: {exc}"[:500],
                 "fetched_at": now, "warc_file": warc_path} for c in candidates]
        return FetchResult(rows, 0)
    finally:
        writer.close()
