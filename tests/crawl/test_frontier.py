"""The durable frontier on DuckLake: one transaction per poll; nothing lost and nothing
processed twice when a process is SIGKILLed between poll and commit, between commit and
processing, or inside a micro-batch; a micro-batch re-run replaces exactly its rows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fixture_web import FixtureWeb, SimClock, sources_yaml
from newslake.crawl.frontier import (
    claim,
    commit_poll,
    completeness,
    feed_health,
    load_states,
    pending_days,
    read,
)
from newslake.crawl.poll import PollRequest, poll_feeds
from newslake.lake import ducklake
from newslake.sources import load_sources

pytestmark = pytest.mark.integration

DAY = date(2022, 4, 1)
T0 = datetime(2022, 4, 1, 9, tzinfo=UTC)
TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    clock = SimClock(tmp_path_factory.mktemp("clock") / "clock", T0)
    with FixtureWeb.build(sites=4, day=DAY, clock=clock, seed=3) as web:
        yield web


@pytest.fixture
def setup(web, tmp_path, monkeypatch):
    web.clock.set(T0)
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml(web))
    monkeypatch.setenv("NEWSLAKE_CLOCK", str(web.clock.path))
    return str(tmp_path / "lake"), sources


def poll_once(lake: str, sources: Path, now: datetime, run_id: str, hook=None):
    config = load_sources(sources)
    states = load_states(lake, config)
    requests = [PollRequest(config.source(sid), st, seen) for sid, (st, seen) in states.items()]
    polls = poll_feeds(requests, config, now=now)
    return polls, commit_poll(lake, polls, run_id, now, hook=hook)


def frontier(lake: str) -> list[dict]:
    return read(lake, "frontier").to_pylist()


def _killed_at(step: str, code: str, lake: str, sources: Path, web) -> None:
    """Run ``code`` in a child that SIGKILLs itself when the commit reaches ``step``."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        from datetime import datetime
        sys.path.insert(0, {str(TESTS / 'crawl')!r}); sys.path.insert(0, {str(TESTS)!r})
        from test_frontier import *
        from newslake.crawl.clock import now as clock_now
        def hook(name):
            if name == {step!r}:
                os.kill(os.getpid(), signal.SIGKILL)
        lake, sources = {lake!r}, Path({str(sources)!r})
    """) + textwrap.dedent(code)
    env = dict(os.environ, NEWSLAKE_CLOCK=str(web.clock.path))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]


def test_one_transaction_per_poll_and_no_entry_twice(web, setup):
    lake, sources = setup
    polls, first = poll_once(lake, sources, T0, "poll-1")
    rows = frontier(lake)
    assert first.new_entries == len(rows) == sum(len(p.entries) for p in polls) > 0
    assert {r["state"] for r in rows} == {"pending"}
    assert {r["crawl_date"] for r in rows} == {DAY}
    snapshots = [s for s in ducklake.snapshots(lake) if s.message == "poll"]
    assert len(snapshots) == 1
    later = T0 + timedelta(minutes=30)
    web.clock.set(later)
    _, second = poll_once(lake, sources, later, "poll-2")
    rows = frontier(lake)
    assert len({r["canonical_url"] for r in rows}) == len(rows)
    states = load_states(lake, load_sources(sources))
    assert all(st.polls >= 1 and seen for st, seen in states.values())
    feed_rows = read(lake, "fetch_log", "kind = 'feed'").num_rows
    assert feed_rows == sum(st.polls for st, _ in states.values())
    per_day = completeness(lake).to_pylist()
    assert sum(r["seen"] for r in per_day) == sum(r["pending"] for r in per_day) == len(rows)
    health = {r["source_id"]: r for r in feed_health(lake).to_pylist()}
    assert set(health) == set(states) and all(r["polls"] >= 1 for r in health.values())
    _readme_commands(lake)


def _readme_commands(lake: str) -> None:
    """README's feed-health commands, run on this lake."""
    readme = (TESTS.parent / "README.md").read_text()
    block = readme.split("**Polling through the day.**", 1)[1].split("```sh\n", 1)[1]
    commands = block.split("```", 1)[0].strip().splitlines()
    assert len(commands) == 2
    for line in commands:
        command = line.split("#")[0].replace("--lake lake", f"--lake {lake}")
        out = subprocess.run(command, shell=True, cwd=TESTS.parent, capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert "source_id" in out.stdout and "site00" in out.stdout


def test_feed_health_flags_a_feed_that_rolls_over(web, setup):
    lake, sources = setup
    poll_once(lake, sources, T0, "poll-1")
    late = T0 + timedelta(hours=8)  # the fast sites published far more than 30 entries since
    web.clock.set(late)
    poll_once(lake, sources, late, "poll-2")
    health = {r["source_id"]: r for r in feed_health(lake).to_pylist()}
    fast = [s.host.split(".")[0] for s in web.sites.values() if s.per_day >= 300]
    assert fast and all(health[f]["rolls_over_faster_than_polled"] for f in fast)
    slow = [s.host.split(".")[0] for s in web.sites.values() if s.per_day <= 5]
    assert slow and not any(health[f]["rolls_over_faster_than_polled"] for f in slow)


def test_sigkill_between_poll_and_commit_loses_nothing(web, setup):
    lake, sources = setup
    poll_once(lake, sources, T0, "poll-1")
    before = {r["url"] for r in frontier(lake)}
    later = T0 + timedelta(hours=2)
    web.clock.set(later)
    _killed_at("commit", "poll_once(lake, sources, clock_now(), 'poll-killed', hook)",
               lake, sources, web)
    assert {r["url"] for r in frontier(lake)} == before  # the killed poll left nothing
    polls, _ = poll_once(lake, sources, later, "poll-2")
    rows = frontier(lake)
    urls = [r["url"] for r in rows]
    assert len(urls) == len(set(urls))
    listed = {a.url for s in web.sites.values() for a in web.listing(s, later)}
    assert listed <= set(urls)  # what the killed poll saw is found again


def test_sigkill_between_commit_and_processing_keeps_entries_pending(web, setup):
    lake, sources = setup
    _killed_at("committed", "poll_once(lake, sources, clock_now(), 'poll-1', hook)",
               lake, sources, web)
    rows = frontier(lake)
    assert rows and {r["state"] for r in rows} == {"pending"}
    assert pending_days(lake, T0) == [DAY]
    first = claim(lake, "b1", DAY, T0)
    assert sorted(e.url for e in first) == sorted(r["url"] for r in rows)
    assert claim(lake, "b1", DAY, T0) == first  # a re-run holds the same entries
    assert claim(lake, "b2", DAY, T0) == []  # nothing twice
    assert pending_days(lake, T0 + timedelta(hours=3)) == [DAY]  # b1 died: lease expires
    assert len(claim(lake, "b3", DAY, T0 + timedelta(hours=3))) == len(first)


def lake_rows(lake: str, table: str) -> list[dict]:
    return read(lake, table).to_pylist()


@pytest.mark.slow  # whole micro-batches against the fixture web
def test_micro_batch_publishes_once_and_rerun_replaces_exactly_its_rows(web, setup):
    from newslake.pipeline.microbatch import process_frontier, run_batch

    lake, sources = setup
    poll_once(lake, sources, T0, "poll-1")
    later = T0 + timedelta(hours=1)
    web.clock.set(later)
    first = process_frontier(lake, str(sources), "b1", later)
    assert len(first) == 1 and first[0].published > 0
    articles = lake_rows(lake, "articles")
    assert {a["producer"] for a in articles} == {"batch-b1"}
    assert len(articles) == first[0].articles
    states = {r["url"]: r for r in frontier(lake)}
    assert {r["state"] for r in states.values()} <= {"published", "failed"}
    published = {u for u, r in states.items() if r["state"] == "published"}
    assert len(published) == first[0].published
    # a second poll and batch add only the new entries
    web.clock.set(later + timedelta(hours=1))
    poll_once(lake, sources, later + timedelta(hours=1), "poll-2")
    second = process_frontier(lake, str(sources), "b2", later + timedelta(hours=1))
    b2 = [a for a in lake_rows(lake, "articles") if a["producer"] == "batch-b2"]
    assert len(b2) == sum(r.articles for r in second)
    # re-running b1 (its claim returns the same entries) replaces exactly its rows
    entries = claim(lake, "b1", DAY, later)
    assert {e.url for e in entries} == {u for u, r in states.items() if r["batch_id"] == "b1"}
    run_batch(lake, str(sources), DAY, "b1", entries, later)
    after = lake_rows(lake, "articles")
    key = sorted((a["producer"], a["url"]) for a in after)
    assert len(key) == len(set(key)) == len(articles) + len(b2)
    assert sorted(a["url"] for a in after if a["producer"] == "batch-b1") == sorted(
        a["url"] for a in articles)


@pytest.mark.slow  # whole micro-batches against the fixture web
def test_sigkill_inside_a_micro_batch_publishes_nothing_then_once(web, setup):
    lake, sources = setup
    poll_once(lake, sources, T0, "poll-1")
    _killed_at("commit", """
from newslake.crawl.frontier import claim
from newslake.pipeline.microbatch import run_batch
entries = claim(lake, "b1", DAY, T0)
run_batch(lake, str(sources), DAY, "b1", entries, T0, hook=hook)
""", lake, sources, web)
    assert lake_rows(lake, "articles") == []
    rows = frontier(lake)
    assert {r["state"] for r in rows} == {"claimed"} and {r["batch_id"] for r in rows} == {"b1"}
    from newslake.pipeline.microbatch import run_batch

    entries = claim(lake, "b1", DAY, T0)  # the re-run of the killed batch
    result = run_batch(lake, str(sources), DAY, "b1", entries, T0)
    articles = lake_rows(lake, "articles")
    assert len(articles) == result.articles == len({a["url"] for a in articles}) > 0
    assert {r["state"] for r in frontier(lake)} <= {"published", "failed"}


@pytest.mark.slow  # a micro-batch killed at its commit, then retried
def test_a_claimed_day_retried_after_a_crash_processes_exactly_its_claim(web, setup):
    from newslake.config import resolve_settings
    from newslake.pipeline.microbatch import claim_days, run_claimed

    lake, sources = setup
    settings = resolve_settings(lake, str(sources))
    poll_once(lake, sources, T0, "poll-1")
    [claimed] = claim_days(settings, "b1", T0)  # what frontier_batch's claim task does
    assert claimed.entries == len(frontier(lake)) > 0
    _killed_at("commit", """
from newslake.config import resolve_settings
from newslake.pipeline.microbatch import run_claimed
from newslake.pipeline.results import ClaimStep
run_claimed(resolve_settings(lake, str(sources)), ClaimStep("b1", DAY.isoformat(), 0), T0,
            hook=hook)
""", lake, sources, web)
    assert lake_rows(lake, "articles") == []
    later = T0 + timedelta(minutes=30)  # the day's feeds list more before the retry
    web.clock.set(later)
    poll_once(lake, sources, later, "poll-2")
    arrived = {r["url"] for r in frontier(lake) if r["state"] == "pending"}
    assert arrived
    step = run_claimed(settings, claimed, later).step()  # the retried process task
    assert step.entries == claimed.entries and step.published > 0
    after = frontier(lake)
    assert {r["url"] for r in after if r["state"] == "pending"} == arrived
    assert {r["state"] for r in after if r["url"] not in arrived} <= {"published", "failed"}
    articles = lake_rows(lake, "articles")
    assert len(articles) == len({a["url"] for a in articles}) == step.articles


def test_entries_of_a_batch_failing_validation_are_retried_once(web, setup):
    from newslake.crawl.frontier import complete

    lake, sources = setup
    poll_once(lake, sources, T0, "poll-1")
    entries = claim(lake, "b1", DAY, T0)
    failed = {e.url: "validation_failed" for e in entries}
    complete(lake, "b1", "batch-b1", DAY, {}, failed, T0, "run-b1")
    rows = frontier(lake)
    assert {r["state"] for r in rows} == {"pending"} and {r["batch_id"] for r in rows} == {None}
    again = claim(lake, "b2", DAY, T0)
    assert {e.url for e in again} == set(failed)
    complete(lake, "b2", "batch-b2", DAY, {}, failed, T0, "run-b2")
    assert {r["state"] for r in frontier(lake)} == {"failed"}
    assert claim(lake, "b3", DAY, T0) == []


@pytest.mark.slow  # two micro-batches and a close over the fixture web
def test_daily_close_publishes_what_micro_batches_left_and_every_article_once(web, setup):
    from newslake.exceptions import TransientError
    from newslake.pipeline.microbatch import process_frontier
    from newslake.pipeline.polling import close_day

    lake, sources = setup
    poll_once(lake, sources, T0, "poll-1")
    batch_at = T0 + timedelta(hours=1)
    web.clock.set(batch_at)
    first = process_frontier(lake, str(sources), "b1", batch_at)
    assert first and first[0].published > 0
    later = T0 + timedelta(hours=3)  # polled, not yet processed by a micro-batch
    web.clock.set(later)
    poll_once(lake, sources, later, "poll-2")
    left = [r for r in frontier(lake) if r["state"] == "pending"]
    assert left
    midnight = datetime(2022, 4, 2, 0, 5, tzinfo=UTC)
    web.clock.set(midnight)
    claim(lake, "b2", DAY, midnight)  # a micro-batch still running holds the day's rest
    with pytest.raises(TransientError, match="held by running micro-batches"):
        close_day(lake, str(sources), DAY, "close-run", midnight)
    after_lease = midnight + timedelta(hours=3)  # b2 died: its claim expired
    closed = close_day(lake, str(sources), DAY, "close-run", after_lease)
    assert closed["polled"] and closed["entries"] == len(left) and closed["published"] > 0
    rows = frontier(lake)
    assert {r["state"] for r in rows} <= {"published", "failed"}
    articles = lake_rows(lake, "articles")
    urls = [a["url"] for a in articles]
    assert len(urls) == len(set(urls)) == sum(r["state"] == "published" for r in rows)
    assert {a["producer"] for a in articles} == {"batch-b1", "batch-close-2022-04-01"}
    # the close run again (a cleared task) replaces exactly its own rows
    again = close_day(lake, str(sources), DAY, "close-run-2", after_lease)
    assert again["published"] == closed["published"]
    assert sorted(a["url"] for a in lake_rows(lake, "articles")) == sorted(urls)
    # a day that was never polled is left to the feed path (a backfill)
    untouched = close_day(lake, str(sources), DAY - timedelta(days=1), "close-0", midnight)
    assert untouched["polled"] is False and untouched["entries"] == 0
