"""Adaptive feed polling: when to poll each feed next, from what its polls observed.

Pure functions over frozen dataclasses (no I/O, no clock: ``now`` is always passed in), so
the same schedule runs in the ``feed_poll`` DAG, in tests and under a simulated clock.

The rate of new entries per hour is an exponentially weighted average of what the polls saw
(time constant :data:`RATE_TAU_H`); the next interval aims at ``target_new_per_poll`` new
entries per poll and at most half the time the feed takes to roll over (``listed`` entries
at that rate), bounded by the source's ``min_interval_s`` / ``max_interval_s``. A quiet feed
backs off gradually (at most x :data:`MAX_GROWTH` per poll, so a morning rush is caught
early); a feed whose every listed entry was new may have rolled over between two polls: its
rate is doubled and it is flagged (``rolled_over``). A failing feed backs off exponentially
with its error streak; a ``Retry-After`` is always honoured.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from newslake.sources import PollPolicy

RATE_TAU_H = 6.0
"""Time constant of the new-entry rate average, hours: long enough that a quiet night does
not stretch the interval of a feed that is busy by day."""
MAX_GROWTH = 1.5
"""Largest factor by which the interval grows from one poll to the next."""
ROLLOVER_SAFETY = 0.5
"""Poll at least this often per feed rollover time (listed entries / rate)."""


@dataclass(frozen=True)
class FeedPollState:
    """What the scheduler remembers about one feed (a ``feed_state`` row)."""

    source_id: str
    feed_url: str
    etag: str | None = None
    last_modified: str | None = None
    last_poll_at: datetime | None = None
    last_success_at: datetime | None = None
    next_poll_at: datetime | None = None
    interval_s: float | None = None
    rate_per_h: float | None = None
    listed: int = 0
    error_streak: int = 0
    last_error: str | None = None
    polls: int = 0
    not_modified: int = 0
    new_entries: int = 0
    rolled_over: bool = False
    rollovers: int = 0


@dataclass(frozen=True)
class PollOutcome:
    """What one poll of a feed observed."""

    at: datetime
    status: int | None
    error_class: str | None = None
    new_entries: int = 0
    listed: int = 0
    oldest_published_at: datetime | None = None
    retry_after_s: float | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def ok(self) -> bool:
        """A usable answer: 304, or a 2xx that parsed (possibly with recovered entries)."""
        return self.status == 304 or (self.error_class in (None, "feed_parse_error")
                                      and self.status is not None and self.status < 300)


def is_due(state: FeedPollState, now: datetime) -> bool:
    """Whether ``state``'s feed should be polled at ``now`` (never polled: due)."""
    return state.next_poll_at is None or state.next_poll_at <= now


def due_feeds(states: list[FeedPollState], now: datetime) -> list[FeedPollState]:
    """The due feeds, most overdue first (never polled first of all)."""
    due = [s for s in states if is_due(s, now)]
    return sorted(due, key=lambda s: (s.next_poll_at is not None, s.next_poll_at or now))


