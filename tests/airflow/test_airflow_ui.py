"""``make demo`` backfills news_ingest through Airflow's scheduler and stops every service it
started; ``make airflow`` then serves its runs on 127.0.0.1 as scheduled runs read: run ids
that name the day, run type backfill, wall-clock durations, every task's log through the
REST API; headless Chromium sees the DAG list, a run's grid and a task's log there."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cdp_browser import CHROMIUM, Browser

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1500),
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "airflow-ui"
DAYS = ("2022-04-01", "2022-04-02", "2022-04-03")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def airflow(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(REPO / ".venv" / "bin" / "airflow"), *args], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def api(url: str, token: str, method: str = "GET", body: dict | None = None) -> dict:
    request = urllib.request.Request(
        url, method=method, data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def stamp(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass
class DemoAirflow:
    """``make airflow`` serving the AIRFLOW_HOME ``make demo`` filled."""

    url: str
    token: str
    env: dict[str, str]
    demo_output: str
    demo_started: datetime


def start_make_airflow(env: dict[str, str], port: int) -> tuple[subprocess.Popen, str, str]:
    """Start ``make airflow``; wait for its login line; return it, its URL and a token."""
    proc = subprocess.Popen(["make", "--no-print-directory", "airflow"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines: list[str] = []
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and not any("log in as" in x for x in lines):
        line = proc.stdout.readline()
        assert line, "make airflow stopped:\n" + "".join(lines)
        lines.append(line)
    url = f"http://127.0.0.1:{port}"
    assert f"Airflow UI: {url}" in "".join(lines)
    login = re.search(r"log in as: (\S+)  password: (\S+)", "".join(lines))
    assert login, lines
    listening = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
    ours = [row.split()[3] for row in listening.splitlines() if row.split()[3].endswith(
        f":{port}")]
    assert ours and all(a.startswith("127.0.0.1:") for a in ours), ours
    request = urllib.request.Request(
        f"{url}/auth/token", data=json.dumps({"username": login.group(1),
                                              "password": login.group(2)}).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        token = json.load(response)["access_token"]
    return proc, url, token


@pytest.fixture(scope="module")
def demo_airflow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoAirflow]:
    """``make demo`` into a fresh AIRFLOW_HOME and lake, then ``make airflow`` on them."""
    base = tmp_path_factory.mktemp("demo")
    home, port = base / "airflow", free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "NEWSLAKE_"))}
    env.update(AIRFLOW_HOME=str(home), NEWSLAKE_LAKE=str(base / "lake"))
    started = datetime.now(UTC)
    demo = subprocess.Popen(["make", "--no-print-directory", "demo"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    output = demo.communicate(timeout=1200)[0]
    assert demo.returncode == 0, output[-5000:]
    try:  # every service make demo started stopped with it
        os.killpg(demo.pid, 0)
        left = subprocess.run(["ps", "-o", "pid,args", "--no-headers", "-s", str(demo.pid)],
                              capture_output=True, text=True).stdout
        os.killpg(demo.pid, signal.SIGKILL)
        pytest.fail(f"make demo left processes running:\n{left}")
    except ProcessLookupError:
        pass

    env.update(AIRFLOW_PORT=str(port), AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5")
    proc, url, token = start_make_airflow(env, port)
    try:
        yield DemoAirflow(url, token, env, output, started)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):  # idle executor workers outlive SIGTERM
            os.killpg(proc.pid, signal.SIGKILL)


def test_make_demo_prints_each_day_and_the_report(demo_airflow: DemoAirflow) -> None:
    out = demo_airflow.demo_output
    for day in DAYS:
        assert re.search(rf"^news_ingest {day}: success \(\d+ s, run backfill__{day}T00:00:00"
                         rf"\+00:00, task logs: \S+\)$", out, re.M), out
    for section in ("== Articles and stories per day", "== Data Docs"):
        assert section in out, out
    assert re.search(r"^make demo took \d+ s$", out, re.M), out


def test_demo_runs_read_like_scheduled_runs(demo_airflow: DemoAirflow) -> None:
    url, token = demo_airflow.url, demo_airflow.token
    dag = f"{url}/api/v2/dags/news_ingest"
    runs = api(f"{dag}/dagRuns?order_by=logical_date", token)["dag_runs"]
    ids = [r["dag_run_id"] for r in runs]
    assert ids == [f"backfill__{d}T00:00:00+00:00" for d in DAYS], runs
    for day, run in zip(DAYS, runs, strict=True):
        assert run["run_type"] == "backfill" and run["state"] == "success", run
        assert run["logical_date"].startswith(day), run
        begun, ended = stamp(run["start_date"]), stamp(run["end_date"])
        assert demo_airflow.demo_started - timedelta(minutes=1) < begun < ended, run
        assert ended - begun < timedelta(hours=1), run

        run_url = f"{dag}/dagRuns/{urllib.parse.quote(run['dag_run_id'])}"
        tis = api(f"{run_url}/taskInstances?limit=100", token)
        assert tis["total_entries"] == len(tis["task_instances"]) >= 10, tis
        tasks = {ti["task_id"] for ti in tis["task_instances"]}
        assert {"close_frontier", "discover", "fetch", "validate", "publish"} <= tasks, tasks
        for ti in tis["task_instances"]:
            assert ti["state"] == "success", ti
            assert ti["try_number"] >= 1, ti
            query = urllib.parse.urlencode({"map_index": ti["map_index"]})
            log = api(f"{run_url}/taskInstances/{ti['task_id']}/logs/{ti['try_number']}?{query}",
                      token)
            text = json.dumps(log["content"])
            where = f"{run['dag_run_id']} {ti['task_id']}[{ti['map_index']}]"
            assert "Could not read served logs" not in text, (where, text[:2000])
            assert "Done. Returned value was" in text, (where, text[:2000])

    # the DAG ends on the demo's last day: unpaused, it gets no run for any later day
    model = api(dag, token)
    assert model["is_paused"] and model["next_dagrun_logical_date"] is None, model
    api(dag, token, "PATCH", {"is_paused": False})
    try:
        time.sleep(20)  # several scheduler loops
        after = api(f"{dag}/dagRuns", token)["dag_runs"]
        assert sorted(r["dag_run_id"] for r in after) == ids, after
    finally:
        api(dag, token, "PATCH", {"is_paused": True})


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                             "(make test-tools installs it)")
def test_make_airflow_serves_the_runs_to_a_browser(demo_airflow: DemoAirflow,
                                                   tmp_path: Path) -> None:
    url, token, env = demo_airflow.url, demo_airflow.token, demo_airflow.env
    # a run of make airflow's own scheduler: its task logs are files the UI reads
    run_env = dict(env, AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"),
                   AIRFLOW__CORE__PLUGINS_FOLDER=str(REPO / "plugins"),
                   AIRFLOW__CORE__LOAD_EXAMPLES="False", PYTHONWARNINGS="ignore")
    for _ in range(120):
        if "lake_maintenance" in airflow(run_env, "dags", "list", "-o", "plain"):
            break
        time.sleep(5)
    airflow(run_env, "dags", "unpause", "lake_maintenance")
    run_id = "manual__2022-04-03T00:00:00+00:00"
    airflow(run_env, "dags", "trigger", "lake_maintenance", "--run-id", run_id,
            "--logical-date", "2022-04-03T00:00:00+00:00")
    state = ""
    for _ in range(180):
        try:
            state = api(f"{url}/api/v2/dags/lake_maintenance/dagRuns/{run_id}", token)["state"]
        except (TimeoutError, urllib.error.URLError):  # a busy machine: ask again
            state = ""
        if state in ("success", "failed"):
            break
        time.sleep(5)
    assert state == "success"

    demo_run = f"backfill__{DAYS[-1]}T00:00:00+00:00"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with Browser(tmp_path / "profile") as browser:
        browser.set_cookie(url, "_token", token)
        dags = browser.open(f"{url}/dags", ["news_ingest", "lake_maintenance",
                                            "warc_import"], ARTIFACTS / "dags.png")
        assert {"news_ingest", "lake_maintenance", "warc_import"} <= set(dags.split()), dags
        grid = browser.open(f"{url}/dags/news_ingest/runs/{demo_run}",
                            ["close_frontier", "validate"], ARTIFACTS / "grid.png")
        assert "close_frontier" in grid and "validate" in grid, grid
        log = browser.open(f"{url}/dags/news_ingest/runs/{demo_run}/tasks/validate",
                           ["Data Docs:"], ARTIFACTS / "log.png")
        assert "Could not read served logs" not in log
        assert "Data Docs:" in log, log
        log = browser.open(f"{url}/dags/lake_maintenance/runs/{run_id}/tasks/record_stats",
                           ["Done. Returned value"], ARTIFACTS / "maintenance-log.png")
        assert "Could not read served logs" not in log
        assert "Done. Returned value" in log, log
