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

import pyarrow as pa
import pyarrow.compute as pc

from newslake.lake import schema
from newslake.lake.storage import Lake

log = logging.getLogger(__name__)

INDEX_TABLES = ("terms", "postings")
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
    """Each producer's rows of one table and day (segments of a compacted file included)."""
    from newslake.lake.parquet import read_file, read_metadata, segments_of
    from newslake.lake.publish import COMPACTED, file_name
    from newslake.lake.storage import open_lake

    store = open_lake(lake)
    parts: dict[str, pa.Table] = {}
    prefix, suffix = file_name("|").split("|")
    for info in store.data_files(store.partition(table, crawl_date)):
        producer = info.base_name[len(prefix):-len(suffix)]
        data = read_file(store, info.path, table, columns)
        if producer != COMPACTED:
            parts[producer] = data
            continue
        offset = 0
        for name, count in segments_of(read_metadata(store, info.path)):
            parts[name] = data.slice(offset, count)
            offset += count
    return parts


def index_day(lake: str, crawl_date: date) -> dict[str, int]:
    """Rebuild the ``terms`` and ``postings`` files of one day; returns terms per producer.

    Idempotent: every producer's articles part is indexed again and replaces that
    producer's parts; index parts of producers without articles are removed.
    """
    from newslake.lake.postings import article_postings
    from newslake.lake.publish import publish_day, remove_day

    parts = day_parts(lake, "articles", crawl_date)
    written: dict[str, int] = {}
    for producer, rows in parts.items():
        info = publish_day(lake, crawl_date, {
            "terms": article_terms(rows, producer),
            "postings": article_postings(rows, producer),
        }, producer=producer)
        written[producer] = info.rows["terms"]
    for table in INDEX_TABLES:
        for producer in day_parts(lake, table, crawl_date, columns=["producer"]):
            if producer not in parts:
                remove_day(lake, table, crawl_date, producer)
    log.info("indexed terms of %s: %s", crawl_date, written)
    return written

def _producers(store: Lake, partition_dir: str) -> set[str]:
    """Producers with a part in a partition directory (segments of a compacted file too)."""
    from newslake.lake.parquet import read_metadata, segments_of
    from newslake.lake.publish import COMPACTED, file_name

    prefix, suffix = file_name("|").split("|")
    found: set[str] = set()
    for info in store.data_files(partition_dir):
        producer = info.base_name[len(prefix):-len(suffix)]
        if producer == COMPACTED:
            found.update(p for p, _ in segments_of(read_metadata(store, info.path)))
        else:
            found.add(producer)
    return found


def unindexed_days(store: Lake, table: str = "terms") -> list[date]:
    """Crawl days with an articles part whose ``table`` part (an index table) is missing."""
    indexed = store.partitions(table)
    missing = []
    for day, path in sorted(store.partitions("articles").items()):
        producers = _producers(store, path)
        if producers and (day not in indexed or producers - _producers(store, indexed[day])):
            missing.append(day)
    return missing


def terms_missing_sql(days: list[date]) -> str:
    """``CREATE VIEW terms_missing``: the days that ``keyword_coverage`` must scan."""
    if not days:
        body = "SELECT CAST(NULL AS DATE) AS crawl_date WHERE false"
    else:
        values = ", ".join(f"(DATE '{d.isoformat()}')" for d in days)
        body = f"SELECT crawl_date FROM (VALUES {values}) AS days(crawl_date)"
    return f"CREATE OR REPLACE VIEW terms_missing AS {body}"
