"""Airflow's distributed set-up of newslake as native processes on one machine.

The same components as docker-compose.yaml (init, api-server, scheduler, dag-processor,
triggerer, N Celery workers) run as process groups against the PostgreSQL and Redis on
127.0.0.1, configured by the shared settings of ``deploy/airflow.env`` plus the
per-deployment ones (addresses, paths, secrets) generated here. Each cluster uses a fresh
PostgreSQL database and an empty Redis database number, both removed by :meth:`stop`.

    python deploy/cluster.py up --workers 2      # start, print the UI address, Ctrl-C stops
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEPLOY = Path(__file__).resolve().parent
REPO = DEPLOY.parent
SHARED_ENV = DEPLOY / "airflow.env"
PG_DSN = "postgres@127.0.0.1:5432"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
if str(DEPLOY) not in sys.path:
    sys.path.insert(0, str(DEPLOY))  # sibling module airflow_api

DEPLOYMENT_KEYS = frozenset({
    "AIRFLOW__CORE__DAGS_FOLDER",
    "AIRFLOW__CORE__PLUGINS_FOLDER",
    "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
    "AIRFLOW__CELERY__BROKER_URL",
    "AIRFLOW__CELERY__RESULT_BACKEND",
    "AIRFLOW__CORE__EXECUTION_API_SERVER_URL",
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__API__SECRET_KEY",
    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE",
})
"""Settings every deployment sets itself (compose from .env, native here): not in airflow.env."""

SECRET_KEYS = frozenset({
    "AIRFLOW__CORE__FERNET_KEY",
    "AIRFLOW__API_AUTH__JWT_SECRET",
    "AIRFLOW__API__SECRET_KEY",
})

NATIVE_ONLY_KEYS = frozenset({
    "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT",
    "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT",
    "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT",
})
"""Ports that must differ between components sharing one host (containers keep defaults)."""

COMPONENT_COMMANDS: dict[str, list[str]] = {
    "api-server": ["api-server"],
    "scheduler": ["scheduler"],
    "dag-processor": ["dag-processor"],
    "triggerer": ["triggerer"],
    "worker": ["celery", "worker"],
}
"""The long-running Airflow components (as ``airflow`` sub-commands); compose runs the same."""


def load_env_file(path: Path = SHARED_ENV) -> dict[str, str]:
    """``KEY=VALUE`` lines of an env file (comments and blank lines skipped)."""
    out: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM when the launching process dies (Linux)."""
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _pg(sql: str) -> None:
    import psycopg2

    conn = psycopg2.connect(f"postgresql://{PG_DSN}/postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def _free_redis_db() -> int:
    import redis

    for n in range(15, 0, -1):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=n)
        if client.dbsize() == 0 and client.set("newslake:cluster:claim", "1", nx=True):
            return n
    raise RuntimeError("no empty Redis database number in 1..15")


