"""A micro-batch: fetch → extract → dedup → validate → publish over frontier entries.

The entries of one batch share a ``crawl_date`` (the UTC day they were first seen); the
batch publishes under its own producer (``batch-<id>``), so re-running a batch replaces
exactly the rows it wrote and nothing of the day's other batches. The stages are those of
the daily run (:mod:`newslake.pipeline.stages`); only where the URLs come from differs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from newslake.crawl.poll import FrontierEntry
from newslake.pipeline import stages
from newslake.pipeline.staging import RunContext, read_table, write_json

log = logging.getLogger(__name__)

Hook = Callable[[str], None]
_BATCH_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._=-]{0,100}$")


@dataclass(frozen=True)
class BatchResult:
    """What one micro-batch published, and the outcome of each entry URL."""

    batch_id: str
    crawl_date: date
    entries: int
    fetched: int
    articles: int
    outcomes: dict[str, str]  # entry url -> "published" | a failure reason

    @property
    def published(self) -> int:
        return sum(1 for v in self.outcomes.values() if v == "published")


def batch_producer(batch_id: str) -> str:
    """The lake producer of a batch (``batch-<id>``)."""
    if not _BATCH_ID.match(batch_id):
        raise ValueError(f"invalid batch id {batch_id!r}")
    return f"batch-{batch_id}"


def _candidate(entry: FrontierEntry, config) -> dict[str, Any]:
    source = config.source(entry.source_id)
    return {
        "url": entry.url,
        "source_id": entry.source_id,
        "site": source.site if source else None,
        "language": source.language if source else None,
        "syndicator": source.syndicator if source else None,
        "feed_title": entry.feed_title,
        "feed_published_at": entry.feed_published_at,
        "feed_authors": list(entry.authors),
    }


def run_batch(lake: str, sources_path: str, crawl_date: date, batch_id: str,
              entries: Sequence[FrontierEntry], now: datetime, run_id: str | None = None,
              hook: Hook | None = None) -> BatchResult:
    """Process ``entries`` (claimed by ``batch_id``, all first seen on ``crawl_date``) and
    publish them with their frontier outcomes in one commit."""
    from newslake.crawl.frontier import complete
    from newslake.exceptions import StageFailed
    from newslake.sources import load_sources

    wrong = [e.url for e in entries if e.crawl_date != crawl_date.isoformat()]
    if wrong:
        raise ValueError(f"{len(wrong)} entries were not first seen on {crawl_date}: {wrong[0]}")
    producer = batch_producer(batch_id)
    ctx = RunContext(lake=lake, crawl_date=crawl_date, sources_path=str(sources_path),
                     producer=producer, run_id=run_id or producer)
    ctx.reset()
    config = load_sources(sources_path)
    candidates = stages.interleave_by_host([_candidate(e, config) for e in entries])
    size = stages.batch_size(len(candidates))
    plan = [candidates[i: i + size] for i in range(0, len(candidates), size)]
    ctx.hold()
    for number, part in enumerate(plan):
        write_json(ctx.path("plan", f"{number:04d}.json"), part)
    stages.write_batches(ctx, [f"{n:04d}" for n in range(len(plan))])
    fetched = [stages.stage_fetch(ctx, n) for n in range(len(plan))]
    articles = 0
    for n in range(len(plan)):
        articles += stages.stage_extract(ctx, n)["articles"]
    if articles:
        stages.stage_dedup(ctx, same_day=True)  # the day's earlier batches are history
        try:
            stages.stage_validate(ctx)
        except StageFailed as exc:
            log.warning("batch %s of %s failed validation: %s", batch_id, crawl_date, exc)
            outcomes = {e.url: "validation_failed" for e in entries}
            tables = {"fetch_log": stages._staged(ctx, "fetch", "fetch_log")}
        else:
            outcomes = _outcomes(ctx, entries)
            tables = {t: read_table(ctx.path("validate", f"{t}.parquet"), t)
                      for t in stages.PUBLISHED_TABLES
                      if ctx.staging.joinpath("validate", f"{t}.parquet").exists()}
    else:  # nothing extracted: the fetch log says why
        outcomes = _outcomes(ctx, entries, extracted=False)
        tables = {"fetch_log": stages._staged(ctx, "fetch", "fetch_log")}
    if "fetch_log" not in tables or not tables["fetch_log"].num_rows:
        tables["fetch_log"] = stages._staged(ctx, "fetch", "fetch_log")
    complete(lake, batch_id, producer, crawl_date, tables, outcomes, now,
             ctx.run_id, hook=hook)
    ctx.release()
    ctx.reset()
    result = BatchResult(batch_id, crawl_date, len(entries), sum(f["ok"] for f in fetched),
                         tables["articles"].num_rows if "articles" in tables else 0, outcomes)
    log.info("batch %s of %s: %d entries, %d articles", batch_id, crawl_date, len(entries),
             result.articles)
    return result


def process_frontier(lake: str, sources_path: str, batch_id: str, now: datetime,
                     day: date | None = None, run_id: str | None = None) -> list[BatchResult]:
    """Claim and process the pending entries of every day (or of ``day``), a batch per day."""
    from newslake.crawl.frontier import claim, pending_days

    days = [day] if day is not None else pending_days(lake, now)
    results = []
    for crawl_date in days:
        entries = claim(lake, batch_id, crawl_date, now)
        if entries:
            results.append(run_batch(lake, sources_path, crawl_date, batch_id, entries, now,
                                     run_id))
    return results


def _outcomes(ctx: RunContext, entries: Sequence[FrontierEntry],
              extracted: bool = True) -> dict[str, str]:
    """Per entry URL: ``published`` when it became an article row, else why not."""
    kept: set[str] = set()
    if extracted:
        articles = read_table(ctx.path("validate", "articles.parquet"), "articles")
        kept = set(articles["url"].to_pylist()) | set(articles["canonical_url"].to_pylist())
    fetch_log = stages._staged(ctx, "fetch", "fetch_log")
    final = {}
    for row in fetch_log.select(["url", "final_url", "error_class", "kind"]).to_pylist():
        if row["kind"] == "page":
            final[row["url"]] = (row["final_url"] or row["url"], row["error_class"])
    out = {}
    for entry in entries:
        landed, error = final.get(entry.url, (entry.url, "not_fetched"))
        if entry.url in kept or entry.canonical_url in kept or landed in kept:
            out[entry.url] = "published"
        else:
            out[entry.url] = error or "rejected"
    return out
