"""Completeness and freshness of the lake on a simulated day of news.

A fixture web of ``--sites`` sites on 127.0.0.1 (tests/fixture_web.py: 30-entry RSS feeds,
random arrivals with a morning and an afternoon peak, a tenth of the sites at 300 articles a
day and a tenth at 5) publishes through ``--day`` while a shared clock advances in
``--tick`` minute steps (the ``feed_poll`` schedule). At every tick the due feeds are polled
(adaptive schedule moved onto the batch cut-offs, conditional GET) and their new entries
enter the frontier; every ``--batch`` minutes, right after that tick's poll, the pending
entries are fetched, extracted, deduplicated, validated and published as one micro-batch.
An article is queryable from the (simulated) time its batch committed.

Baseline, measured in the same run on the same fixture day: the once-a-day run
(``newslake ingest --date D`` when the day's interval has closed), which reads each feed once
and keeps the entries published inside the day.

    .venv/bin/python bench/completeness.py                 # 50 sites, hourly batches
    .venv/bin/python bench/completeness.py --sites 50 --batch 30

The last line is one JSON object of the figures. Airflow's own cost of polling is measured
by bench/airflow_polling.py.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from fixture_web import FixtureWeb, SimClock, sources_yaml  # noqa: E402


def _lake_urls(lake: str) -> set[str]:
    from newslake.lake import read_table

    table = read_table(lake, "articles", columns=["url"])
    return set(table["url"].to_pylist())


def baseline(web: FixtureWeb, sources: Path, workdir: Path) -> float:
    """Completeness of the once-a-day run of the fixture day."""
    from newslake.pipeline.runs import ingest_day

    lake = str(workdir / "baseline-lake")
    web.clock.set(datetime.combine(web.day + timedelta(days=1), datetime.min.time(), UTC)
                  + timedelta(minutes=5))
    ingest_day(lake, web.day, str(sources))
    published = {a.url for a in web.day_articles()}
    return len(published & _lake_urls(lake)) / len(published)


class Simulation:
    """Polls (feed_poll) and micro-batches (frontier_batch) over the fixture day, on the
    lake's DuckLake frontier, under the shared clock."""

    def __init__(self, web: FixtureWeb, sources: Path, lake: str, tick: int, batch: int):
        self.web, self.sources, self.lake = web, str(sources), lake
        self.tick, self.batch = timedelta(minutes=tick), timedelta(minutes=batch)
        self.new_entries = 0
        self.batches = 0
        self.poll_runs = 0

    def run(self, start: datetime, end: datetime) -> None:
        from newslake.pipeline.polling import poll_due_feeds, process_pending

        now, next_batch = start, start + self.batch
        while now <= end:
            self.web.clock.set(now)
            run = poll_due_feeds(self.lake, self.sources, f"poll-{now:%Y%m%dT%H%M}", now,
                                 batch=self.batch)
            self.poll_runs += 1
            self.new_entries += run.new_entries
            if now >= next_batch:
                done = process_pending(self.lake, self.sources, f"batch-{now:%Y%m%dT%H%M}", now)
                self.batches += len(done)
                next_batch += self.batch
            now += self.tick

    def queryable(self) -> dict[str, datetime]:
        """Entry URL -> when its batch committed (published entries only)."""
        from newslake.crawl.frontier import read

        rows = read(self.lake, "frontier", "state = 'published'").to_pylist()
        return {r["url"]: r["processed_at"] for r in rows}

    def lake_urls(self) -> set[str]:
        from newslake.crawl.frontier import read

        return set(read(self.lake, "articles")["url"].to_pylist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--day", type=date.fromisoformat, default=date(2022, 4, 1))
    parser.add_argument("--tick", type=int, default=10, help="minutes between feed_poll runs")
    parser.add_argument("--batch", type=int, default=60, help="minutes between micro-batches")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="newslake-completeness-"))
    workdir.mkdir(parents=True, exist_ok=True)
    os.environ["NEWSLAKE_CLOCK"] = str(workdir / "clock")
    start = datetime.combine(args.day, datetime.min.time(), UTC)
    clock = SimClock(workdir / "clock", start)
    with FixtureWeb.build(args.sites, args.day, clock, seed=args.seed) as web:
        sources = workdir / "sources.yaml"
        sources.write_text(sources_yaml(web))
        published = web.day_articles()
        print(f"fixture: {len(web.sites)} sites, {len(published)} articles published on "
              f"{args.day} (volumes {min(s.per_day for s in web.sites.values())}-"
              f"{max(s.per_day for s in web.sites.values())} a day)", flush=True)

        started = time.perf_counter()
        base = baseline(web, sources, workdir)
        base_s = time.perf_counter() - started
        print(f"baseline (once a day): completeness {base:.3f} in {base_s:.0f} s", flush=True)

        web.requests.clear()
        sim = Simulation(web, sources, str(workdir / "lake"), args.tick, args.batch)
        started = time.perf_counter()
        # through the day, then until the entries of its last minutes are published
        sim.run(start, start + timedelta(days=1, minutes=args.batch + 2 * args.tick))
        sim_s = time.perf_counter() - started

    in_lake = sim.lake_urls()
    queryable = sim.queryable()
    day_urls = {a.url: a for a in published}
    got = [u for u in day_urls if u in in_lake]
    completeness = len(got) / len(day_urls)
    latencies = sorted((queryable[u] - day_urls[u].published_at).total_seconds() / 60
                       for u in got if u in queryable)
    p50 = statistics.median(latencies) if latencies else None
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else None
    day_end = start + timedelta(days=1)
    feed_requests = [(status, at) for _, kind, at, status in web.requests if kind == "feed"]
    polls = len(feed_requests)
    day_polls = sum(1 for _, at in feed_requests if start <= at < day_end)
    figures = {
        "articles": len(day_urls),
        "completeness": round(completeness, 4),
        "baseline_completeness": round(base, 4),
        "p50_latency_min": round(p50, 1) if p50 is not None else None,
        "p95_latency_min": round(p95, 1) if p95 is not None else None,
        "polls_per_feed_day": round(day_polls / len(web.sites), 1),
        "polls_per_new_entry": round(polls / max(sim.new_entries, 1), 3),
        "share_304": round(sum(1 for st, _ in feed_requests if st == 304) / max(polls, 1), 3),
        "peak_requests_per_host_minute": web.peak_requests_per_host_minute(),
        "micro_batches": sim.batches,
        "simulation_s": round(sim_s, 1),
        "baseline_s": round(base_s, 1),
    }
    print(f"completeness {completeness:.4f} vs once a day {base:.4f} "
          f"({completeness / base if base else float('inf'):.2f}x); latency p50 {p50} min, "
          f"p95 {p95} min; {figures['polls_per_feed_day']} polls per feed, "
          f"{figures['share_304']:.0%} answered 304; peak "
          f"{figures['peak_requests_per_host_minute']} requests per host per minute")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
