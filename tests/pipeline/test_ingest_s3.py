"""A whole day ingested into an s3:// lake on a local S3-compatible server (moto)."""

from __future__ import annotations

from datetime import date

import pytest
from newslake.config import resolve_settings
from newslake.exceptions import ConfigError
from newslake.lake import read_table
from newslake.lake.catalog import run_sql
from newslake.pipeline import RunContext, ingest_day
from newslake_demo import build_site
from newslake_demo.server import DemoServer
from newslake_demo.sources import SOURCES as DEMO_SOURCES

pytestmark = [pytest.mark.timeout(300), pytest.mark.slow]  # a whole day into an s3:// lake

DAY = date(2022, 4, 3)


@pytest.fixture
def s3_lake(s3_bucket, pg_catalog):
    return s3_bucket("corpus") + "/lake"


def test_s3_lake_needs_a_shared_staging_directory(monkeypatch):
    monkeypatch.delenv("NEWSLAKE_STAGING", raising=False)
    ctx = RunContext(resolve_settings(lake="s3://corpus/lake", sources="s.yaml"), DAY,
                     run_id="r1")
    with pytest.raises(ConfigError, match="NEWSLAKE_STAGING"):
        _ = ctx.staging
    assert ctx.raw_warc("0000") == (
        "s3://corpus/lake/raw/crawl_date=2022-04-03/ingest-r1-0000.warc.gz")


def test_ingest_into_s3_lake(s3_lake, monkeypatch, tmp_path):
    monkeypatch.setenv("NEWSLAKE_STAGING", str(tmp_path / "staging"))
    with DemoServer(build_site()) as server:
        monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", server.address)
        info = ingest_day(s3_lake, DAY, str(DEMO_SOURCES))
    published = info.publish.rows["articles"]
    assert published > 20
    assert read_table(s3_lake, "articles").num_rows == published
    columns, rows = run_sql(s3_lake, "SELECT count(DISTINCT story_id), count(*) FROM articles")
    assert rows[0][1] == published and 0 < rows[0][0] < published
    assert not list((tmp_path / "staging").rglob("*.parquet")), "staging not cleaned"
