"""docs/LAKE.md and README.md document every column of every lake table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lake_docs import DOC_FILES, meaning, render, schema_comments
from newslake.lake import schema


def test_every_column_has_a_meaning() -> None:
    comments = schema_comments()
    missing = [f"{t}.{f.name}" for t, s in schema.TABLES.items() for f in s
               if not meaning(t, f.name, comments)]
    assert missing == []


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_schema_section_is_current(doc) -> None:
    text = doc.read_text(encoding="utf-8")
    assert render(text) == text, "run: make docs"
    for table, table_schema in schema.TABLES.items():
        assert f"### {table}\n" in text
        for field in table_schema:
            assert f"| `{field.name}` |" in text


def test_make_docs_target_runs_the_generator_in_check_mode() -> None:
    repo = Path(__file__).resolve().parents[2]
    assert "tools/lake_docs.py" in (repo / "Makefile").read_text()
    proc = subprocess.run([sys.executable, "tools/lake_docs.py", "--check"], cwd=repo,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
