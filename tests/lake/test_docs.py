"""docs/LAKE.md and README.md document every column of every lake table."""

from __future__ import annotations

import pytest
from newslake.lake import schema
from newslake.lake.docs import DOC_FILES, meaning, render, schema_comments


def test_every_column_has_a_meaning() -> None:
    comments = schema_comments()
    missing = [f"{t}.{f.name}" for t, s in schema.TABLES.items() for f in s
               if not meaning(t, f.name, comments)]
    assert missing == []


@pytest.mark.parametrize("doc", DOC_FILES, ids=lambda p: p.name)
def test_schema_section_is_current(doc) -> None:
    text = doc.read_text(encoding="utf-8")
    assert render(text) == text, "run: .venv/bin/python -m newslake.lake.docs"
    for table, table_schema in schema.TABLES.items():
        assert f"### {table}\n" in text
        for field in table_schema:
            assert f"| `{field.name}` |" in text
