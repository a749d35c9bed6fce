"""The SQL examples of docs/DEDUP.md run on a lake holding the wire-traffic corpus."""

from __future__ import annotations

import re
from datetime import date

import pytest
from newslake.dedup import DedupConfig, assign_stories
from newslake.lake import publish_day, schema
from newslake.lake.catalog import run_sql
from wire_traffic import article_rows, build_corpus

DOC = "docs/DEDUP.md"


@pytest.fixture(scope="module")
def wire_lake(tmp_path_factory) -> str:
    lake = str(tmp_path_factory.mktemp("wire-lake"))
    day = date(2018, 7, 16)
    result = assign_stories(schema.conform("articles", article_rows(build_corpus(seed=16))),
                            lake=lake, crawl_date=day, config=DedupConfig())
    publish_day(lake, day, {
        "articles": result.articles, "stories": result.stories,
        "syndication": result.syndication, "dedup_index": result.signatures,
        "rejections": result.rejections,
    }, producer="test")
    return lake


def _examples(repo_root) -> list[str]:
    text = (repo_root / DOC).read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, flags=re.S)


def test_docs_have_sql_examples(repo_root):
    assert len(_examples(repo_root)) >= 3


def test_every_sql_example_returns_rows(repo_root, wire_lake):
    for query in _examples(repo_root):
        columns, rows = run_sql(wire_lake, query)
        assert columns and rows, query
