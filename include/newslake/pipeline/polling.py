"""One ``feed_poll`` run, one ``frontier_batch`` run and the close of a day, as plain functions.

:func:`poll_due_feeds` polls every due feed (all in one process and one event loop, so an
orchestrator runs one task whatever the number of sources) and commits the poll in one
transaction; :func:`claim_pending` claims the pending frontier a day at a time and
:func:`process_claimed` runs the micro-batch of one claimed day (both:
:func:`process_pending`); :func:`close_day` processes what remains of one day's frontier
(the daily run). They read the time from :func:`newslake.crawl.clock.now` (simulated when
``NEWSLAKE_CLOCK`` is set).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

from newslake.config import Settings
from newslake.crawl.clock import now as clock_now
from newslake.lake import layout
from newslake.pipeline.results import ClaimStep, MicroBatchStep
from newslake.pipeline.staging import safe_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PollRun:
    """What one poll run did."""

    feeds: int
    due: int
    new_entries: int
    not_modified: int
    failed: int
    snapshot_id: int | None

    def as_dict(self) -> dict:
        return asdict(self)


def _warc(lake: str, when: datetime, run_id: str) -> str | None:
    if "://" in lake:
        return None  # polls of an object-store lake are logged in fetch_log only
    day = when.date().isoformat()
    return layout.raw_warc(lake, day, f"poll-{safe_key(run_id)}")


def poll_due_feeds(lake: str, sources_path: str, run_id: str, now: datetime | None = None,
                   batch: timedelta | None = None) -> PollRun:
    """Poll the due feeds of ``sources_path`` and commit what they listed.

    With ``batch`` (the micro-batch interval), each feed's next poll is moved onto a batch
    cut-off when its interval would skip past one (see
    :func:`newslake.crawl.schedule.align_to_batches`).
    """
    from newslake.crawl.frontier import commit_poll, load_states
    from newslake.crawl.poll import PollRequest, poll_feeds
    from newslake.crawl.schedule import align_to_batches, due_feeds
    from newslake.sources import load_sources

    now = now or clock_now()
    config = load_sources(sources_path)
    states = load_states(lake, config)
    due = due_feeds([state for state, _ in states.values()], now)
    if not due:
        return PollRun(len(states), 0, 0, 0, 0, None)
    requests = [PollRequest(config.source(s.source_id), s, states[s.source_id][1]) for s in due]
    polls = poll_feeds(requests, config, now=now, warc_path=_warc(lake, now, run_id))
    if batch is not None:
        polls = [replace(p, state=align_to_batches(
            p.state, p.outcome, config.source(p.source_id).poll, batch)) for p in polls]
    commit = commit_poll(lake, polls, run_id, now)
    run = PollRun(len(states), len(due), commit.new_entries,
                  sum(p.outcome.status == 304 for p in polls),
                  sum(not p.outcome.ok for p in polls), commit.snapshot_id)
    log.info("poll %s: %s", run_id, run)
    return run


def micro_batch_id(run_id: str) -> str:
    """The frontier batch id of a ``frontier_batch`` run (the same for every try of it)."""
    return safe_key(run_id)[:90]


def claim_pending(settings: Settings, run_id: str, now: datetime | None = None
                  ) -> list[ClaimStep]:
    """Claim the pending frontier entries of every day for the run ``run_id``, a claim per
    day (a retried claim returns what the run already holds)."""
    from newslake.pipeline.microbatch import claim_days

    return claim_days(settings, micro_batch_id(run_id), now or clock_now())


def process_claimed(settings: Settings, claimed: ClaimStep, run_id: str,
                    now: datetime | None = None) -> MicroBatchStep:
    """Fetch, extract, deduplicate, validate and publish one claimed day."""
    from newslake.pipeline.microbatch import run_claimed

    return run_claimed(settings, claimed, now or clock_now(), run_id).step()


def process_pending(lake: Settings | str, sources_path: str | None, run_id: str,
                    now: datetime | None = None) -> list[MicroBatchStep]:
    """Run a micro-batch per day over the pending frontier entries (``lake``: the run's
    settings, or a lake root beside ``sources_path``)."""
    from newslake.pipeline.microbatch import settings_of

    settings = settings_of(lake, sources_path)
    now = now or clock_now()
    return [process_claimed(settings, claimed, run_id, now)
            for claimed in claim_pending(settings, run_id, now)]


def close_batch_id(day: date) -> str:
    """The batch that closes ``day`` (the same for every attempt: a re-run replaces it)."""
    return f"close-{day.isoformat()}"


def close_day(lake: Settings | str, sources_path: str | None, day: date, run_id: str,
              now: datetime | None = None) -> dict:
    """Process what remains of ``day``'s frontier: the entries first seen on ``day`` that no
    micro-batch has taken. ``polled`` is False when no entry of ``day`` is in the frontier
    (the day is then ingested from its feeds, as a backfill). Entries that a live
    micro-batch holds are its own to publish: the close waits for that batch (a
    :class:`TransientError`, retried later) so that the day is complete when it returns.
    """
    from newslake.crawl.frontier import day_frontier
    from newslake.exceptions import TransientError
    from newslake.pipeline.microbatch import process_frontier, settings_of

    settings = settings_of(lake, sources_path)
    now = now or clock_now()
    before = day_frontier(settings.lake, day, now)
    out = {"crawl_date": day.isoformat(), "polled": before.seen > 0, "seen": before.seen,
           "entries": 0, "articles": 0, "published": 0}
    if not before.seen:
        return out
    batch_id = close_batch_id(day)
    others = {b: n for b, n in before.held.items() if b != batch_id}
    if others:
        batch, count = sorted(others.items())[0]
        raise TransientError(f"{sum(others.values())} entries of {day} are held by running "
                             f"micro-batches (e.g. {count} by {batch}): the day closes after "
                             "they commit")
    for result in process_frontier(settings, None, batch_id, now, day=day, run_id=run_id):
        out["entries"] += result.entries
        out["articles"] += result.articles
        out["published"] += result.published
    log.info("closed %s from the frontier: %s", day, out)
    return out
