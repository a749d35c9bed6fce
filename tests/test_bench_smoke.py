"""The benchmarks that drive the pipeline's stages still run against the code (tiny sizes)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


def test_history_growth_runs_a_day_and_ends_with_its_json(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "history_growth.py"), "--history", "0",
         "--sites", "2", "--dir", str(tmp_path)],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert list(figures)[:5] == ["day_s_0", "day_s_100k", "day_s_1m", "growth_ratio",
                                 "peak_rss_mb"]
    assert figures["day_s_0"] > 0 and figures["peak_rss_mb"] > 0
