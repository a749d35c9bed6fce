"""publish_day / remove_day / read_table: layout, metadata, exact replacement."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from newslake.exceptions import ConfigError
from newslake.lake import publish_day, published_dates, read_table, remove_day, schema
from newslake.lake.maintenance import compact

pytestmark = pytest.mark.integration

DAY = date(2024, 5, 6)


def articles(ids: str, hours: list[int | None] | None = None) -> pa.Table:
    hours = hours or [None] * len(ids)
    return schema.conform("articles", [
        {"article_id": i, "url": f"https://x.com/{i}",
         "published_at": None if h is None else datetime(2024, 5, 6, h, tzinfo=UTC)}
        for i, h in zip(ids, hours, strict=True)
    ])


def ids(lake: Path, table: str = "articles") -> list[str]:
    return sorted(read_table(str(lake), table)["article_id"].to_pylist())


def test_layout_compression_and_sorting(tmp_path: Path) -> None:
    info = publish_day(str(tmp_path), DAY, {"articles": articles("abc", [9, None, 3])})
    assert info.rows == {"articles": 3, "terms": 1, "postings": 1, "url_index": 3}
    files = list((tmp_path / "data" / "main" / "articles" / "crawl_date=2024-05-06")
                 .glob("*.parquet"))
    assert len(files) == 1
    pfile = pq.ParquetFile(files[0])
    assert pfile.metadata.row_group(0).column(0).compression == "ZSTD"
    assert pfile.read()["article_id"].to_pylist() == ["c", "a", "b"]  # published_at, nulls last
    assert (tmp_path / "catalog.sqlite").exists()


def test_rerun_replaces_exactly_and_empty_replaces(tmp_path: Path) -> None:
    publish_day(str(tmp_path), DAY, {"articles": articles("abcd")})
    publish_day(str(tmp_path), DAY, {"articles": articles("xy")})
    assert ids(tmp_path) == ["x", "y"]
    publish_day(str(tmp_path), DAY, {"articles": schema.empty("articles")})
    assert ids(tmp_path) == []
    assert published_dates(str(tmp_path), "articles") == [DAY]


def test_producers_are_independent_and_tables_not_given_are_left(tmp_path: Path) -> None:
    publish_day(str(tmp_path), DAY, {"articles": articles("ab"),
                                     "quotes": schema.conform("quotes", [{"article_id": "a"}])})
    publish_day(str(tmp_path), DAY, {"articles": articles("c")}, producer="warc-1")
    publish_day(str(tmp_path), DAY, {"articles": articles("d")})
    assert ids(tmp_path) == ["c", "d"]
    assert read_table(str(tmp_path), "quotes").num_rows == 1
    assert remove_day(str(tmp_path), "articles", DAY, producer="warc-1") is True
    assert remove_day(str(tmp_path), "articles", DAY, producer="warc-1") is False
    assert ids(tmp_path) == ["d"]


def test_read_table_columns_dates_and_empty(tmp_path: Path) -> None:
    lake = str(tmp_path)
    empty = read_table(lake, "articles", columns=["url", "crawl_date"])
    assert empty.num_rows == 0 and empty.schema.field("crawl_date").type == pa.date32()
    publish_day(lake, DAY, {"articles": articles("ab")})
    publish_day(lake, date(2024, 5, 7), {"articles": articles("c")})
    got = read_table(lake, "articles", dates=[date(2024, 5, 7)], columns=["crawl_date", "url"])
    assert got.column_names == ["crawl_date", "url"]
    assert got.to_pylist() == [{"crawl_date": date(2024, 5, 7), "url": "https://x.com/c"}]
    full = read_table(lake, "articles")
    assert full.column_names == [*schema.ARTICLES.names, "crawl_date"]
    assert published_dates(lake, "articles") == [DAY, date(2024, 5, 7)]
    with pytest.raises(ConfigError):
        read_table(lake, "articles", columns=["nope"])


def test_columns_added_later_read_as_nulls_for_older_rows(tmp_path: Path, monkeypatch) -> None:
    publish_day(str(tmp_path), DAY, {"articles": articles("o")})
    monkeypatch.setitem(schema.TABLES, "articles",
                        schema.ARTICLES.append(pa.field("reading_level", pa.string())))
    publish_day(str(tmp_path), date(2024, 5, 7), {"articles": schema.conform(
        "articles", [{"article_id": "n", "url": "u", "reading_level": "article"}])})
    got = read_table(str(tmp_path), "articles", columns=["article_id", "reading_level"])
    assert sorted(got.to_pylist(), key=lambda r: r["article_id"]) == [
        {"article_id": "n", "reading_level": "article"}, {"article_id": "o", "reading_level": None}]


def test_invalid_inputs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        publish_day(str(tmp_path), DAY, {"nope": articles("a")})
    with pytest.raises(ConfigError):
        publish_day(str(tmp_path), DAY, {"articles": articles("a")}, producer="../x")
    with pytest.raises(ValueError):
        publish_day(str(tmp_path), DAY, {"articles": pa.table({"typo": [1]})})


def test_compaction_keeps_producer_replacement_exact(tmp_path: Path) -> None:
    lake = str(tmp_path)
    publish_day(lake, DAY, {"articles": articles("ab")})
    publish_day(lake, DAY, {"articles": articles("cde")}, producer="warc-1")
    assert compact(lake) >= 1
    assert ids(tmp_path) == ["a", "b", "c", "d", "e"]
    publish_day(lake, DAY, {"articles": articles("z")}, producer="warc-1")
    assert ids(tmp_path) == ["a", "b", "z"]
    publish_day(lake, DAY, {"articles": articles("q")}, producer="warc-2")
    assert ids(tmp_path) == ["a", "b", "q", "z"]
    remove_day(lake, "articles", DAY, producer="ingest")
    assert ids(tmp_path) == ["q", "z"]
    compact(lake)
    publish_day(lake, DAY, {"articles": articles("r")}, producer="warc-2")
    assert ids(tmp_path) == ["r", "z"]
