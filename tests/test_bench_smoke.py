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


def _dedup_scale(*arguments: str) -> dict:
    proc = subprocess.run(
        [sys.executable, str(REPO / "bench" / "dedup_scale.py"), "--articles", "3000",
         "--batches", "2", *arguments],
        cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.strip().splitlines()
    return {"batches": [json.loads(x) for x in lines if x.startswith('{"batch"')],
            "figures": json.loads(lines[-1])}


def test_dedup_scale_runs_each_batch_and_resumes_on_its_lake(tmp_path: Path) -> None:
    lake, corpus = str(tmp_path / "lake"), str(tmp_path / "corpus")
    whole = _dedup_scale("--baseline-articles", "1500", "--lake", lake, "--corpus", corpus)
    assert [b["batch"] for b in whole["batches"]] == [0, 1]
    assert whole["figures"]["recall"] > 0.8 and whole["figures"]["baseline_batches"] == 1
    assert all(b["dedup_peak_rss_mb"] > 0 for b in whole["batches"])
    # the second batch again, on the lake the first run left: same stories for its variants
    again = _dedup_scale("--lake", lake, "--corpus", corpus, "--from-batch", "1")
    assert [b["batch"] for b in again["batches"]] == [1]
    assert again["batches"][0]["found"] == whole["batches"][1]["found"]
    assert again["figures"]["ratio"] is None
