"""The code base is ruff-clean (the rules are in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ruff_clean():
    ruff = Path(sys.executable).with_name("ruff")
    proc = subprocess.run(
        [str(ruff), "check", "include", "dags", "plugins", "tests", "bench", "deploy", "tools"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]


def test_fast_lane_skips_the_slow_tests():
    """``make check`` runs lint and the tests not marked slow; ``make test`` runs them all."""
    import tomllib

    dry = subprocess.run(["make", "-n", "check", "test"], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "ruff check" in dry.stdout
    assert '-m "not slow and not distributed"' in dry.stdout
    assert "--durations=15" in dry.stdout
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]
    assert any(m.startswith("slow:") for m in config["ini_options"]["markers"])
    for path in ("tests/e2e/test_news_ingest.py", "tests/lake/test_notebook.py",
                 "tests/pipeline/test_ingest_inprocess.py", "tests/crawl/test_faults.py",
                 "tests/distributed/test_celery_cluster.py",
                 "tests/extract/test_extract_quality.py"):
        assert "pytest.mark.slow" in (REPO / path).read_text(), path
