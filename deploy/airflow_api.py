"""A small client of Airflow's REST API v2: token, unpause, trigger, wait, task instances."""

from __future__ import annotations

import time
from typing import Any

import requests

FINISHED = {"success", "failed"}


class AirflowAPI:
    """Talks to one api-server with a JWT from ``POST /auth/token`` (simple auth manager)."""

    def __init__(self, base_url: str, username: str, password: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.username = username
        self.password = password
        self.timeout = timeout
        self.session = requests.Session()
        self.session.trust_env = False  # loopback only: never through a proxy

    def login(self) -> None:
        """Get a fresh access token."""
        resp = self.session.post(
            f"{self.base_url}/auth/token",
            json={"username": self.username, "password": self.password},
            timeout=self.timeout,
        )
        resp.raise_for_status()
        token = resp.json()["access_token"]
        self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Call ``/api/v2{path}``; logs in again once when the token was refused."""
        kwargs.setdefault("timeout", self.timeout)
        url = f"{self.base_url}/api/v2{path}"
        resp = self.session.request(method, url, **kwargs)
        if resp.status_code == 401:
            self.login()
            resp = self.session.request(method, url, **kwargs)
        return resp

    def health(self) -> dict[str, Any]:
        """``/api/v2/monitor/health`` (no token needed)."""
        resp = self.session.get(f"{self.base_url}/api/v2/monitor/health", timeout=self.timeout)
        resp.raise_for_status()
        return resp.json()

    def wait_for_dag(self, dag_id: str, timeout: float = 120) -> None:
        """Wait until the dag-processor has parsed ``dag_id``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            resp = self.request("GET", f"/dags/{dag_id}")
            if resp.status_code == 200:
                return
            time.sleep(1)
        errors = self.request("GET", "/importErrors").text[:3000]
        raise TimeoutError(f"DAG {dag_id} not parsed within {timeout} s; import errors: {errors}")

    def set_paused(self, dag_id: str, paused: bool) -> None:
        """Pause or unpause a DAG."""
        resp = self.request("PATCH", f"/dags/{dag_id}", json={"is_paused": paused})
        resp.raise_for_status()

    def trigger(self, dag_id: str, logical_date: str, run_id: str, conf: dict | None = None) -> str:
        """Trigger a run for ``logical_date`` (``YYYY-MM-DD``); returns its run id."""
        resp = self.request(
            "POST",
            f"/dags/{dag_id}/dagRuns",
            json={
                "dag_run_id": run_id,
                "logical_date": f"{logical_date}T00:00:00Z",
                "conf": conf or {},
            },
        )
        if resp.status_code >= 400:
            raise RuntimeError(f"trigger {dag_id} failed: {resp.status_code} {resp.text[:2000]}")
        return resp.json()["dag_run_id"]

    def run_state(self, dag_id: str, run_id: str) -> str:
        """The state of a DAG run."""
        resp = self.request("GET", f"/dags/{dag_id}/dagRuns/{run_id}")
        resp.raise_for_status()
        return resp.json()["state"]

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float) -> str:
        """Poll until the run succeeds or fails; returns the final state."""
        deadline = time.monotonic() + timeout
        state = "unknown"
        while time.monotonic() < deadline:
            try:
                state = self.run_state(dag_id, run_id)
            except requests.RequestException:
                state = "unreachable"
            if state in FINISHED:
                return state
            time.sleep(1)
        raise TimeoutError(f"run {run_id} of {dag_id} still {state} after {timeout} s")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict[str, Any]]:
        """Every task instance of a run, mapped ones included."""
        out: list[dict[str, Any]] = []
        while True:
            resp = self.request(
                "GET",
                f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances",
                params={"limit": 100, "offset": len(out)},
            )
            resp.raise_for_status()
            page = resp.json()
            out.extend(page["task_instances"])
            if not page["task_instances"] or len(out) >= page["total_entries"]:
                return out

    def clear_run(self, dag_id: str, run_id: str) -> None:
        """Clear every task of a run so that the scheduler runs it again."""
        resp = self.request(
            "POST",
            f"/dags/{dag_id}/clearTaskInstances",
            json={"dry_run": False, "dag_run_id": run_id, "reset_dag_runs": True,
                  "only_failed": False},
        )
        if resp.status_code >= 400:
            raise RuntimeError(f"clear {run_id} failed: {resp.status_code} {resp.text[:2000]}")
