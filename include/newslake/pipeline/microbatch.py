"""A micro-batch: fetch → extract → dedup → validate → publish over frontier entries.

The entries of one batch share a ``crawl_date`` (the UTC day they were first seen); the
batch publishes under its own producer (``batch-<id>``), so re-running a batch replaces
exactly the rows it wrote and nothing of the day's other batches. The stages are those of
the daily run (:mod:`newslake.pipeline.stages`); only where the URLs come from differs.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa

from newslake.config import Settings, resolve_settings
from newslake.crawl.poll import FrontierEntry
from newslake.pipeline import stages
from newslake.pipeline.results import ClaimStep, MicroBatchStep
from newslake.pipeline.staging import RunContext, concat, read_table

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

    def step(self) -> MicroBatchStep:
        """The batch as a step result (outcomes counted, not listed)."""
        return MicroBatchStep(self.batch_id, self.crawl_date.isoformat(), self.entries,
                              self.fetched, self.articles, dict(Counter(self.outcomes.values())))


def batch_producer(batch_id: str) -> str:
    """The lake producer of a batch (``batch-<id>``)."""
    if not _BATCH_ID.match(batch_id):
        raise ValueError(f"invalid batch id {batch_id!r}")
    return f"batch-{batch_id}"


def settings_of(lake: Settings | str, sources_path: str | None) -> Settings:
    """``lake`` when it is resolved settings, else the settings of that lake root and
    sources file (the rest from the environment)."""
    return lake if isinstance(lake, Settings) else resolve_settings(lake, sources_path)


def run_batch(lake: Settings | str, sources_path: str | None, crawl_date: date, batch_id: str,
              entries: Sequence[FrontierEntry], now: datetime, run_id: str | None = None,
              hook: Hook | None = None) -> BatchResult:
    """Process ``entries`` (claimed by ``batch_id``, all first seen on ``crawl_date``) and
    publish them with their frontier outcomes in one commit."""
    from newslake.crawl.frontier import complete, entry_outcomes
    from newslake.exceptions import StageFailed

    wrong = [e.url for e in entries if e.crawl_date != crawl_date.isoformat()]
    if wrong:
        raise ValueError(f"{len(wrong)} entries were not first seen on {crawl_date}: {wrong[0]}")
    producer = batch_producer(batch_id)
    ctx = RunContext(settings_of(lake, sources_path), crawl_date, producer=producer,
                     run_id=run_id or producer)
    ctx.reset()
    config = ctx.sources()
    ctx.hold()
    plan = stages.write_plan(ctx, [e.candidate(config) for e in entries])
    fetched = [stages.stage_fetch(ctx, p) for p in plan.plan_files]
    extracted = [stages.stage_extract(ctx, f) for f in fetched]
    fetch_log = concat([read_table(Path(f.fetch_log_file), "fetch_log") for f in fetched],
                       "fetch_log")
    tables: dict[str, pa.Table] = {}
    if sum(e.articles for e in extracted):
        deduped = stages.stage_dedup(ctx, extracted, same_day=True)  # earlier batches: history
        try:
            validated = stages.stage_validate(ctx, deduped)
        except StageFailed as exc:
            log.warning("batch %s of %s failed validation: %s", batch_id, crawl_date, exc)
            outcomes = {e.url: "validation_failed" for e in entries}
        else:
            tables = stages.read_validated(validated)
            outcomes = entry_outcomes(entries, fetch_log, tables["articles"])
    else:  # nothing extracted: the fetch log says why
        outcomes = entry_outcomes(entries, fetch_log, None)
    if "fetch_log" not in tables or not tables["fetch_log"].num_rows:
        tables["fetch_log"] = fetch_log
    complete(ctx.lake, batch_id, producer, crawl_date, tables, outcomes, now,
             ctx.run_id, hook=hook)
    ctx.release()
    ctx.reset()
    result = BatchResult(batch_id, crawl_date, len(entries), sum(f.ok for f in fetched),
                         tables["articles"].num_rows if "articles" in tables else 0, outcomes)
    log.info("batch %s of %s: %d entries, %d articles", batch_id, crawl_date, len(entries),
             result.articles)
    return result


def claim_days(settings: Settings, batch_id: str, now: datetime, day: date | None = None
               ) -> list[ClaimStep]:
    """Claim the pending entries of every day (or of ``day``) for ``batch_id``, one commit per
    day; a day the batch already holds is returned as it is (a retried claim takes nothing
    more)."""
    from newslake.crawl.frontier import claim, pending_days

    days = [day] if day is not None else pending_days(settings.lake, now)
    claimed = []
    for crawl_date in days:
        entries = claim(settings.lake, batch_id, crawl_date, now)
        if entries:
            claimed.append(ClaimStep(batch_id, crawl_date.isoformat(), len(entries)))
    return claimed


def run_claimed(settings: Settings, claimed: ClaimStep, now: datetime,
                run_id: str | None = None, hook: Hook | None = None) -> BatchResult:
    """Process the entries ``claimed`` holds (read again from the frontier, so a retry after a
    crash processes exactly what the claim took)."""
    from newslake.crawl.frontier import claim

    crawl_date = date.fromisoformat(claimed.crawl_date)
    entries = claim(settings.lake, claimed.batch_id, crawl_date, now)
    if not entries:  # the claim lapsed and another batch took its entries
        return BatchResult(claimed.batch_id, crawl_date, 0, 0, 0, {})
    return run_batch(settings, None, crawl_date, claimed.batch_id, entries, now, run_id, hook)


def process_frontier(lake: Settings | str, sources_path: str | None, batch_id: str,
                     now: datetime, day: date | None = None, run_id: str | None = None
                     ) -> list[BatchResult]:
    """Claim and process the pending entries of every day (or of ``day``), a batch per day."""
    settings = settings_of(lake, sources_path)
    return [run_claimed(settings, claimed, now, run_id)
            for claimed in claim_days(settings, batch_id, now, day)]
