"""``make airflow`` serves the Airflow UI on 127.0.0.1, and headless Chromium sees the DAG
list, a run's grid and a task's log there."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cdp_browser import CHROMIUM, Browser

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1500),
]
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "airflow-ui"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def airflow(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(REPO / ".venv" / "bin" / "airflow"), *args], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def api(url: str, token: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed "
                                             "(make test-tools installs it)")
def test_make_airflow_serves_the_runs_to_a_browser(demo_lake: Path, tmp_path: Path) -> None:
    home, port = tmp_path / "airflow", free_port()
    lake = tmp_path / "lake"
    shutil.copytree(demo_lake, lake)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "NEWSLAKE_"))}
    env.update(AIRFLOW_HOME=str(home), AIRFLOW_PORT=str(port), NEWSLAKE_LAKE=str(lake),
               AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL="5")
    proc = subprocess.Popen(["make", "--no-print-directory", "airflow"], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        lines = []
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

        # a real run through the scheduler: its task logs are files the UI reads
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
                state = api(f"{url}/api/v2/dags/lake_maintenance/dagRuns/{run_id}",
                            token)["state"]
            except (TimeoutError, urllib.error.URLError):  # a busy machine: ask again
                state = ""
            if state in ("success", "failed"):
                break
            time.sleep(5)
        assert state == "success"

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with Browser(tmp_path / "profile") as browser:
            browser.set_cookie(url, "_token", token)
            dags = browser.open(f"{url}/dags", ["news_ingest", "lake_maintenance",
                                                "warc_import"], ARTIFACTS / "dags.png")
            assert {"news_ingest", "lake_maintenance", "warc_import"} <= set(dags.split()), dags
            grid = browser.open(f"{url}/dags/lake_maintenance/runs/{run_id}",
                                ["record_stats", "compact"], ARTIFACTS / "grid.png")
            assert "record_stats" in grid and "compact" in grid, grid
            log = browser.open(f"{url}/dags/lake_maintenance/runs/{run_id}/tasks/record_stats",
                               ["Done. Returned value"], ARTIFACTS / "log.png")
            assert "Could not read served logs" not in log
            assert "Done. Returned value" in log, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=60)
        with contextlib.suppress(ProcessLookupError):  # idle executor workers outlive SIGTERM
            os.killpg(proc.pid, signal.SIGKILL)
