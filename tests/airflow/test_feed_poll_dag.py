"""The feed_poll and frontier_batch DAGs through Airflow (``airflow dags test``) against the
fixture web, with the simulated clock shared through NEWSLAKE_CLOCK: a few polls, then a
micro-batch publishes what they found; after one more poll, news_ingest closes the day from
the frontier (its feed tasks skipped) and every article is in the lake once."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from embedded_airflow import embedded_airflow_env
from fixture_web import FixtureWeb, SimClock, sources_yaml

pytestmark = [pytest.mark.timeout(1800), pytest.mark.slow]

AIRFLOW = Path(sys.executable).with_name("airflow")
T0 = datetime(2022, 4, 1, 9, tzinfo=UTC)


def _dags_test(env: dict, dag_id: str, when: datetime) -> str:
    run = subprocess.run([str(AIRFLOW), "dags", "test", dag_id, when.isoformat()], env=env,
                         capture_output=True, text=True, timeout=400)
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
    return run.stdout + run.stderr


def test_feed_poll_then_batch_through_airflow(tmp_path):
    from newslake.crawl.frontier import read

    if not AIRFLOW.exists():
        pytest.skip("airflow is not installed in this environment")
    clock = SimClock(tmp_path / "clock", T0)
    lake = tmp_path / "lake"
    with FixtureWeb.build(sites=5, day=date(2022, 4, 1), clock=clock, seed=11) as web:
        sources = tmp_path / "sources.yaml"
        sources.write_text(sources_yaml(web))
        env = embedded_airflow_env(tmp_path / "airflow", NEWSLAKE_LAKE=str(lake),
                                   NEWSLAKE_SOURCES=str(sources),
                                   NEWSLAKE_CLOCK=str(clock.path))
        for step in range(3):
            now = T0 + timedelta(minutes=10 * step)
            clock.set(now)
            _dags_test(env, "feed_poll", now)
        state = read(str(lake), "feed_state").to_pylist()
        assert len(state) == 5 and sum(r["polls"] for r in state) >= 5
        assert min(r["polls"] for r in state) >= 1
        frontier = read(str(lake), "frontier").to_pylist()
        assert frontier and {r["state"] for r in frontier} == {"pending"}
        polls = web.polls()
        assert sum(sum(c.values()) for c in polls.values()) == sum(r["polls"] for r in state)
        clock.set(T0 + timedelta(hours=1))
        _dags_test(env, "frontier_batch", T0 + timedelta(hours=1))
        settled = read(str(lake), "frontier").to_pylist()
        assert {r["state"] for r in settled} <= {"published", "failed"}
        articles = read(str(lake), "articles").to_pylist()
        published = {r["url"] for r in settled if r["state"] == "published"}
        assert published and {a["url"] for a in articles} >= published
        later = T0 + timedelta(hours=3)
        clock.set(later)
        _dags_test(env, "feed_poll", later)
        left = [r for r in read(str(lake), "frontier").to_pylist() if r["state"] == "pending"]
        assert left  # found after the micro-batch: the daily close publishes them
        clock.set(datetime(2022, 4, 2, 0, 5, tzinfo=UTC))
        _dags_test(env, "news_ingest", datetime(2022, 4, 1, tzinfo=UTC))
    final = read(str(lake), "frontier").to_pylist()
    assert {r["state"] for r in final} <= {"published", "failed"}
    rows = read(str(lake), "articles").to_pylist()
    producers = {a["producer"] for a in rows}
    assert "batch-close-2022-04-01" in producers  # the close published what was left
    assert all(p.startswith("batch-") for p in producers)  # and the feed path did not run
    urls = [a["url"] for a in rows]
    assert len(urls) == len(set(urls)) == sum(r["state"] == "published" for r in final)
    assert {r["url"] for r in left} & set(urls)
