"""Staging helpers: run context, atomic files, schema conformance."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pyarrow as pa
import pytest
from newslake.config import Settings
from newslake.lake import schema
from newslake.pipeline.staging import (
    RunContext,
    concat,
    read_json,
    read_table,
    safe_key,
    write_json,
    write_table,
)


def make_ctx(tmp_path, producer="ingest", staging=None) -> RunContext:
    return RunContext(Settings(lake=str(tmp_path), sources="s.yaml", staging=staging),
                      crawl_date=date(2022, 4, 3), producer=producer,
                      run_id="manual__2022-04-03T00:00:00+00:00")


def test_context_round_trips_through_json(tmp_path):
    ctx = make_ctx(tmp_path)
    assert RunContext.from_dict(ctx.to_dict()) == ctx


def test_interval_is_the_utc_day(tmp_path):
    start, end = make_ctx(tmp_path).interval
    assert start == datetime(2022, 4, 3, tzinfo=UTC)
    assert end == datetime(2022, 4, 4, tzinfo=UTC)


def test_paths_are_per_day_producer_and_run(tmp_path):
    ctx = make_ctx(tmp_path, producer="warc-abc")
    run = safe_key(ctx.run_id)
    assert ctx.staging == tmp_path / "_staging" / "2022-04-03" / "warc-abc" / run
    assert ctx.raw_warc("0001").endswith(
        f"raw/crawl_date=2022-04-03/warc-abc-{run}-0001.warc.gz")


def test_staging_root_comes_from_the_settings_not_the_environment(tmp_path, monkeypatch):
    ctx = make_ctx(tmp_path, staging=str(tmp_path / "shared"))
    monkeypatch.setenv("NEWSLAKE_STAGING", str(tmp_path / "elsewhere"))
    assert ctx.staging.parent.parent.parent == tmp_path / "shared"
    assert make_ctx(tmp_path).staging.is_relative_to(tmp_path / "_staging")


def test_safe_key_strips_unsafe_characters():
    assert safe_key("manual__2022-04-03T00:00:00+00:00") == "manual__2022-04-03T00_00_00_00_00"


def test_write_and_read_table_conforms(tmp_path):
    path = tmp_path / "a" / "x.parquet"
    write_table(path, schema.conform("quotes", [{"article_id": "a1", "speaker": "Blinken",
                                                "quote": "We will look hard", "position": 0}]))
    table = read_table(path, "quotes")
    assert table.schema == schema.QUOTES
    assert table["speaker"].to_pylist() == ["Blinken"]
    assert not list(path.parent.glob(".*.tmp"))


def test_missing_staged_table_is_an_error_naming_it(tmp_path):
    from newslake.exceptions import StageFailed

    with pytest.raises(StageFailed, match="nope.parquet"):
        read_table(tmp_path / "nope.parquet", "articles")


def test_conform_rejects_unknown_columns():
    with pytest.raises(ValueError, match="unknown columns"):
        schema.conform("quotes", [{"article_id": "a", "speeker": "typo"}])


def test_json_round_trip_with_datetimes(tmp_path):
    when = datetime(2022, 4, 3, 12, tzinfo=UTC)
    write_json(tmp_path / "c.json", [{"url": "http://x", "feed_published_at": when}])
    assert read_json(tmp_path / "c.json") == [
        {"url": "http://x", "feed_published_at": when.isoformat()}
    ]


def test_concat_of_nothing_has_the_schema():
    table = concat([], "related")
    assert table.schema == schema.RELATED and table.num_rows == 0
    both = concat([schema.conform("related", [{"article_id": "a"}]),
                   pa.table({"article_id": ["b"]})], "related")
    assert both["article_id"].to_pylist() == ["a", "b"]


def test_fetch_batches_are_bounded_in_size_and_count():
    from newslake.crawl.plan import MAX_BATCHES, MIN_BATCH_SIZE, batch_size

    assert batch_size(10) == MIN_BATCH_SIZE
    assert batch_size(80) == MIN_BATCH_SIZE
    for n in (1_000, 10_000, 123_457):
        assert -(-n // batch_size(n)) <= MAX_BATCHES


def test_candidates_are_interleaved_over_hosts():
    from newslake.crawl.plan import interleave_by_host

    urls = [f"http://a.com/{i}" for i in range(3)] + ["http://b.com/0", "http://www.c.com/0"]
    order = [c["url"] for c in interleave_by_host([{"url": u} for u in urls])]
    assert order == ["http://a.com/0", "http://b.com/0", "http://www.c.com/0",
                     "http://a.com/1", "http://a.com/2"]