@dataclass
class Component:
    """One running Airflow process group."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).with_name("airflow")), *self.args],
                env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True, cwd=str(REPO), preexec_fn=_die_with_parent,
            )

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def pids(self) -> set[int]:
        """The group leader and all its descendants."""
        import psutil

        if not self.alive():
            return set()
        try:
            root = psutil.Process(self.proc.pid)
            return {root.pid, *(c.pid for c in root.children(recursive=True))}
        except psutil.NoSuchProcess:
            return set()

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (and stray descendants) with ``sig``."""
        if self.proc is None:
            return
        pids = self.pids()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)

    def stop(self, grace: float = 15) -> None:
        """SIGTERM the group, then SIGKILL whatever is left after ``grace`` seconds."""
        if self.proc is None:
            return
        pids = self.pids()
        if self.alive():
            self.kill(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(grace)
        self.kill(signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(10)

    def tail(self, n: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-n:])


@dataclass
class NativeCluster:
    """The distributed set-up as local processes; use as a context manager."""

    home: Path
    workers: int = 2
    concurrency: int | None = None
    dags_folder: Path = REPO / "dags"
    plugins_folder: Path = REPO / "plugins"
    extra_env: dict[str, str] = field(default_factory=dict)
    components: dict[str, Component] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.home = Path(self.home)
        self.database = f"newslake_{uuid.uuid4().hex[:12]}"
        self.redis_db: int | None = None
        self.api_port = free_port()
        self.password = secrets.token_urlsafe(18)
        self.env = self._environment()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def _environment(self) -> dict[str, str]:
        from cryptography.fernet import Fernet

        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AIRFLOW") and not k.startswith("NEWSLAKE_")}
        env.update(load_env_file())
        db = f"{PG_DSN}/{self.database}"
        env.update({
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(self.plugins_folder),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{db}",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://{db}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.api_url}/execution/",
            "AIRFLOW__CORE__FERNET_KEY": Fernet.generate_key().decode(),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(
                self.home / "secrets" / "passwords.json"),
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(free_port()),
            "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
            "AIRFLOW_ADMIN_PASSWORD": self.password,
            "PYTHONWARNINGS": "ignore",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        })
        if self.concurrency:
            env["AIRFLOW__CELERY__WORKER_CONCURRENCY"] = str(self.concurrency)
        env.update(self.extra_env)
        return env

    # -- life cycle -------------------------------------------------------------------------

    def __enter__(self) -> NativeCluster:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def start(self, timeout: float = 180) -> None:
        """Create the database, run deploy/init.sh, start every component, wait until healthy."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.redis_db = _free_redis_db()
        self.env["AIRFLOW__CELERY__BROKER_URL"] = (
            f"redis://{REDIS_HOST}:{REDIS_PORT}/{self.redis_db}")
        _pg(f'CREATE DATABASE "{self.database}"')
        init = subprocess.run(["bash", str(DEPLOY / "init.sh")], env=self.env, cwd=str(REPO),
                              capture_output=True, text=True, timeout=300)
        if init.returncode != 0:
            raise RuntimeError(f"deploy/init.sh failed:\n{(init.stdout + init.stderr)[-4000:]}")
        self._add("api-server", [*COMPONENT_COMMANDS["api-server"], "--port",
                                 str(self.api_port), "--host", "127.0.0.1"])
        for name in ("scheduler", "dag-processor", "triggerer"):
            self._add(name, COMPONENT_COMMANDS[name])
        for n in range(1, self.workers + 1):
            self.add_worker(n, start=False)
        for comp in self.components.values():
            comp.start()
        self.wait_healthy(timeout)

    def _add(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Component:
        comp = Component(name, args, env or self.env, self.home / f"{name}.log")
        self.components[name] = comp
        return comp

    def add_worker(self, n: int, start: bool = True) -> Component:
        """A Celery worker ``worker-<n>`` with its own hostname and log-server port."""
        env = dict(self.env, AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT=str(free_port()))
        comp = self._add(f"worker-{n}", [*COMPONENT_COMMANDS["worker"], "--celery-hostname",
                                         f"worker{n}@%h"], env)
        if start:
            comp.start()
        return comp

    def worker_names(self) -> list[str]:
        return [n for n in self.components if n.startswith("worker-")]

    def wait_healthy(self, timeout: float = 180) -> None:
        """Wait until the api-server reports every job healthy and every worker is ready."""
        from airflow_api import AirflowAPI

        api = AirflowAPI(self.api_url, "admin", self.password)
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            dead = [c.name for c in self.components.values() if not c.alive()]
            if dead:
                raise RuntimeError(f"{dead} exited:\n" + "\n".join(
                    f"--- {n}\n{self.components[n].tail()}" for n in dead))
            try:
                last = api.health()
                jobs_ok = all(last.get(k, {}).get("status") == "healthy"
                              for k in ("metadatabase", "scheduler", "triggerer", "dag_processor"))
            except Exception as exc:  # noqa: BLE001 - not up yet
                last, jobs_ok = repr(exc), False
            if jobs_ok and self.ready_workers() >= {
                    f"worker{w.split('-')[1]}@" for w in self.worker_names()}:
                return
            time.sleep(1)
        raise TimeoutError(f"cluster not healthy after {timeout} s: {last}")

    def ready_workers(self) -> set[str]:
        """Celery workers answering a broadcast ping, as ``worker<n>@`` prefixes."""
        from celery import Celery

        app = Celery(broker=self.env["AIRFLOW__CELERY__BROKER_URL"])
        try:
            replies = app.control.ping(timeout=1.0)
        except Exception:  # noqa: BLE001 - broker not reachable yet
            return set()
        finally:
            app.close()
        return {name.split("@")[0] + "@" for reply in replies for name in reply}

    def restart(self, name: str, sig: int = signal.SIGTERM) -> None:
        """Stop a component (SIGTERM: clean stop, SIGKILL: crash) and start it again."""
        comp = self.components[name]
        if sig == signal.SIGKILL:
            comp.kill(signal.SIGKILL)
            comp.proc.wait(10)
        else:
            comp.stop()
        comp.start()

    def api(self) -> Any:
        """A logged-in :class:`airflow_api.AirflowAPI` as user admin."""
        from airflow_api import AirflowAPI

        api = AirflowAPI(self.api_url, "admin", self.password)
        api.login()
        return api

    def logs(self, n: int = 30) -> str:
        """The last lines of every component's log, for failure messages."""
        return "\n".join(f"--- {c.name}\n{c.tail(n)}" for c in self.components.values())

    def stop(self) -> None:
        """Stop every component, drop the database, empty the Redis database."""
        comps = list(self.components.values())
        pids = {c.name: c.pids() for c in comps}
        for comp in comps:  # SIGTERM all at once, so that they shut down in parallel
            if comp.alive():
                comp.kill(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for comp in comps:
            with contextlib.suppress(Exception):
                comp.proc.wait(max(0.1, deadline - time.monotonic()))
        for comp in comps:
            with contextlib.suppress(Exception):
                comp.stop(grace=0)
            for pid in pids[comp.name]:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            _pg(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        if self.redis_db is not None:
            import redis

            with contextlib.suppress(Exception):
                redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=self.redis_db).flushdb()
            self.redis_db = None


def main(argv: list[str] | None = None) -> int:
    """``up``: run a native cluster until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--home", default=str(REPO / ".airflow" / "cluster"))
    args = parser.parse_args(argv)
    extra = {k: v for k, v in os.environ.items() if k.startswith("NEWSLAKE_")}
    with NativeCluster(Path(args.home), workers=args.workers, extra_env=extra) as cluster:
        print(f"Airflow UI: {cluster.api_url}  user admin  password {cluster.password}")
        print(f"logs: {cluster.home}/*.log   Ctrl-C stops everything")
        with contextlib.suppress(KeyboardInterrupt):
            while all(c.alive() for c in cluster.components.values()):
                time.sleep(2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
