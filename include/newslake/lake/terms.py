"""The ``terms`` side table: a per-file inverted index of article titles and bodies.

For every ``articles`` file (one producer, one crawl day) :func:`publish_day` writes a
``terms`` file of the same producer and day with one row per distinct lower-cased word of
the file's titles and bodies: the word, how many articles hold it and their positions in the
articles file. A row with ``term = ''`` holds the file's article count, so a reader can tell
that a day is fully indexed. ``keyword_coverage`` then reads a few matching terms instead of
every body, and :func:`index_day` (``newslake index-terms``) rebuilds a day idempotently.

A word is a maximal run of letters, digits and underscores, so a keyword made of such
characters occurs in a text (ignoring case) exactly when it is a substring of one of its
words.
"""

from __future__ import annotations

import logging
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from newslake.lake import schema

log = logging.getLogger(__name__)

INDEX_TABLES = ("terms", "postings", "url_index")
"""Tables written from each articles file (by publish_day and index_day)."""
SEPARATOR = r"[^\p{L}\p{N}_]+"
"""Runs of characters that separate words (RE2 syntax, shared by Arrow and DuckDB)."""


def article_terms(articles: pa.Table, producer: str) -> pa.Table:
    """The ``terms`` rows of one articles file (rows in file order), sorted by term."""
    n = articles.num_rows
    count_row = pa.table({"term": [""], "df": pa.array([n], pa.int32()),
                          "docs": pa.array([None], pa.list_(pa.int32())),
                          "producer": [producer]})
    if n == 0:
        return schema.conform("terms", count_row)
    text = pc.binary_join_element_wise(pc.fill_null(articles["title"], ""),
                                       pc.fill_null(articles["body"], ""), " ")
    words = pc.split_pattern_regex(pc.utf8_lower(text), SEPARATOR)
    flat = pc.list_flatten(words)
    doc = pc.list_parent_indices(words).cast(pa.int32())
    pairs = pa.table({"term": flat, "doc": doc}).filter(pc.not_equal(flat, ""))
    distinct = pairs.group_by(["term", "doc"], use_threads=False).aggregate([])
    distinct = distinct.sort_by([("term", "ascending"), ("doc", "ascending")])
    grouped = distinct.group_by("term", use_threads=False).aggregate([("doc", "list")])
    grouped = grouped.sort_by("term")
    docs = grouped["doc_list"].combine_chunks().cast(pa.list_(pa.int32()))
    index = pa.table({
        "term": grouped["term"],
        "df": pc.list_value_length(docs).cast(pa.int32()),
        "docs": docs,
        "producer": pa.array([producer] * grouped.num_rows, pa.string()),
    })
    return schema.conform("terms", pa.concat_tables([count_row.cast(index.schema), index]))


def day_parts(lake: str, table: str, crawl_date: date,
              columns: list[str] | None = None) -> dict[str, pa.Table]:
    """Each producer's rows of one table and day."""
    wanted = list(columns or schema.TABLES[table].names)
    data = _with_producer(lake, table, crawl_date, wanted)
    return {
        producer: data.filter(pc.equal(data["_producer"], producer)).select(wanted)
        for producer in sorted(set(data["_producer"].to_pylist()))
    }


def _with_producer(lake: str, table: str, crawl_date: date, columns: list[str]) -> pa.Table:
    from newslake.lake import ducklake

    if not ducklake.exists(lake):
        return pa.table({**{c: schema.empty(table)[c] for c in columns
                            if c in schema.TABLES[table].names},
                         "_producer": pa.array([], pa.string())})
    con = ducklake.connect(lake)
    try:
        cols = ", ".join(f'"{c}"' for c in columns)
        data = con.execute(
            f"SELECT {cols}, producer AS _producer FROM lake.{table} WHERE crawl_date = ?",
            [crawl_date]).fetch_arrow_table()
    finally:
        con.close()
    target = schema.TABLES[table]
    return pa.Table.from_arrays(
        [data[c].cast(target.field(c).type) for c in columns] + [data["_producer"]],
        names=[*columns, "_producer"])


def index_day(lake: str, crawl_date: date) -> dict[str, int]:
    """Rebuild the ``terms``, ``postings`` and ``url_index`` of one day; returns terms per
    producer.

    Idempotent: every producer's articles are indexed again and replace that producer's
    index rows (one commit per producer); index rows of producers without articles are
    removed.
    """
    from newslake.lake.postings import article_postings
    from newslake.lake.publish import publish_day, remove_day
    from newslake.lake.seen import url_index_rows

    parts = day_parts(lake, "articles", crawl_date)
    written: dict[str, int] = {}
    for producer, rows in parts.items():
        info = publish_day(lake, crawl_date, {
            "terms": article_terms(rows, producer),
            "postings": article_postings(rows, producer),
            "url_index": url_index_rows(rows),
        }, producer=producer, run_id=f"index-terms-{crawl_date.isoformat()}")
        written[producer] = info.rows["terms"]
    for table in INDEX_TABLES:
        key = schema.TABLES[table].names[0]
        for producer in day_parts(lake, table, crawl_date, columns=[key]):
            if producer not in parts:
                remove_day(lake, table, crawl_date, producer)
    log.info("indexed terms of %s: %s", crawl_date, written)
    return written


def unindexed_days(lake: str, table: str = "terms") -> list[date]:
    """Crawl days with a producer's articles whose ``table`` rows (an index) are missing."""
    from newslake.lake import ducklake

    if not ducklake.exists(lake):
        return []
    con = ducklake.connect(lake)
    try:
        return unindexed_days_in(con, table)
    finally:
        con.close()


def unindexed_days_in(con: duckdb.DuckDBPyConnection, table: str = "terms") -> list[date]:
    """:func:`unindexed_days` in an open lake session (the lake attached as ``lake``); every
    day with articles when the lake has no ``table`` yet (written by an earlier version)."""
    from newslake.lake import ducklake

    if not ducklake.has_table(con, table):
        return [r[0] for r in con.execute(
            "SELECT DISTINCT crawl_date FROM lake.articles ORDER BY 1").fetchall()]
    marker = "" if table == "url_index" else "WHERE term = ''"  # every article has a key
    rows = con.execute(
        "SELECT DISTINCT crawl_date FROM (SELECT DISTINCT crawl_date, producer "
        f"FROM lake.articles EXCEPT SELECT crawl_date, producer FROM lake.{table} "
        f"{marker}) ORDER BY 1").fetchall()
    return [r[0] for r in rows]
