"""Shared fixtures: repository paths and the shared evaluation data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PLUGINS = REPO / "plugins"
if str(PLUGINS) not in sys.path:
    sys.path.insert(0, str(PLUGINS))


END_TO_END_FIXTURES = frozenset({"demo_lake"})
"""Fixtures that run the whole ingestion: a test using one is marked ``slow``."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests that depend on an end-to-end fixture ``slow`` (``make check`` skips them)."""
    for item in items:
        if END_TO_END_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root."""
    return REPO


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    """``../shared/eval``; tests that need it skip when it is absent."""
    path = Path(os.environ.get("NEWSLAKE_SHARED", REPO.parent / "shared")) / "eval"
    if not path.is_dir():
        pytest.skip(f"evaluation data not found at {path} (it lives in ../shared/eval)")
    return path


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3-compatible server (moto) on 127.0.0.1, for the whole test session."""
    server_mod = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    server = server_mod.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint, monkeypatch):
    """A factory: point the AWS_* variables at the local server and create a bucket."""
    import boto3

    for key, value in {"AWS_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")

    def make(name: str) -> str:
        existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
        if name not in existing:
            client.create_bucket(Bucket=name)
        return f"s3://{name}"

    return make


@pytest.fixture(scope="session")
def demo_address():
    """The offline demo web served on 127.0.0.1 for the whole session: ``host:port``."""
    from newslake_demo import build_site
    from newslake_demo.server import DemoServer

    with DemoServer(build_site()) as server:
        yield server.address



DEMO_DAYS = ("2022-04-01", "2022-04-02", "2022-04-03")
"""The days ``make demo`` ingests."""


@pytest.fixture(scope="session")
def demo_lake(demo_address, tmp_path_factory) -> Path:
    """The lake ``make demo`` builds (its three days ingested in-process from the demo web);
    shared by the whole session, and by every process of a ``pytest -n`` run (the first one
    builds it under a file lock): do not modify it (copy it first)."""
    import fcntl
    from datetime import date

    from newslake.pipeline import ingest_day
    from newslake_demo.sources import SOURCES as DEMO_SOURCES

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # the run's directory, shared by its worker processes
    root = base / "demo-lake" / "lake"
    root.parent.mkdir(parents=True, exist_ok=True)
    with open(base / "demo-lake.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root.parent / "built").exists():
            with pytest.MonkeyPatch.context() as mp:
                mp.setenv("NEWSLAKE_DEMO_ADDR", demo_address)
                for day in DEMO_DAYS:
                    ingest_day(str(root), date.fromisoformat(day), str(DEMO_SOURCES))
            (root.parent / "built").touch()
    return root


@pytest.fixture
def pg_catalog(monkeypatch):
    """A fresh PostgreSQL database (127.0.0.1:5432, user postgres) as the lake catalog."""
    import uuid

    psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed")
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"
    try:
        conn = psycopg.connect(admin, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL at 127.0.0.1:5432: {exc}")
    name = f"newslake_test_{uuid.uuid4().hex[:12]}"
    conn.execute(f'CREATE DATABASE "{name}"')
    monkeypatch.setenv("NEWSLAKE_CATALOG", f"postgres:host=127.0.0.1 port=5432 user=postgres "
                                           f"dbname={name}")
    try:
        yield name
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()
