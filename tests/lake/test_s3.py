"""An s3:// lake against a real S3-compatible server on 127.0.0.1 (moto)."""

from __future__ import annotations

from datetime import date

import pytest
from newslake.lake import publish_day, published_dates, read_table, schema
from newslake.lake.catalog import connect, run_sql, write_catalog

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]  # a local S3 server

BUCKET = "newslake-test"


@pytest.fixture
def s3_lake(s3_bucket, request) -> str:
    return f"{s3_bucket(BUCKET)}/{request.node.name}"


def _articles(ids: str):
    return schema.conform("articles", [
        {"article_id": i, "url": f"https://x.com/{i}", "site": "x.com", "title": f"t {i}",
         "body": "election night"} for i in ids
    ])


def test_publish_and_read_back_over_s3(s3_lake: str) -> None:
    day = date(2024, 7, 1)
    info = publish_day(s3_lake, day, {"articles": _articles("abc")})
    assert info.files["articles"] == f"{s3_lake}/articles/crawl_date=2024-07-01/part-ingest.parquet"
    publish_day(s3_lake, day, {"articles": _articles("xy")})  # exact replacement
    publish_day(s3_lake, date(2024, 7, 2), {"articles": _articles("z")})
    assert published_dates(s3_lake, "articles") == [day, date(2024, 7, 2)]
    got = read_table(s3_lake, "articles", dates=[day], columns=["article_id", "crawl_date"])
    assert sorted(got["article_id"].to_pylist()) == ["x", "y"]


def test_duckdb_reads_s3_lake_through_httpfs(s3_lake: str) -> None:
    publish_day(s3_lake, date(2024, 7, 1), {"articles": _articles("ab")})
    publish_day(s3_lake, date(2024, 7, 2), {"articles": _articles("c")})
    columns, rows = run_sql(s3_lake, "SELECT crawl_date, count(*) FROM articles "
                                     "GROUP BY 1 ORDER BY 1")
    assert rows == [(date(2024, 7, 1), 2), (date(2024, 7, 2), 1)]
    con = connect(s3_lake)
    try:
        secret = con.sql("SELECT type, provider FROM duckdb_secrets() "
                         "WHERE name = 'newslake_s3'").fetchall()
        assert secret == [("s3", "config")]
        assert con.sql("SELECT count(*) FROM quotes").fetchone() == (0,)
        assert con.sql("SELECT site, articles FROM top_sites('2024-07-01', '2024-07-31')"
                       ).fetchall() == [("x.com", 3)]
    finally:
        con.close()
    uri = write_catalog(s3_lake)
    assert uri == f"{s3_lake}/newslake.duckdb"
    from newslake.lake.storage import open_lake

    store = open_lake(s3_lake)
    assert store.fs.get_file_info(store.path("newslake.duckdb")).size > 0
