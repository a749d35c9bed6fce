"""An s3:// lake (a real S3-compatible server on 127.0.0.1) with a PostgreSQL catalog."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from newslake.exceptions import ConfigError
from newslake.lake import ducklake, publish_day, published_dates, read_table, schema
from newslake.lake.catalog import connect, run_sql
from newslake.lake.lease import LeaseHeld, acquire
from newslake.lake.maintenance import MaintenanceConfig, compact, run_maintenance

pytestmark = [pytest.mark.timeout(600), pytest.mark.slow]  # a local S3 server

BUCKET = "newslake-test"


@pytest.fixture
def s3_lake(s3_bucket, pg_catalog, request) -> str:
    return f"{s3_bucket(BUCKET)}/{request.node.name}"


def _articles(ids: list[str] | str):
    return schema.conform("articles", [
        {"article_id": i, "url": f"https://x.com/{i}", "site": "x.com", "title": f"t {i}",
         "body": "election night"} for i in ids
    ])


def test_an_s3_lake_needs_a_catalog(monkeypatch) -> None:
    monkeypatch.delenv("NEWSLAKE_CATALOG", raising=False)
    with pytest.raises(ConfigError, match="NEWSLAKE_CATALOG"):
        ducklake.location("s3://bucket/lake")


def test_publish_and_read_back_over_s3(s3_lake: str) -> None:
    day = date(2024, 7, 1)
    publish_day(s3_lake, day, {"articles": _articles("abc")})
    publish_day(s3_lake, day, {"articles": _articles("xy")})  # exact replacement
    publish_day(s3_lake, date(2024, 7, 2), {"articles": _articles("z")})
    assert published_dates(s3_lake, "articles") == [day, date(2024, 7, 2)]
    got = read_table(s3_lake, "articles", dates=[day], columns=["article_id", "crawl_date"])
    assert sorted(got["article_id"].to_pylist()) == ["x", "y"]
    con = ducklake.connect(s3_lake)
    try:
        files = ducklake.live_files(con, ducklake.location(s3_lake).data_path)
    finally:
        con.close()
    assert files and all(f.path.startswith(f"{s3_lake}/data/main/") for f in files)


def test_duckdb_reads_s3_lake_and_secrets_stay_hidden(s3_lake: str) -> None:
    publish_day(s3_lake, date(2024, 7, 1), {"articles": _articles("ab")})
    publish_day(s3_lake, date(2024, 7, 2), {"articles": _articles("c")})
    columns, rows = run_sql(s3_lake, "SELECT crawl_date, count(*) FROM articles "
                                     "GROUP BY 1 ORDER BY 1")
    assert rows == [(date(2024, 7, 1), 2), (date(2024, 7, 2), 1)]
    secret = run_sql(s3_lake, "SELECT secret_string FROM duckdb_secrets()")[1]
    assert secret and all("redacted" in s[0] for s in secret)
    assert run_sql(s3_lake, "SELECT current_setting('s3_secret_access_key')")[1] == [("",)]
    con = connect(s3_lake)
    try:
        assert con.sql("SELECT count(*) FROM quotes").fetchone() == (0,)
        assert con.sql("SELECT site, articles FROM top_sites('2024-07-01', '2024-07-31')"
                       ).fetchall() == [("x.com", 3)]
    finally:
        con.close()


def test_concurrent_days_same_day_lease_and_maintenance_on_s3(s3_lake: str) -> None:
    publish_day(s3_lake, date(2024, 8, 1), {"articles": _articles(["seed"])})
    acquire(s3_lake, date(2024, 8, 9), "ingest", "worker-1")
    with pytest.raises(LeaseHeld, match="worker-1"):
        acquire(s3_lake, date(2024, 8, 9), "ingest", "worker-2")
    errors: list[BaseException] = []

    def publish(day: int) -> None:
        try:
            for rerun in range(2):
                publish_day(s3_lake, date(2024, 8, day), {
                    "articles": _articles([f"{day}-{rerun}-{i}" for i in range(day)])})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def maintain() -> None:
        try:
            for _ in range(2):
                compact(s3_lake, MaintenanceConfig())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publish, args=(d,)) for d in (2, 3)]
    threads.append(threading.Thread(target=maintain))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    got = read_table(s3_lake, "articles", columns=["article_id", "crawl_date"])
    by_day: dict[date, list[str]] = {}
    for row in got.to_pylist():
        by_day.setdefault(row["crawl_date"], []).append(row["article_id"])
    assert sorted(by_day[date(2024, 8, 2)]) == ["2-1-0", "2-1-1"]
    assert sorted(by_day[date(2024, 8, 3)]) == ["3-1-0", "3-1-1", "3-1-2"]
    assert by_day[date(2024, 8, 1)] == ["seed"]
    info = run_maintenance(s3_lake, MaintenanceConfig(raw_retention_days=None))
    assert info.catalog is None and info.stats_rows > 0
    assert read_table(s3_lake, "articles").num_rows == 6
