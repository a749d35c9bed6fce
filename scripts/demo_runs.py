"""Follow the runs of the latest ``news_ingest`` backfill in Airflow's metadata DB until they end.

``python scripts/demo_runs.py`` prints one line per day as its run finishes (run id, wall
time, the run's task log folder) and exits 0 once every day succeeded, 1 as soon as one
failed (with the end of its failed tasks' logs), was not created, when a process named by
``--service PID`` (the scheduler, the API) stopped, or when ``--timeout`` passes. With
``--completed`` it waits instead until the scheduler has marked the backfill completed
(it checks every 30 s), so that the next backfill of the DAG may start.
Reads the database of ``$AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` (else
``$AIRFLOW_HOME/airflow.db``) through SQLAlchemy: it starts in a fraction of a second, where
an ``airflow`` command takes several.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

DAG_ID = "news_ingest"
RUNS = text(
    "SELECT b.logical_date, b.exception_reason, r.run_id, r.state, r.start_date, r.end_date "
    "FROM backfill_dag_run b LEFT JOIN dag_run r ON r.id = b.dag_run_id "
    "WHERE b.backfill_id = (SELECT max(id) FROM backfill WHERE dag_id = :dag) "
    "ORDER BY b.sort_ordinal"
)
COMPLETED = text("SELECT completed_at FROM backfill WHERE dag_id = :dag ORDER BY id DESC LIMIT 1")
FAILED_TASKS = text(
    "SELECT task_id, map_index, try_number FROM task_instance "
    "WHERE dag_id = :dag AND run_id = :run AND state IN ('failed', 'upstream_failed')"
)


def utc(value: datetime | str | None) -> datetime | None:
    """A metadata DB timestamp (SQLite returns text) as an aware UTC datetime."""
    if value is None:
        return None
    stamp = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def log_dir(home: Path, run: str) -> Path:
    """The folder of the run's task logs (Airflow's default log file template)."""
    return home / "logs" / f"dag_id={DAG_ID}" / f"run_id={run}"


def failed_logs(engine, home: Path, run: str) -> list[Path]:
    """The log files of the run's failed tasks."""
    with engine.connect() as conn:
        rows = conn.execute(FAILED_TASKS, {"dag": DAG_ID, "run": run}).all()
    paths = []
    for task_id, map_index, try_number in rows:
        folder = log_dir(home, run) / f"task_id={task_id}"
        if map_index is not None and map_index >= 0:
            folder /= f"map_index={map_index}"
        paths.append(folder / f"attempt={max(try_number, 1)}.log")
    return [p for p in paths if p.exists()]


def readable(line: str) -> str:
    """One line of a task log (JSON lines) as ``time level event``, with any error."""
    try:
        record = json.loads(line)
    except ValueError:
        return line
    text = f"{record.get('timestamp', '')} {record.get('level', '')} {record.get('event', '')}"
    if "error_detail" in record:
        text += f"\n{json.dumps(record['error_detail'], indent=1)}"
    return text


def stopped(pids: list[int]) -> list[int]:
    """The processes of ``pids`` that no longer run."""
    gone = []
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            gone.append(pid)
    return gone


def follow(timeout: float, home: Path, engine, services: list[int]) -> int:
    """Print each day's line as its run ends; 0 when all succeeded, else 1."""
    reported: set[str] = set()
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            rows = conn.execute(RUNS, {"dag": DAG_ID}).all()
        if not rows:
            print(f"{DAG_ID}: no backfill found", file=sys.stderr)
            return 1
        for logical, reason, run, state, started, ended in rows:
            day = utc(logical).date()
            if run is None:
                print(f"{DAG_ID} {day}: no run ({reason})", file=sys.stderr)
                return 1
            if run in reported or state not in ("success", "failed") or ended is None:
                continue
            reported.add(run)
            seconds = round((utc(ended) - utc(started)).total_seconds())
            where = log_dir(home, run)
            if state == "failed":
                print(f"{DAG_ID} {day}: FAILED (run {run}, task logs: {where})", file=sys.stderr)
                for path in failed_logs(engine, home, run):
                    print(f"--- {path}", file=sys.stderr)
                    lines = path.read_text(errors="replace").splitlines()
                    print("\n".join(readable(x) for x in lines[-40:]), file=sys.stderr)
                return 1
            print(f"{DAG_ID} {day}: success ({seconds} s, run {run}, task logs: {where})",
                  flush=True)
        if len(reported) == len(rows):
            return 0
        if time.monotonic() > deadline:
            print(f"{DAG_ID}: not done after {timeout:.0f} s", file=sys.stderr)
            return 1
        if gone := stopped(services):
            print(f"{DAG_ID}: a service stopped (pid {gone[0]})", file=sys.stderr)
            return 1
        time.sleep(1)


def completed(timeout: float, engine, services: list[int]) -> int:
    """Wait until the latest backfill is marked completed: 0, else 1."""
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as conn:
            if conn.execute(COMPLETED, {"dag": DAG_ID}).scalar() is not None:
                return 0
        if time.monotonic() > deadline or stopped(services):
            print(f"{DAG_ID}: the backfill was not marked completed", file=sys.stderr)
            return 1
        time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--completed", action="store_true",
                        help="wait until the backfill is marked completed")
    parser.add_argument("--service", type=int, action="append", default=[], metavar="PID",
                        help="a process the runs need; stop when it stops")
    args = parser.parse_args(argv)
    home = Path(os.environ["AIRFLOW_HOME"])
    url = os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN") or f"sqlite:///{home}/airflow.db"
    engine = create_engine(url)
    if args.completed:
        return completed(args.timeout, engine, args.service)
    return follow(args.timeout, home, engine, args.service)


if __name__ == "__main__":
    sys.exit(main())
