"""Adaptive polling: fast feeds are polled more often than slow ones, bounded by the
source's policy; failing feeds back off; Retry-After and conditional GET state are kept."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from newslake.crawl.schedule import (
    FeedPollState,
    PollOutcome,
    advance,
    align_to_batches,
    conditional_headers,
    due_feeds,
    is_due,
    next_interval,
)
from newslake.sources import PollPolicy, parse_sources

T0 = datetime(2022, 4, 1, tzinfo=UTC)
POLICY = PollPolicy(min_interval_s=300, max_interval_s=86400, target_new_per_poll=2)


def _simulate(per_day: float, hours: float = 48, listed: int = 30, seed: int = 1) -> int:
    """Poll a feed publishing ``per_day`` entries (Poisson) whenever due; return polls."""
    rng = random.Random(seed)
    arrivals, t = [], 0.0
    while t < hours * 3600:
        t += rng.expovariate(per_day / 86400)
        arrivals.append(T0 + timedelta(seconds=t))
    state = FeedPollState("s", "http://s.test/feed")
    seen = 0
    now = T0
    while now < T0 + timedelta(hours=hours):
        if is_due(state, now):
            published = [a for a in arrivals if a <= now]
            window = published[-listed:]
            new = len(published) - seen
            seen = len(published)
            state = advance(state, PollOutcome(
                at=now, status=200, new_entries=min(new, len(window)), listed=len(window),
                oldest_published_at=window[0] if window else None), POLICY)
        now += timedelta(minutes=5)
    return state.polls


def test_fast_feed_polled_more_than_slow():
    fast, slow = _simulate(300), _simulate(5)
    assert fast > 3 * slow
    assert fast <= 2 * 24 * 12  # never more than every min_interval_s (5 min)
    assert slow >= 2


def test_interval_bounds_and_target():
    assert next_interval(300 / 24, 30, None, POLICY) == pytest.approx(2 / (300 / 24) * 3600)
    assert next_interval(10_000, 30, None, POLICY) == 300  # min bound
    assert next_interval(0.001, 30, None, POLICY) == 86400  # max bound
    assert next_interval(0.001, 30, 600, POLICY) == 900  # grows at most 1.5x per poll
    narrow = PollPolicy(min_interval_s=600, max_interval_s=1200, target_new_per_poll=2)
    assert next_interval(0.001, 30, 1200, narrow) == 1200
    assert next_interval(10_000, 30, None, narrow) == 600


def test_rollover_is_flagged_and_speeds_polling():
    state = FeedPollState("s", "u", last_success_at=T0, interval_s=3600, rate_per_h=5,
                          polls=3)
    out = PollOutcome(at=T0 + timedelta(hours=1), status=200, new_entries=30, listed=30,
                      oldest_published_at=T0 + timedelta(minutes=20))
    after = advance(state, out, POLICY)
    assert after.rolled_over and after.rate_per_h >= 60
    assert after.interval_s <= 0.5 * 30 / after.rate_per_h * 3600
    calm = advance(after, PollOutcome(at=after.next_poll_at, status=200, new_entries=1,
                                      listed=30, oldest_published_at=T0), POLICY)
    assert not calm.rolled_over


def test_failing_feed_backs_off_exponentially_and_recovers():
    state = FeedPollState("s", "u", interval_s=600, rate_per_h=6, last_success_at=T0)
    waits, now = [], T0
    for _ in range(12):
        state = advance(state, PollOutcome(at=now, status=None, error_class="connect"), POLICY)
        waits.append((state.next_poll_at - now).total_seconds())
        now = state.next_poll_at
    assert waits[:4] == [300, 600, 1200, 2400]
    assert waits == sorted(waits) and waits[-1] == 86400
    assert state.error_streak == 12 and state.last_error == "connect"
    state = advance(state, PollOutcome(at=now, status=200, new_entries=3, listed=30), POLICY)
    assert state.error_streak == 0 and state.last_error is None


def test_retry_after_is_honoured():
    state = FeedPollState("s", "u")
    failed = advance(state, PollOutcome(at=T0, status=429, error_class="http_429",
                                        retry_after_s=7200), POLICY)
    assert failed.next_poll_at == T0 + timedelta(hours=2)
    ok = advance(FeedPollState("s", "u", last_success_at=T0, rate_per_h=100, interval_s=300),
                 PollOutcome(at=T0 + timedelta(minutes=5), status=200, new_entries=8,
                             listed=30, retry_after_s=1800), POLICY)
    assert ok.next_poll_at == T0 + timedelta(minutes=35)


def test_conditional_get_state():
    state = advance(FeedPollState("s", "u"), PollOutcome(
        at=T0, status=200, new_entries=30, listed=30, etag='"v1"',
        last_modified="Fri, 01 Apr 2022 00:00:00 GMT",
        oldest_published_at=T0 - timedelta(hours=10)), POLICY)
    assert conditional_headers(state) == {"If-None-Match": '"v1"',
                                          "If-Modified-Since": "Fri, 01 Apr 2022 00:00:00 GMT"}
    assert state.rate_per_h == pytest.approx(3.0)  # first poll: the listing's own span
    later = advance(state, PollOutcome(at=state.next_poll_at, status=304), POLICY)
    assert conditional_headers(later) == conditional_headers(state)
    assert later.not_modified == 1 and later.listed == 30 and later.polls == 2
    assert later.interval_s > state.interval_s  # nothing new: back off (gradually)


def test_due_feeds_order():
    a = FeedPollState("a", "u", next_poll_at=T0 + timedelta(minutes=5))
    b = FeedPollState("b", "u")
    c = FeedPollState("c", "u", next_poll_at=T0 - timedelta(minutes=5))
    d = FeedPollState("d", "u", next_poll_at=T0 + timedelta(hours=1))
    assert [s.source_id for s in due_feeds([a, b, c, d], T0 + timedelta(minutes=5))] == [
        "b", "c", "a"]


def test_poll_policy_from_sources_yaml():
    config = parse_sources("""
