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
    """``make check`` runs lint and the tests not marked slow or integration; ``make test``
    runs them all."""
    import tomllib

    dry = subprocess.run(["make", "-n", "check", "test"], cwd=REPO, capture_output=True,
                         text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    assert "ruff check" in dry.stdout
    assert '-m "not slow and not integration and not distributed"' in dry.stdout
    assert "--durations=15" in dry.stdout
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]
    markers = config["ini_options"]["markers"]
    assert any(m.startswith("slow:") for m in markers)
    assert any(m.startswith("integration:") for m in markers)
    for path in ("tests/e2e/test_news_ingest.py", "tests/lake/test_notebook.py",
                 "tests/pipeline/test_ingest_inprocess.py", "tests/crawl/test_faults.py",
                 "tests/distributed/test_celery_cluster.py",
                 "tests/extract/test_extract_quality.py"):
        assert "pytest.mark.slow" in (REPO / path).read_text(), path
    for path in ("tests/lake/test_publish.py", "tests/lake/test_transactions.py",
                 "tests/validate/test_rows.py"):
        assert "pytest.mark.integration" in (REPO / path).read_text(), path


LAYOUT_NAMES = {"catalog.sqlite", "data", "raw", "_staging", "_state", "_search", "fts.duckdb",
                "_docs", "newslake.sql", "part-"}
"""Names of the lake's files and directories: spelled only in newslake/lake/layout.py."""
LAYOUT_PARTS = ("crawl_date=", "catalog.sqlite", "fts.duckdb", "newslake.sql", "part-")


def _layout_literals(path: Path) -> list[str]:
    """Non-docstring string literals of ``path`` that spell a part of the lake's layout."""
    import ast

    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef
                                | ast.AsyncFunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if (not isinstance(node, ast.Constant) or not isinstance(node.value, str)
                or id(node) in docstrings):
            continue
        text = node.value
        components = set(text.strip("/").split("/"))
        if (text in LAYOUT_NAMES or ("/" in text and components & LAYOUT_NAMES)
                or any(part in text for part in LAYOUT_PARTS)):
            found.append(f"{path.relative_to(REPO)}:{node.lineno}: {text!r}")
    return found


def test_one_module_spells_the_lake_layout():
    """File and directory names of the lake live in newslake.lake.layout only."""
    package = REPO / "include" / "newslake"
    owner = package / "lake" / "layout.py"
    found = [hit for path in sorted(package.rglob("*.py")) if path != owner
             for hit in _layout_literals(path)]
    assert not found, "\n".join(found)
    assert _layout_literals(owner)  # the check sees the literals where they belong
