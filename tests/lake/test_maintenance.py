"""Maintenance: DuckLake compaction, snapshot expiry, file cleanup, raw retention, stats."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from newslake.exceptions import ConfigError
from newslake.lake import publish_day, read_table, schema
from newslake.lake.catalog import run_sql
from newslake.lake.maintenance import (
    MaintenanceConfig,
    apply_retention,
    clean_files,
    compact,
    expire_snapshots,
    lake_stats,
    run_maintenance,
)

pytestmark = pytest.mark.integration

DAY = date(2024, 5, 6)


def _articles(ids: str):
    return schema.conform("articles", [{"article_id": i, "url": f"u{i}"} for i in ids])


def _raw(lake: Path, day: str, name: str, size: int) -> Path:
    path = lake / "raw" / f"crawl_date={day}" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"w" * size)
    return path


def test_config_validation_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError):
        MaintenanceConfig(raw_retention_days=-1)
    with pytest.raises(ConfigError):
        MaintenanceConfig(snapshot_retention_days=-1)
    monkeypatch.setenv("NEWSLAKE_SNAPSHOT_RETENTION_DAYS", "30")
    assert MaintenanceConfig.from_env().snapshot_retention_days == 30
    assert MaintenanceConfig().snapshot_retention_days == 90
    monkeypatch.setenv("NEWSLAKE_RAW_RETENTION_DAYS", "7")
    assert MaintenanceConfig.from_env().raw_retention_days == 7
    monkeypatch.setenv("NEWSLAKE_RAW_RETENTION_DAYS", "never")
    assert MaintenanceConfig.from_env().raw_retention_days is None
    monkeypatch.setenv("NEWSLAKE_RAW_RETENTION_DAYS", "soon")
    with pytest.raises(ConfigError):
        MaintenanceConfig.from_env()


def test_expiry_and_cleanup_free_old_files_but_keep_current_rows(tmp_path: Path) -> None:
    lake = str(tmp_path)
    publish_day(lake, DAY, {"articles": _articles("ab")})
    publish_day(lake, DAY, {"articles": _articles("cd")})  # the first files are now history
    data = tmp_path / "data" / "main" / "articles"
    before = len(list(data.rglob("*.parquet")))
    config = MaintenanceConfig(snapshot_retention_days=0, temp_max_age_s=0)
    assert expire_snapshots(lake, config) > 0
    assert clean_files(lake, config) > 0
    assert len(list(data.rglob("*.parquet"))) < before
    assert sorted(read_table(lake, "articles")["article_id"].to_pylist()) == ["c", "d"]


def test_compact_merges_small_files(tmp_path: Path) -> None:
    lake = str(tmp_path)
    publish_day(lake, DAY, {"articles": _articles("ab")})
    publish_day(lake, DAY, {"articles": _articles("c")}, producer="warc-1")
    publish_day(lake, date(2024, 5, 7), {"articles": _articles("d")})
    assert compact(lake) >= 3  # articles, terms and postings of the first day
    assert sorted(read_table(lake, "articles")["article_id"].to_pylist()) == list("abcd")
    assert compact(lake) == 0


def test_retention_removes_only_old_raw_partitions(tmp_path: Path) -> None:
    _raw(tmp_path, "2024-01-01", "a.warc.gz", 10)
    _raw(tmp_path, "2024-01-01", "b.warc.gz", 5)
    kept = _raw(tmp_path, "2024-01-25", "c.warc.gz", 7)
    assert apply_retention(str(tmp_path), None, today=date(2024, 2, 1)) == (0, 0)
    assert apply_retention(str(tmp_path), 10, today=date(2024, 2, 1)) == (2, 15)
    assert not (tmp_path / "raw" / "crawl_date=2024-01-01").exists()
    assert kept.exists()
    recorded = read_table(str(tmp_path), "raw_retention")
    assert sorted(p.rsplit("/", 1)[1] for p in recorded["path"].to_pylist()) == [
        "a.warc.gz", "b.warc.gz"]
    assert set(recorded["crawl_date"].to_pylist()) == {date(2024, 1, 1)}


def test_lake_stats_and_full_run(tmp_path: Path) -> None:
    lake = str(tmp_path)
    publish_day(lake, DAY, {"articles": _articles("abc"), "quotes": schema.empty("quotes")})
    publish_day(lake, DAY, {"articles": _articles("d")}, producer="warc-1")
    _raw(tmp_path, "2024-05-06", "x.warc.gz", 100)
    stats = {(r["table_name"], r["partition_date"]): r for r in lake_stats(lake).to_pylist()}
    assert stats[("articles", DAY)]["files"] == 2 and stats[("articles", DAY)]["rows"] == 4
    assert stats[("raw", DAY)]["bytes"] == 100 and stats[("raw", DAY)]["rows"] is None

    info = run_maintenance(lake, MaintenanceConfig(raw_retention_days=30), today=date(2024, 6, 20))
    assert info.merged_files >= 3
    assert info.removed_raw_files == 1 and info.removed_raw_bytes == 100
    assert info.catalog == str(tmp_path / "newslake.sql")
    got = run_sql(lake, "SELECT table_name, partition_date, files, rows FROM lake_stats "
                        "WHERE crawl_date = DATE '2024-06-20' AND table_name = 'articles'")[1]
    assert got == [("articles", DAY, 1, 4)]
