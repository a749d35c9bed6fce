"""Micro-batches of one day: deduplication sees the day's earlier batches."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pytest
from dedup_rows import article, random_body
from newslake.config import Settings
from newslake.lake import publish_day, schema
from newslake.pipeline import stages
from newslake.pipeline.results import ExtractStep
from newslake.pipeline.staging import RunContext, read_table, write_table

pytestmark = pytest.mark.integration

DAY = date(2024, 3, 1)


def _dedup(lake: str, producer: str, rows: list[dict], same_day: bool = True
           ) -> dict[str, pa.Table]:
    """Run the dedup stage of ``producer`` over ``rows`` as extracted; its staged tables."""
    ctx = RunContext(Settings(lake, None), DAY, producer=producer, run_id=producer)
    ctx.reset()
    files = {}
    for table in schema.EXTRACTED_TABLES:
        data = rows if table == "articles" else []
        files[table] = str(ctx.path("extract", f"0000.{table}.parquet"))
        write_table(Path(files[table]), schema.conform(table, data))
    extracted = ExtractStep(name="0000", read=(), files=files, articles=len(rows), rejections=0)
    deduped = stages.stage_dedup(ctx, [extracted], same_day=same_day)
    out = {t: read_table(Path(deduped.files[t]), t) for t in schema.STORY_TABLES}
    ctx.release()
    return out


def _publish(lake: str, producer: str, tables: dict[str, pa.Table]) -> None:
    publish_day(lake, DAY, tables, producer=producer, run_id=producer)


def _by_url(table: pa.Table) -> dict[str, dict]:
    return {r["url"]: r for r in table.to_pylist()}


def test_a_copy_in_a_later_batch_links_to_its_original_from_an_earlier_batch(tmp_path):
    lake = str(tmp_path / "lake")
    body = random_body(5, 400)
    original = article("https://origin.example/news/ferry-strike", body)
    other = article("https://origin.example/news/harbour-works", random_body(6, 400),
                    minutes=10)
    _publish(lake, "batch-b1", _dedup(lake, "batch-b1", [original, other]))

    copy = article("https://aggregator.example/2024/ferry-strike",
                   body + " Read more stories like this in our app.", minutes=95,
                   original_publisher="Origin")
    second = _dedup(lake, "batch-b2", [copy])
    row = _by_url(second["articles"])[copy["url"]]
    first = _by_url(_dedup(lake, "batch-b1", [original, other])["articles"])
    assert row["is_original"] is False
    assert row["story_id"] == first[original["url"]]["story_id"]
    links = second["syndication"].to_pylist()
    assert [(r["site"], r["original_site"]) for r in links] == [
        ("aggregator.example", "origin.example")]
    _publish(lake, "batch-b2", second)
    # a re-run of the later batch replaces its own rows and still sees the earlier batch
    again = _by_url(_dedup(lake, "batch-b2", [copy])["articles"])[copy["url"]]
    assert (again["is_original"], again["story_id"]) == (False, row["story_id"])


def test_the_daily_run_compares_with_earlier_days_only(tmp_path):
    lake = str(tmp_path / "lake")
    body = random_body(7, 400)
    _publish(lake, "batch-b1", _dedup(lake, "batch-b1",
                                      [article("https://origin.example/a", body)]))
    copy = article("https://aggregator.example/a", body, minutes=30)
    alone = _by_url(_dedup(lake, "ingest", [copy], same_day=False)["articles"])[copy["url"]]
    assert alone["is_original"] is True  # a re-run of a day sees the same history
