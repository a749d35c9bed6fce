"""news_ingest on Airflow's CeleryExecutor: real components as processes, PostgreSQL and Redis.

One cluster (deploy/cluster.py: api-server, scheduler, dag-processor, triggerer, two Celery
workers; a fresh PostgreSQL database, an empty Redis database) runs one day of the demo web
triggered through the REST API. While fetch or extract tasks run, the worker running one of
them is SIGKILLed (with its whole process group) and the scheduler is restarted: the run must
still succeed through task retries, and its lake must hold exactly the articles of an
undisturbed in-process run of the same day (``newslake ingest``), without duplicates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "deploy"))

from cluster import NativeCluster  # noqa: E402

pytestmark = [pytest.mark.distributed, pytest.mark.timeout(900), pytest.mark.slow]

DAG_ID = "news_ingest"
DAY = "2022-04-03"
FAULT_TASKS = {"fetch", "extract"}
TEST_SETTINGS = {
    # Faster than the shared defaults of deploy/airflow.env, for a short test only.
    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "20",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
    # Only the runs this test triggers: no scheduled run of "today" beside them.
    "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
    "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
}


def _services_up() -> str | None:
    """Why PostgreSQL/Redis on 127.0.0.1 cannot be used, or None."""
    try:
        import psycopg2
        import redis

        psycopg2.connect("postgresql://postgres@127.0.0.1:5432/postgres").close()
        redis.Redis(host="127.0.0.1", port=6379).ping()
    except Exception as exc:  # noqa: BLE001 - reported in the failure message
        return f"{type(exc).__name__}: {exc}"
    return None


def _celery_provider_problem() -> str | None:
    """Why Airflow's Celery provider cannot load with the installed celery, or None."""
    try:
        import airflow.providers.celery.executors.celery_executor_utils  # noqa: F401
    except ImportError as exc:
        from importlib.metadata import version

        return (f"apache-airflow-providers-celery {version('apache-airflow-providers-celery')} "
                f"does not load with celery {version('celery')}: {exc}")
    return None


@pytest.fixture(scope="module")
def newslake_env(demo_address, tmp_path_factory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("distributed")
    return {
        "NEWSLAKE_LAKE": str(root / "lake"),
        "NEWSLAKE_SOURCES": str(REPO / "include" / "newslake_demo" / "sources.yaml"),
        "NEWSLAKE_DEMO_ADDR": demo_address,
    }


@pytest.fixture(scope="module")
def reference_lake(newslake_env, tmp_path_factory):
    """An undisturbed in-process run of DAY, started at once, run while the cluster starts."""
    lake = tmp_path_factory.mktemp("reference") / "lake"
    env = dict(os.environ, **newslake_env, PYTHONWARNINGS="ignore")
    env.pop("NEWSLAKE_LAKE")
    log = lake.parent / "ingest.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("newslake")), "ingest", "--date", DAY,
             "--sources", newslake_env["NEWSLAKE_SOURCES"], "--lake", str(lake)],
            env=env, stdout=out, stderr=subprocess.STDOUT, cwd=str(REPO),
        )

    def wait() -> Path:
        rc = proc.wait(600)
        assert rc == 0, log.read_text()[-4000:]
        return lake

    yield wait
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def cluster(newslake_env, reference_lake, tmp_path_factory):
    problem = _services_up()
    assert problem is None, (
        f"PostgreSQL/Redis on 127.0.0.1 not reachable ({problem}); start them: .ci/services.sh")
    problem = _celery_provider_problem()
    assert problem is None, problem
    home = tmp_path_factory.mktemp("airflow")
    cl = NativeCluster(home, workers=2, concurrency=2,
                       extra_env={**newslake_env, **TEST_SETTINGS})
    try:
        cl.start()
        yield cl
    finally:
        pids = set().union(*(c.pids() for c in cl.components.values()))
        cl.stop()
        _assert_all_stopped(cl, pids)