def conditional_headers(state: FeedPollState) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` from the last full answer."""
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


def _rate(state: FeedPollState, outcome: PollOutcome) -> tuple[float | None, bool]:
    """The new-entry rate after ``outcome`` and whether the feed looks rolled over."""
    since = state.last_success_at
    if since is None:  # first poll: the backlog is no rate; the listing's dates may be
        if outcome.oldest_published_at is None or outcome.listed < 2:
            return state.rate_per_h, False
        span_h = (outcome.at - outcome.oldest_published_at).total_seconds() / 3600
        return (outcome.listed / span_h if span_h > 0 else None), False
    dt_h = max((outcome.at - since).total_seconds() / 3600, 1e-6)
    observed = outcome.new_entries / dt_h
    rolled = (outcome.listed > 0 and outcome.new_entries >= outcome.listed) or (
        outcome.new_entries > 0 and outcome.oldest_published_at is not None
        and outcome.oldest_published_at > since)
    if rolled:  # some entries were missed: the observation is a lower bound
        return max(state.rate_per_h or 0.0, observed) * 2, True
    if state.rate_per_h is None:
        return observed, False
    weight = 1 - math.exp(-dt_h / RATE_TAU_H)
    return state.rate_per_h + weight * (observed - state.rate_per_h), False


def next_interval(rate_per_h: float | None, listed: int, previous_s: float | None,
                  policy: PollPolicy) -> float:
    """Seconds until the next poll of a feed with this rate (bounded by ``policy``)."""
    low, high = policy.min_interval_s, policy.max_interval_s
    if rate_per_h is None or rate_per_h <= 0:
        wanted = (previous_s or low) * MAX_GROWTH
    else:
        wanted = policy.target_new_per_poll / rate_per_h * 3600
        if listed > 0:
            wanted = min(wanted, ROLLOVER_SAFETY * listed / rate_per_h * 3600)
    if previous_s is not None:
        wanted = min(wanted, previous_s * MAX_GROWTH)
    return max(low, min(high, wanted))


def backoff_interval(streak: int, policy: PollPolicy, retry_after_s: float | None) -> float:
    """Seconds before retrying a feed that failed ``streak`` times in a row."""
    wait = min(policy.max_interval_s, policy.min_interval_s * 2 ** max(streak - 1, 0))
    if retry_after_s is not None:
        wait = max(wait, retry_after_s)
    return wait


def advance(state: FeedPollState, outcome: PollOutcome, policy: PollPolicy) -> FeedPollState:
    """The state after ``outcome``: validators, rate, error streak and next poll time."""
    base = replace(state, last_poll_at=outcome.at, polls=state.polls + 1)
    if not outcome.ok:
        streak = state.error_streak + 1
        wait = backoff_interval(streak, policy, outcome.retry_after_s)
        return replace(base, error_streak=streak, last_error=outcome.error_class or
                       f"http {outcome.status}", next_poll_at=outcome.at + timedelta(seconds=wait))
    rate, rolled = _rate(state, outcome)
    listed = outcome.listed if outcome.status != 304 else state.listed
    interval = next_interval(rate, listed, state.interval_s, policy)
    if outcome.retry_after_s is not None:
        interval = max(interval, min(outcome.retry_after_s, policy.max_interval_s))
    fresh = outcome.status != 304
    return replace(
        base,
        etag=outcome.etag if fresh else state.etag,
        last_modified=outcome.last_modified if fresh else state.last_modified,
        last_success_at=outcome.at,
        next_poll_at=outcome.at + timedelta(seconds=interval),
        interval_s=interval,
        rate_per_h=rate,
        listed=listed,
        error_streak=0,
        last_error=None,
        not_modified=state.not_modified + (not fresh),
        new_entries=state.new_entries + outcome.new_entries,
        rolled_over=rolled,
        rollovers=state.rollovers + rolled,
    )


def _grid(when: datetime, step_s: float, up: bool) -> datetime:
    """``when`` rounded down (or up) to a multiple of ``step_s`` seconds since the epoch
    (UTC midnights when ``step_s`` divides a day)."""
    ts = when.timestamp()
    n = math.ceil(ts / step_s) if up else math.floor(ts / step_s)
    return datetime.fromtimestamp(n * step_s, tz=when.tzinfo)


def align_to_batches(state: FeedPollState, outcome: PollOutcome, policy: PollPolicy,
                     batch: timedelta) -> FeedPollState:
    """Move a feed's next poll onto a micro-batch cut-off (multiples of ``batch`` since
    midnight UTC) when the interval would otherwise skip past one.

    An entry found by the poll just before a batch is published by that batch; one found just
    after waits a whole batch interval. So a feed polled less often than every batch is
    polled at a cut-off (the one at or before its wanted time: never later than the
    interval asks), and a feed polled more often always gets a poll at each cut-off. The
    source's ``min_interval_s`` still holds, and a failing feed's backoff or a Retry-After
    is never shortened. ``state`` is what :func:`advance` made of ``outcome``.
    """
    step = batch.total_seconds()
    if (step <= 0 or not outcome.ok or outcome.retry_after_s is not None
            or state.last_poll_at is None or state.next_poll_at is None):
        return state
    first = _grid(state.last_poll_at + timedelta(seconds=policy.min_interval_s), step, up=True)
    if state.next_poll_at < first:
        return state  # polled again before the next cut-off anyway
    return replace(state, next_poll_at=max(first, _grid(state.next_poll_at, step, up=False)))

