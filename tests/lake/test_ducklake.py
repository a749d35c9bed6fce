"""The DuckLake core: opening the catalog, one-commit publishes, schema evolution."""

from __future__ import annotations

import threading
from datetime import date

import duckdb
import pyarrow as pa
import pytest
from newslake.exceptions import ConfigError
from newslake.lake import ducklake, schema

pytestmark = pytest.mark.integration

DAY = date(2024, 3, 1)


def _articles(ids: list[str]) -> pa.Table:
    return pa.Table.from_pylist([{"article_id": i, "url": f"https://e.com/{i}", "title": i}
                                 for i in ids], schema=schema.ARTICLES)


def _log(urls: list[str]) -> pa.Table:
    return pa.Table.from_pylist([{"url": u, "kind": "page"} for u in urls],
                                schema=schema.FETCH_LOG)


def _count(lake: str, table: str, where: str = "true", params=None, snapshot=None) -> int:
    con = ducklake.connect(lake, snapshot=snapshot)
    try:
        return con.execute(f"SELECT count(*) FROM lake.{table} WHERE {where}",
                           params or []).fetchone()[0]
    finally:
        con.close()


def test_connect_attaches_lake_with_extensions_from_files_and_autoload_off(tmp_path):
    con = ducklake.connect(str(tmp_path), read_only=False)
    try:
        assert con.execute("SELECT current_setting('autoinstall_known_extensions'), "
                           "current_setting('autoload_known_extensions')").fetchone() == (
            False, False)
        tables = {r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake'").fetchall()}
        assert set(schema.TABLES) <= tables
        cols = {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'lake' "
            "AND table_name = 'articles'").fetchall()}
        assert {"crawl_date", "producer", *schema.ARTICLES.names} <= cols
    finally:
        con.close()
    ro = ducklake.connect(str(tmp_path))
    try:
        with pytest.raises(Exception, match="read-only"):
            ro.execute("INSERT INTO lake.articles (article_id, url) VALUES ('a', 'b')")
    finally:
        ro.close()


def test_read_only_connect_of_missing_lake_is_a_one_line_error(tmp_path):
    with pytest.raises(ConfigError, match="no lake at"):
        ducklake.connect(str(tmp_path / "nowhere"))


def test_replace_is_one_commit_across_tables_and_only_the_producers_rows(tmp_path):
    lake = str(tmp_path)
    first = ducklake.publish(lake, DAY, "ingest", "run-1",
                             {"articles": _articles(["a", "b"]), "fetch_log": _log(["u1", "u2"])})
    ducklake.publish(lake, DAY, "warc-x", "run-w", {"articles": _articles(["w"])})
    ducklake.publish(lake, date(2024, 3, 2), "ingest", "run-2", {"articles": _articles(["c"])})
    again = ducklake.publish(lake, DAY, "ingest", "run-3",
                             {"articles": _articles(["a"]), "fetch_log": _log([])})
    assert again.snapshot_id == first.snapshot_id + 3  # one snapshot per publish
    assert _count(lake, "articles", "crawl_date = ? AND producer = 'ingest'", [DAY]) == 1
    assert _count(lake, "articles", "producer = 'warc-x'") == 1
    assert _count(lake, "articles", "crawl_date = DATE '2024-03-02'") == 1
    assert _count(lake, "fetch_log") == 0
    # time travel: the first commit's day is still readable as it was
    assert _count(lake, "articles", "crawl_date = ?", [DAY], snapshot=first.snapshot_id) == 2
    assert _count(lake, "fetch_log", snapshot=first.snapshot_id) == 2
    snaps = {s.snapshot_id: s for s in ducklake.snapshots(lake)}
    assert (snaps[again.snapshot_id].run_id, snaps[again.snapshot_id].producer,
            snaps[again.snapshot_id].crawl_date) == ("run-3", "ingest", DAY.isoformat())


def test_append_adds_micro_batches_without_deleting_earlier_ones(tmp_path):
    lake = str(tmp_path)
    ducklake.publish(lake, DAY, "poll", "r1", {"fetch_log": _log(["u1"])}, mode="append")
    ducklake.publish(lake, DAY, "poll", "r2", {"fetch_log": _log(["u2", "u3"])}, mode="append")
    assert _count(lake, "fetch_log", "producer = 'poll'") == 3
    assert _count(lake, "publish_log", "producer = 'poll'") == 2
    with pytest.raises(ConfigError, match="mode"):
        ducklake.publish(lake, DAY, "poll", "r3", {}, mode="upsert")
    with pytest.raises(ConfigError, match="unknown lake tables"):
        ducklake.publish(lake, DAY, "poll", "r3", {"nope": _log([])})


def test_a_failed_commit_leaves_the_old_day(tmp_path):
    lake = str(tmp_path)
    ducklake.publish(lake, DAY, "ingest", "r1",
                     {"articles": _articles(["a", "b"]), "fetch_log": _log(["u1"])})

    def crash(step: str) -> None:
        if step == "insert:fetch_log":
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        ducklake.publish(lake, DAY, "ingest", "r2",
                         {"articles": _articles(["x"]), "fetch_log": _log(["u9"])}, hook=crash)
    assert _count(lake, "articles") == 2 and _count(lake, "fetch_log", "url = 'u1'") == 1


def test_new_registry_table_and_column_appear_without_code_changes(tmp_path, monkeypatch):
    lake = str(tmp_path)
    ducklake.publish(lake, DAY, "ingest", "r1", {"articles": _articles(["a"])})
    frontier = pa.schema([pa.field("url", pa.string()), pa.field("due_at", pa.int64())])
    articles = schema.ARTICLES.append(pa.field("page_type", pa.string()))
    monkeypatch.setitem(schema.TABLES, "frontier", frontier)
    monkeypatch.setitem(schema.TABLES, "articles", articles)
    rows = pa.Table.from_pylist([{"url": "https://e.com/f", "due_at": 5}], schema=frontier)
    ducklake.publish(lake, DAY, "poll", "r2", {"frontier": rows}, mode="append")
    con = ducklake.connect(lake)
    try:
        assert con.execute("SELECT url, due_at, crawl_date FROM lake.frontier").fetchall() == [
            ("https://e.com/f", 5, DAY)]
        assert con.execute("SELECT article_id, page_type FROM lake.articles").fetchall() == [
            ("a", None)]
    finally:
        con.close()


def test_two_days_published_at_once_both_land(tmp_path):
    lake = str(tmp_path)
    ducklake.publish(lake, DAY, "ingest", "r0", {"articles": _articles([])})
    errors: list[BaseException] = []

    def run(day: date, ids: list[str]) -> None:
        try:
            ducklake.publish(lake, day, "ingest", f"r-{day}", {
                "articles": _articles(ids), "fetch_log": _log(ids)})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(date(2024, 4, d), [f"{d}-{i}" for i in
                                                                      range(d)]))
               for d in range(1, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _count(lake, "articles") == 1 + 2 + 3 + 4
    assert _count(lake, "fetch_log") == 10


@pytest.mark.parametrize(("message", "retried"), [
    ("Failed to query most recent snapshot for DuckLake: disk I/O error", True),
    ("Failed to commit DuckLake transaction: database is locked", True),
    ("Binder Error: column x not found", False),
])
def test_concurrent_catalog_errors_are_retried(message: str, retried: bool) -> None:
    assert ducklake._retryable(duckdb.IOException(message)) is retried
