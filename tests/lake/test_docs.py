"""docs/LAKE.md documents every column of every lake table."""

from __future__ import annotations

from newslake.lake import schema
from newslake.lake.docs import DOC_FILE, meaning, render, schema_comments


def test_every_column_has_a_meaning() -> None:
    comments = schema_comments()
    missing = [f"{t}.{f.name}" for t, s in schema.TABLES.items() for f in s
               if not meaning(t, f.name, comments)]
    assert missing == []


def test_schema_section_is_current() -> None:
    text = DOC_FILE.read_text(encoding="utf-8")
    assert render(text) == text, "run: .venv/bin/python -m newslake.lake.docs"
    for table, table_schema in schema.TABLES.items():
        assert f"### {table}\n" in text
        for field in table_schema:
            assert f"| `{field.name}` |" in text
