"""publish_day / remove_day / read_table: layout, metadata, exact replacement."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from newslake.exceptions import ConfigError
from newslake.lake import publish_day, published_dates, read_table, remove_day, schema
from newslake.lake.maintenance import compact_partition

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


def test_layout_metadata_and_sorting(tmp_path: Path) -> None:
    info = publish_day(str(tmp_path), DAY, {"articles": articles("abc", [9, None, 3])})
    path = tmp_path / "articles" / "crawl_date=2024-05-06" / "part-ingest.parquet"
    assert info.files["articles"] == str(path)
    assert info.rows == {"articles": 3, "terms": 1, "postings": 1}
    pfile = pq.ParquetFile(path)
    meta = pfile.schema_arrow.metadata
    assert meta[b"newslake.schema_version"] == schema.SCHEMA_VERSION.encode()
    assert meta[b"newslake.table"] == b"articles"
    assert pfile.metadata.row_group(0).column(0).compression == "ZSTD"
    assert "crawl_date" not in pfile.schema_arrow.names
    assert pfile.read()["article_id"].to_pylist() == ["c", "a", "b"]  # published_at, nulls last


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


def test_files_missing_appended_columns_read_as_nulls(tmp_path: Path) -> None:
    part = tmp_path / "articles" / "crawl_date=2024-05-06"
    part.mkdir(parents=True)
    pq.write_table(pa.table({"article_id": ["old"], "url": ["u"]}), part / "part-legacy.parquet")
    got = read_table(str(tmp_path), "articles", columns=["article_id", "story_id"])
    assert got.to_pylist() == [{"article_id": "old", "story_id": None}]


def test_stale_temp_files_are_cleaned_by_the_next_run(tmp_path: Path) -> None:
    part = tmp_path / "articles" / "crawl_date=2024-05-06"
    part.mkdir(parents=True)
    stale = part / ".tmp-part-ingest.parquet.123.abc.tmp"
    other = part / ".tmp-part-warc-1.parquet.123.abc.tmp"
    stale.write_bytes(b"half a file")
    other.write_bytes(b"another producer's write in flight")
    info = publish_day(str(tmp_path), DAY, {"articles": articles("a")})
    assert info.cleaned_temp_files == 1
    assert not stale.exists() and other.exists()


def test_invalid_inputs(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        publish_day(str(tmp_path), DAY, {"nope": articles("a")})
    with pytest.raises(ConfigError):
        publish_day(str(tmp_path), DAY, {"articles": articles("a")}, producer="../x")
    with pytest.raises(ValueError):
        publish_day(str(tmp_path), DAY, {"articles": pa.table({"typo": [1]})})


def test_compacted_partition_keeps_producer_replacement_exact(tmp_path: Path) -> None:
    lake = str(tmp_path)
    publish_day(lake, DAY, {"articles": articles("ab")})
    publish_day(lake, DAY, {"articles": articles("cde")}, producer="warc-1")
    assert compact_partition(lake, "articles", DAY) is True
    part = tmp_path / "articles" / "crawl_date=2024-05-06"
    assert sorted(os.listdir(part)) == ["part-_compacted.parquet"]
    assert ids(tmp_path) == ["a", "b", "c", "d", "e"]
    publish_day(lake, DAY, {"articles": articles("z")}, producer="warc-1")
    assert ids(tmp_path) == ["a", "b", "z"]
    publish_day(lake, DAY, {"articles": articles("q")}, producer="warc-2")
    assert ids(tmp_path) == ["a", "b", "q", "z"]
    remove_day(lake, "articles", DAY, producer="ingest")
    assert ids(tmp_path) == ["q", "z"]
    assert compact_partition(lake, "articles", DAY) is True
    publish_day(lake, DAY, {"articles": articles("r")}, producer="warc-2")
    assert ids(tmp_path) == ["r", "z"]
