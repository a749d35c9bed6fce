"""Polling the fixture web: new entries against the last listing, 304s on unchanged feeds,
a fast site polled more often than a slow one, and completeness of the polled entries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fixture_web import FixtureWeb, SimClock, sources_yaml
from newslake.crawl.clock import now as clock_now
from newslake.crawl.poll import PollRequest, poll_feeds
from newslake.crawl.schedule import FeedPollState, due_feeds
from newslake.sources import parse_sources

DAY = date(2022, 4, 1)
START = datetime(2022, 4, 1, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    clock = SimClock(tmp_path_factory.mktemp("clock") / "clock", START)
    with FixtureWeb.build(sites=10, day=DAY, clock=clock) as web:
        yield web


def test_clock_is_shared_through_the_environment(web, monkeypatch):
    monkeypatch.setenv("NEWSLAKE_CLOCK", str(web.clock.path))
    assert clock_now() == START
    monkeypatch.delenv("NEWSLAKE_CLOCK")
    assert clock_now().year >= 2026


def test_polls_through_a_morning(web):
    config = parse_sources(sources_yaml(web))
    states = {s.id: FeedPollState(s.id, s.url) for s in config.sources}
    seen: dict[str, frozenset] = {s.id: frozenset() for s in config.sources}
    found: dict[str, datetime] = {}
    now = START
    while now <= START + timedelta(hours=6):
        web.clock.set(now)
        due = due_feeds(list(states.values()), now)
        requests = [PollRequest(config.source(s.source_id), s, seen[s.source_id]) for s in due]
        for result in poll_feeds(requests, config, now=now):
            states[result.source_id] = result.state
            seen[result.source_id] = frozenset(result.listed)
            for entry in result.entries:
                assert entry.url not in found, "an entry is new only once"
                found[entry.url] = entry.first_seen_at
                assert entry.crawl_date == now.date().isoformat()
        now += timedelta(minutes=10)
    published = web.published(START - timedelta(hours=1), START + timedelta(hours=6))
    polled_until = {s.source_id: s.last_success_at for s in states.values()}
    due = [a for a in published if a.published_at <= polled_until[a.site.split(".")[0]]]
    missed = [a.url for a in due if a.url not in found]
    assert not missed, f"{len(missed)} of {len(due)} missed"
    assert len(due) > 0.8 * len(published)
    fast, slow = states["site00"], states["site09"]
    assert fast.polls > 2 * slow.polls
    assert sum(s.not_modified for s in states.values()) > 0
    statuses = web.polls()
    assert sum(c[304] for c in statuses.values()) == sum(s.not_modified for s in states.values())
    assert all(s.error_streak == 0 for s in states.values())


def test_failing_feed_is_recorded_and_backs_off(web):
    config = parse_sources(sources_yaml(web).replace("site01.test/feed.xml",
                                                     "site01.test/gone.xml"))
    source = config.source("site01")
    state = FeedPollState(source.id, source.url)
    result = poll_feeds([PollRequest(source, state, frozenset())], config, now=START)[0]
    assert result.outcome.status == 404 and not result.entries
    assert result.state.error_streak == 1 and result.state.last_error == "http_4xx"
    assert result.fetch_log[0]["error_class"] == "http_4xx"
    again = poll_feeds([PollRequest(source, result.state, frozenset())], config,
                       now=result.state.next_poll_at)[0]
    assert (again.state.next_poll_at - again.outcome.at) > (
        result.state.next_poll_at - result.outcome.at)


def test_poll_run_moves_next_polls_onto_the_batch_cut_offs(web, tmp_path, monkeypatch):
    from newslake.crawl.frontier import read
    from newslake.pipeline.polling import poll_due_feeds

    monkeypatch.setenv("NEWSLAKE_CLOCK", str(web.clock.path))
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(web))
    lake = str(tmp_path / "lake")
    at = START + timedelta(minutes=10)
    web.clock.set(at)
    run = poll_due_feeds(lake, str(sources), "poll-1", batch=timedelta(hours=1))
    assert run.due == len(web.sites) and run.new_entries > 0
    cut_off = START + timedelta(hours=1)
    states = read(lake, "feed_state").to_pylist()
    for state in states:  # before the 07:00 cut-off, or on a later cut-off
        nxt = state["next_poll_at"]
        assert nxt <= cut_off or (nxt.minute, nxt.second) == (0, 0), state
        assert nxt <= state["last_poll_at"] + timedelta(seconds=state["interval_s"])
    assert any(s["next_poll_at"] == cut_off for s in states)