crawler: {poll: {min_interval_s: 120, max_interval_s: 7200}}
sources:
  - {id: a, url: "http://a.test/", enabled: false}
  - {id: b, url: "http://b.test/", enabled: false, poll: {max_interval_s: 600}}
""")
    a, b = config.sources
    assert (a.poll.min_interval_s, a.poll.max_interval_s) == (120, 7200)
    assert (b.poll.min_interval_s, b.poll.max_interval_s) == (120, 600)


HOUR = timedelta(hours=1)


def _polled(at: datetime, interval_min: float, outcome: PollOutcome | None = None):
    """The state after a successful poll at ``at`` that asks for ``interval_min`` minutes."""
    outcome = outcome or PollOutcome(at=at, status=200, new_entries=1, listed=30)
    state = FeedPollState("s", "u", last_poll_at=at, last_success_at=at,
                          interval_s=interval_min * 60,
                          next_poll_at=at + timedelta(minutes=interval_min))
    return align_to_batches(state, outcome, POLICY, HOUR), outcome


def test_a_feed_polled_less_often_than_batches_is_polled_at_a_cut_off():
    at = T0 + timedelta(hours=9, minutes=10)
    state, _ = _polled(at, 150)  # wanted 11:40: polled at the 11:00 cut-off, not later
    assert state.next_poll_at == T0 + timedelta(hours=11)
    state, _ = _polled(T0 + timedelta(hours=9, minutes=50), 70)  # 11:00: already a cut-off
    assert state.next_poll_at == T0 + timedelta(hours=11)


def test_a_feed_polled_more_often_than_batches_gets_a_poll_at_each_cut_off():
    state, _ = _polled(T0 + timedelta(hours=9, minutes=40), 25)  # 10:05 skips 10:00
    assert state.next_poll_at == T0 + timedelta(hours=10)
    state, _ = _polled(T0 + timedelta(hours=9, minutes=10), 25)  # 09:35 is before 10:00
    assert state.next_poll_at == T0 + timedelta(hours=9, minutes=35)
    # the minimum interval holds: polled at 09:58, the next cut-off it may use is 11:00
    state, _ = _polled(T0 + timedelta(hours=9, minutes=58), 25)
    assert state.next_poll_at == T0 + timedelta(hours=10, minutes=23)


def test_backoff_and_retry_after_are_not_shortened_by_the_cut_off():
    at = T0 + timedelta(hours=9, minutes=10)
    failed = PollOutcome(at=at, status=503, error_class="http_5xx")
    assert _polled(at, 150, failed)[0].next_poll_at == at + timedelta(minutes=150)
    told = PollOutcome(at=at, status=200, new_entries=1, listed=30, retry_after_s=9000)
    assert _polled(at, 150, told)[0].next_poll_at == at + timedelta(minutes=150)
