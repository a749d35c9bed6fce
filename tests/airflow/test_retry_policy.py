"""The retry policy of ``newslake_airflow.tasks.stage``: transient errors are retried with
backoff, terminal ones fail at once, anything else (a bug) is retried once then fails.

Checked twice: on the wrapper directly, and through Airflow's own task running
(``airflow dags test`` of a DAG whose tasks raise each kind of error).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
from embedded_airflow import embedded_airflow_env
from newslake.exceptions import (
    ConfigError,
    FeedParseError,
    FetchFailure,
    NewslakeError,
    StageFailed,
)

tasks = pytest.importorskip("newslake_airflow.tasks")
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException  # noqa: E402

AIRFLOW = Path(sys.executable).with_name("airflow")


def _raising(error: BaseException):
    @tasks.stage
    def body() -> None:
        raise error

    return body


@pytest.fixture
def try_number(monkeypatch):
    """Set the try number the wrapper sees (Airflow's ``ti.try_number``)."""
    def set_try(n: int) -> None:
        monkeypatch.setattr(tasks, "_try_number", lambda: n)

    set_try(1)
    return set_try


@pytest.mark.parametrize("error", [
    FetchFailure("timeout", "read timed out"),
    FetchFailure("http_5xx", "503 Service Unavailable", 1.0),
    FetchFailure("http_429", "429 Too Many Requests"),
    FetchFailure("connect", "connection refused"),
], ids=lambda e: type(e).__name__)
def test_transient_error_is_reraised_for_airflow_to_retry(try_number, error) -> None:
    for attempt in (1, 2, 4):
        try_number(attempt)
        with pytest.raises(type(error)) as caught:
            _raising(error)()
        assert caught.value is error


@pytest.mark.parametrize("error", [
    ConfigError("sources.yaml: line 4: sources[0].url: expected an http(s) URL"),
    StageFailed("validate", "batch failed validation"),
    StageFailed("discover", "all 3 sources failed"),
    FeedParseError("invalid XML"),
    FetchFailure("http_4xx", "404 Not Found"),
], ids=lambda e: f"{type(e).__name__}-{e}"[:40])
def test_terminal_error_fails_at_once(try_number, error) -> None:
    with pytest.raises(AirflowFailException) as caught:
        _raising(error)()
    assert caught.value.__cause__ is error
    assert str(error) in str(caught.value)


@pytest.mark.parametrize("error", [KeyError("url"), OSError("disk full"),
                                   NewslakeError("no marker")],
                         ids=lambda e: type(e).__name__)
def test_bug_is_retried_once_then_fails_with_its_traceback(try_number, error) -> None:
    try_number(1)
    with pytest.raises(type(error)) as first:
        _raising(error)()
    assert first.value is error  # plain re-raise: Airflow retries it
    try_number(2)
    with pytest.raises(AirflowFailException) as second:
        _raising(error)()
    assert second.value.__cause__ is error  # Airflow logs the chained traceback
    assert "try 2" in str(second.value)


def test_airflow_exceptions_pass_through(try_number) -> None:
    with pytest.raises(AirflowSkipException):
        _raising(AirflowSkipException("nothing to do"))()


def test_return_value_passes_through() -> None:
    assert tasks.stage(lambda x: x + 1)(41) == 42


def test_default_args_back_off_exponentially() -> None:
    args = tasks.DEFAULT_ARGS
    assert args["retries"] >= 2 > tasks.BUG_RETRIES
    assert args["retry_delay"] > timedelta(0) and args["retry_exponential_backoff"] > 1
    assert args["max_retry_delay"] >= args["retry_delay"]


_DAG = '''
"""Tasks raising one kind of error each, to watch the retry policy under Airflow."""
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import dag, task
from newslake_airflow.tasks import DEFAULT_ARGS, stage

TRIES = Path(__file__).with_name("tries")


def attempt(name: str) -> int:
    TRIES.mkdir(exist_ok=True)
    with open(TRIES / name, "a") as f:
        f.write("x")
    return len((TRIES / name).read_text())


@dag(dag_id="retry_policy", schedule=None, start_date=datetime(2024, 1, 1), catchup=False,
     default_args={**DEFAULT_ARGS, "retry_delay": timedelta(0), "max_retry_delay": timedelta(0)})
def retry_policy():
    @task
    @stage
    def transient_then_ok() -> str:
        from newslake.exceptions import FetchFailure
        if attempt("transient_then_ok") < 3:
            raise FetchFailure("http_5xx", "503 Service Unavailable")
        return "ok"

    @task
    @stage
    def transient_always() -> None:
        from newslake.exceptions import FetchFailure
        attempt("transient_always")
        raise FetchFailure("timeout", "read timed out")

    @task
    @stage
    def terminal() -> None:
        from newslake.exceptions import ConfigError
        attempt("terminal")
        raise ConfigError("sources.yaml: line 2: unknown key 'sorces'")

    @task
    @stage
    def stage_failed() -> None:
        from newslake.exceptions import StageFailed
        attempt("stage_failed")
        raise StageFailed("validate", "batch failed validation")

    @task
    @stage
    def bug() -> None:
        attempt("bug")
        raise KeyError("missing_column")

    @task
    @stage
    def bug_once() -> str:
        if attempt("bug_once") == 1:
            raise ConnectionResetError("reset by peer")
        return "ok"

    for t in (transient_then_ok, transient_always, terminal, stage_failed, bug, bug_once):
        t()


retry_policy()
'''


@pytest.mark.slow
def test_retry_policy_under_airflow(tmp_path: Path) -> None:
    dags = tmp_path / "dags"
    dags.mkdir()
    (dags / "retry_policy.py").write_text(textwrap.dedent(_DAG))
    home = tmp_path / "airflow"
    env = embedded_airflow_env(home, AIRFLOW__CORE__DAGS_FOLDER=str(dags))
    proc = subprocess.run([str(AIRFLOW), "dags", "test", "retry_policy", "2024-01-02"], env=env,
                          capture_output=True, text=True, timeout=600)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, "the DAG has failing tasks; dags test must say so"
    with sqlite3.connect(home / "airflow.db") as db:
        rows = db.execute("SELECT task_id, state, try_number FROM task_instance "
                          "WHERE dag_id = 'retry_policy'").fetchall()
    states = {task_id: (state, tries) for task_id, state, tries in rows}
    attempts = {p.name: len(p.read_text()) for p in (dags / "tries").iterdir()}
    retries = tasks.DEFAULT_ARGS["retries"]
    expected = {
        "transient_then_ok": ("success", 3),
        "transient_always": ("failed", retries + 1),
        "terminal": ("failed", 1),
        "stage_failed": ("failed", 1),
        "bug": ("failed", 1 + tasks.BUG_RETRIES),
        "bug_once": ("success", 2),
    }
    got = {name: (states[name][0], attempts[name]) for name in expected}
    assert got == expected, json.dumps({"got": got, "log": log[-4000:]}, indent=1)
    assert "KeyError" in log and "missing_column" in log  # the bug's traceback is in the log
