"""Airflow's seconds per day of polling ``--sources`` feeds, measured.

A fixture web of ``--sources`` sites on 127.0.0.1 (tests/fixture_web.py) and a shared
simulated clock. At each of ``--runs`` ticks (``--tick`` minutes apart) the due feeds are
polled twice, into two lakes that see the same feeds at the same time: once through Airflow
(``airflow dags test feed_poll``, embedded SQLite metadata database) and once by the same
domain function in a plain Python process. Airflow's cost of one run is the difference of
the two wall times; a day holds 24 * 60 / ``--tick`` runs (the ``feed_poll`` schedule).

    .venv/bin/python bench/airflow_polling.py               # 300 sources, 4 runs

The last line is one JSON object of the figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from embedded_airflow import embedded_airflow_env  # noqa: E402
from fixture_web import FixtureWeb, SimClock, sources_yaml  # noqa: E402

AIRFLOW = Path(sys.executable).with_name("airflow")
PLAIN = ("import sys; from datetime import datetime; "
         "from newslake.pipeline.polling import poll_due_feeds; "
         "print(poll_due_feeds(sys.argv[1], sys.argv[2], sys.argv[3]))")


def _timed(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{command[:4]} failed:\n{(done.stdout + done.stderr)[-4000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--runs", type=int, default=4)
    parser.add_argument("--tick", type=int, default=10, help="minutes between feed_poll runs")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="newslake-airflow-polling-"))
    work.mkdir(parents=True, exist_ok=True)
    day = date(2022, 4, 1)
    start = datetime(2022, 4, 1, 9, tzinfo=UTC)
    clock = SimClock(work / "clock", start)
    airflow_s, plain_s = [], []
    with FixtureWeb.build(args.sources, day, clock, seed=5) as web:
        sources = work / "sources.yaml"
        sources.write_text(sources_yaml(web))
        env = embedded_airflow_env(work / "airflow", NEWSLAKE_LAKE=str(work / "lake-airflow"),
                                   NEWSLAKE_SOURCES=str(sources), NEWSLAKE_CLOCK=str(clock.path))
        for n in range(args.runs):
            now = start + timedelta(minutes=args.tick * n)
            clock.set(now)
            airflow_s.append(_timed([str(AIRFLOW), "dags", "test", "feed_poll",
                                     now.isoformat()], env))
            plain_s.append(_timed([sys.executable, "-c", PLAIN, str(work / "lake-plain"),
                                   str(sources), f"plain-{n}"], env))
            print(f"run {n}: airflow {airflow_s[-1]:.1f} s, plain {plain_s[-1]:.1f} s",
                  flush=True)
        polls = len([r for r in web.requests if r[1] == "feed"])
    # the first run polls every feed (nothing is known yet); later runs only the due ones
    overhead = [a - p for a, p in zip(airflow_s, plain_s, strict=True)]
    per_run = statistics.median(overhead)
    runs_per_day = 24 * 60 / args.tick
    figures = {
        "sources": args.sources,
        "runs": args.runs,
        "feed_requests": polls,
        "airflow_run_s": [round(x, 1) for x in airflow_s],
        "plain_run_s": [round(x, 1) for x in plain_s],
        "airflow_overhead_per_run_s": round(per_run, 1),
        "runs_per_day": int(runs_per_day),
        "airflow_seconds_per_day": round(per_run * runs_per_day),
    }
    print(f"Airflow adds {per_run:.1f} s per feed_poll run (median of {args.runs}); "
          f"{int(runs_per_day)} runs a day: {per_run * runs_per_day:.0f} s a day")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
