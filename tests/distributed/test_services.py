""".ci/services.sh: starts PostgreSQL and Redis when they are down, does nothing when they run."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / ".ci" / "services.sh"

pytestmark = [pytest.mark.distributed, pytest.mark.slow]  # real Airflow services


def _run_script() -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=120)


def _redis_up() -> bool:
    out = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"],
                         capture_output=True, text=True)
    return out.stdout.strip() == "PONG"


def _pg_up() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0


@pytest.fixture
def tools():
    missing = [t for t in ("pg_isready", "redis-cli", "redis-server") if not shutil.which(t)]
    if missing:
        pytest.skip(f"Debian tools missing: {missing}")


def test_idempotent_when_running(tools):
    first = _run_script()
    assert first.returncode == 0, first.stderr
    second = _run_script()
    assert second.returncode == 0, second.stderr
    assert "PostgreSQL already running" in second.stdout
    assert "Redis already running" in second.stdout
    assert _pg_up() and _redis_up()


def test_starts_redis_when_stopped(tools):
    assert _run_script().returncode == 0
    try:
        subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"],
                       capture_output=True, timeout=30)
        for _ in range(50):
            if not _redis_up():
                break
            time.sleep(0.1)
        assert not _redis_up(), "Redis did not stop"
        started = _run_script()
        assert started.returncode == 0, started.stdout + started.stderr
        assert "Redis is up" in started.stdout
        assert _redis_up()
    finally:
        if not _redis_up():
            _run_script()
