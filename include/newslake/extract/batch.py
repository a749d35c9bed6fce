"""A batch of pages to Arrow tables; one bad page never fails the batch."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from newslake.exceptions import PageTimeout
from newslake.extract.page import extract_page, looks_like_markup, rejection
from newslake.extract.types import ExtractBatch, ExtractConfig, ExtractOutcome, Hints
from newslake.lake import schema

_SKIPPED_TYPES = (
    "image/",
    "text/css",
    "application/javascript",
    "text/javascript",
    "application/json",
    "font/",
    "audio/",
    "video/",
    "application/font",
    "text/plain",
    "application/xml",
    "text/xml",
    "application/rss",
    "application/atom",
)


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise :class:`PageTimeout` after ``seconds`` (main thread only; elsewhere unbounded).

    An enclosing ``SIGALRM`` limit (an orchestrator's task timeout, a test timeout) is kept:
    when it ends first it stays in charge, otherwise it is re-armed with its remaining time.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return
    outer_left, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        raise PageTimeout(f"extraction exceeded {seconds:g} s")

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:
            left = outer_left - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), outer_interval)


def extract_one(page: Any, hints: Hints, config: ExtractConfig) -> ExtractOutcome:
    """``extract_page`` within the time bound; a crash or timeout becomes a rejection."""
    try:
        with time_bound(config.time_limit_s):
            return extract_page(page, hints, config)
    except PageTimeout as exc:
        return ExtractOutcome(None, rejection=rejection(page, hints, "parse_error", str(exc)))
    except Exception as exc:  # noqa: BLE001 - one page must not fail the batch
        detail = f"{type(exc).__name__}: {exc}"
        return ExtractOutcome(None, rejection=rejection(page, hints, "parse_error", detail))


def _skipped(page: Any) -> bool:
    kind = (page.content_type or "").split(";")[0].strip().lower()
    return kind.startswith(_SKIPPED_TYPES) and not looks_like_markup(page.body)


def extract_pages(
    pages: Iterable[Any], hints_for: Callable[[Any], Hints], config: ExtractConfig | None = None
) -> ExtractBatch:
    """Extract every page; one bad page never fails the batch.

    Assets and documents that are not pages (images, CSS, scripts, plain text, feeds) are
    counted in ``skipped_non_html``; anything else that is not HTML (a PDF) is a rejection.
    The per-page time bound applies when called from the main thread.
    """
    config = config or ExtractConfig()
    started = time.perf_counter()
    rows: dict[str, list[dict[str, Any]]] = {
        t: [] for t in schema.EXTRACTED_TABLES
    }
    skipped = count = 0
    for page in pages:
        count += 1
        if _skipped(page):
            skipped += 1
            continue
        try:
            hints = hints_for(page)
        except Exception as exc:  # noqa: BLE001 - a bad hint must not fail the batch
            rows["rejections"].append(rejection(page, Hints(), "parse_error", f"hints: {exc}"))
            continue
        outcome = extract_one(page, hints, config)
        if outcome.article is not None:
            rows["articles"].append(outcome.article)
            rows["comments"].extend(outcome.comments)
            rows["related"].extend(outcome.related)
            rows["quotes"].extend(outcome.quotes)
            rows["subjects"].extend(outcome.subjects)
        if outcome.rejection is not None:
            rows["rejections"].append(outcome.rejection)
    tables = {name: schema.conform(name, data) for name, data in rows.items()}
    return ExtractBatch(
        **tables, skipped_non_html=skipped, pages=count, seconds=time.perf_counter() - started
    )


def extract_records(
    items: Iterable[Any], hints_for: Callable[[Any], Hints], config: ExtractConfig | None = None
) -> tuple[ExtractBatch, int]:
    """Extract the 2xx pages among WARC ``items`` (pages and ``SkippedRecord`` s).

    A record that is no page becomes an ``import`` rejection naming its WARC file; other
    statuses are left out (their fetch_log row tells). Returns the batch and the number of
    records that were no page.
    """
    from newslake.crawl.warc import SkippedRecord

    unusable: list[dict[str, Any]] = []

    def ok_pages() -> Iterator[Any]:
        for item in items:
            if isinstance(item, SkippedRecord):
                unusable.append({
                    "url": item.url,
                    "reason": item.reason,
                    "detail": f"{item.detail} ({item.warc_file})",
                    "fetched_at": item.fetched_at,
                    "stage": "import",
                })
            elif item.status is not None and 200 <= item.status < 300:
                yield item

    batch = extract_pages(ok_pages(), hints_for, config)
    if unusable:
        rows = schema.conform("rejections", unusable)
        batch.rejections = pa.concat_tables([batch.rejections, rows])
    return batch, len(unusable)