def _assert_all_stopped(cl: NativeCluster, pids: set[int]) -> None:
    import psutil
    import psycopg2

    alive = [p for p in pids if psutil.pid_exists(p)
             and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
    assert not alive, f"processes left running: {alive}"
    conn = psycopg2.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (cl.database,))
            assert cur.fetchone() is None, f"database {cl.database} not dropped"
    finally:
        conn.close()


def _victim(cl: NativeCluster, api, run_id: str, deadline: float) -> tuple[str, dict]:
    """Wait until a fetch/extract task runs; return its worker's name and the task instance."""
    seen: set[str] = set()
    while time.monotonic() < deadline:
        tis = api.task_instances(DAG_ID, run_id)
        for ti in tis:
            if ti["task_id"] in FAULT_TASKS and ti["state"] == "running" and ti.get("pid"):
                for name in cl.worker_names():
                    if ti["pid"] in cl.components[name].pids():
                        return name, ti
        seen = {f"{t['task_id']}[{t['map_index']}]={t['state']}" for t in tis}
        if api.run_state(DAG_ID, run_id) in {"success", "failed"}:
            break
        time.sleep(0.2)
    raise AssertionError(f"no fetch/extract task seen running on a worker; tasks: {seen}")


@pytest.fixture(scope="module")
def faulted_run(cluster: NativeCluster):
    """Trigger DAY, SIGKILL a worker running fetch/extract, restart the scheduler, wait."""
    api = cluster.api()
    api.wait_for_dag(DAG_ID, timeout=120)
    api.set_paused(DAG_ID, False)
    lake = Path(cluster.env["NEWSLAKE_LAKE"])
    shutil.rmtree(lake, ignore_errors=True)
    run_id = api.trigger(DAG_ID, DAY, run_id=f"faults__{DAY}")
    victim, ti = _victim(cluster, api, run_id, time.monotonic() + 300)
    cluster.components[victim].kill()  # SIGKILL: worker, pool children and task processes
    print(f"SIGKILLed {victim} running {ti['task_id']}[{ti['map_index']}]")
    time.sleep(1)
    assert api.run_state(DAG_ID, run_id) not in {"success", "failed"}, "run ended before restart"
    cluster.restart("scheduler")
    print("scheduler restarted")
    state = api.wait_for_run(DAG_ID, run_id, timeout=420)
    tis = api.task_instances(DAG_ID, run_id)
    return {"state": state, "tis": tis, "victim": victim, "killed_ti": ti, "lake": lake,
            "logs": cluster.logs()}


def test_run_succeeds_after_worker_kill_and_scheduler_restart(faulted_run):
    assert faulted_run["state"] == "success", faulted_run["logs"]
    killed = faulted_run["killed_ti"]
    states = {(t["task_id"], t["map_index"]): t for t in faulted_run["tis"]}
    retried = states[(killed["task_id"], killed["map_index"])]
    assert retried["state"] == "success"
    assert retried["try_number"] >= 2, "the killed task was not retried"
    assert {t["state"] for t in faulted_run["tis"]} == {"success"}


def _articles(lake: Path) -> list[str]:
    from datetime import date

    from newslake.lake import read_table

    rows = read_table(str(lake), "articles", dates=[date.fromisoformat(DAY)],
                      columns=["article_id"])
    return rows["article_id"].to_pylist()


def test_lake_equals_undisturbed_run(faulted_run, reference_lake):
    assert faulted_run["state"] == "success", "run failed; see the test above"
    expected = _articles(reference_lake())
    got = _articles(faulted_run["lake"])
    assert expected, "the undisturbed run published no article"
    assert len(got) == len(set(got)), "duplicate article_id after the faults"
    assert set(got) == set(expected), (
        f"missing {sorted(set(expected) - set(got))[:10]}, "
        f"extra {sorted(set(got) - set(expected))[:10]}")
