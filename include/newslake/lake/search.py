"""Full-text search over article titles and bodies (BM25 as DuckDB's fts extension scores it).

When every day of the lake has its ``postings`` (written by ``publish_day``), a search reads
only the postings of the query's stems (:mod:`newslake.lake.postings`): no index to build.
Otherwise it uses an fts index of the whole lake:
The index lives in ``<lake>/_search/fts.duckdb`` for a local lake (an in-memory index is
built per call for an S3 lake). It records the lake snapshot it was built from and is
rebuilt when the lake has a newer one, so a search never answers from a stale index.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb

from newslake.lake import layout
from newslake.lake.catalog import connect
from newslake.lake.extensions import load_extension, new_session
from newslake.lake.postings import connect_postings, search_postings
from newslake.lake.terms import unindexed_days_in

RESULT_COLUMNS = ["score", "crawl_date", "published_at", "site", "title", "url", "article_id"]
BM25_K, BM25_B = 1.2, 0.75
"""BM25 parameters (the fts extension's defaults)."""

SEARCH_SQL = """
WITH tokens AS (
    SELECT DISTINCT stem(unnest(fts_main_docs.tokenize($query)), 'english') AS term
), query_terms AS (
    SELECT dict.termid, dict.df FROM fts_main_docs.dict AS dict JOIN tokens USING (term)
), in_range AS (
    SELECT d.docid
    FROM fts_main_docs.docs AS d JOIN docs AS a ON a.article_id = d.name
    WHERE a.crawl_date BETWEEN coalesce($date_from, DATE '0001-01-01')
                           AND coalesce($date_to, DATE '9999-12-31')
), term_freq AS (
    SELECT docid, termid, count(*) AS tf
    FROM fts_main_docs.terms
    WHERE termid IN (SELECT termid FROM query_terms) AND docid IN (SELECT docid FROM in_range)
    GROUP BY docid, termid
), scores AS (
    SELECT f.docid,
           sum(log((stats.num_docs - q.df + 0.5) / (q.df + 0.5) + 1)
               * (f.tf * ($k + 1))
               / (f.tf + $k * (1 - $b + $b * (d.len / stats.avgdl)))) AS score
    FROM term_freq AS f
    JOIN query_terms AS q USING (termid)
    JOIN fts_main_docs.docs AS d ON d.docid = f.docid
    CROSS JOIN fts_main_docs.stats AS stats
    GROUP BY f.docid
)
SELECT s.score, a.crawl_date, a.published_at, a.site, a.title, a.url, a.article_id
FROM scores AS s
JOIN fts_main_docs.docs AS d ON d.docid = s.docid
JOIN docs AS a ON a.article_id = d.name
ORDER BY s.score DESC, a.article_id
LIMIT $limit
"""
"""BM25 over the index tables, as the extension's ``match_bm25`` scores it, with the date
range applied before scoring."""


@dataclass(frozen=True)
class IndexInfo:
    """A built full-text index: where it is and how many articles it covers."""

    path: str | None
    articles: int
    rebuilt: bool


def fingerprint(lake: str) -> str:
    """Identity of the lake state the index covers: its current snapshot id."""
    from newslake.lake import ducklake

    con = ducklake.connect(lake)
    try:
        return str(con.execute("SELECT id FROM lake.current_snapshot()").fetchone()[0])
    finally:
        con.close()


def _fill_index(con: duckdb.DuckDBPyConnection, lake: str) -> int:
    load_extension(con, "fts")
    source = connect(lake)
    try:
        arrow = source.sql(
            "SELECT article_id, crawl_date, published_at, site, title, url, "
            "coalesce(title, '') || ' ' || coalesce(body, '') AS text FROM articles"
        ).to_arrow_table()
    finally:
        source.close()
    con.register("articles_arrow", arrow)
    con.execute("CREATE OR REPLACE TABLE docs AS SELECT * FROM articles_arrow")
    con.unregister("articles_arrow")
    con.execute(
        "PRAGMA create_fts_index('docs', 'article_id', 'text', stemmer = 'english', "
        "stopwords = 'english', overwrite = 1)"
    )
    con.execute("ALTER TABLE docs DROP COLUMN text")
    return arrow.num_rows


def build_index(lake: str, force: bool = False) -> IndexInfo:
    """Build (or reuse, when still current) the full-text index of a local lake."""
    from newslake.lake import ducklake

    loc = ducklake.location(lake)
    if not loc.is_local:
        raise ValueError("a persisted index needs a local lake; search() builds one in memory")
    target = layout.search_index(loc.root)
    directory = os.path.dirname(target)
    current = fingerprint(lake)
    if not force and os.path.exists(target):
        con = new_session(target, read_only=True)
        try:
            stored, count = con.execute("SELECT fingerprint, articles FROM index_state").fetchone()
        except duckdb.Error:
            stored, count = None, 0
        finally:
            con.close()
        if stored == current:
            return IndexInfo(path=target, articles=count, rebuilt=False)
    os.makedirs(directory, exist_ok=True)
    temp = os.path.join(directory, f".tmp-{os.path.basename(target)}.{uuid.uuid4().hex}.tmp")
    try:
        con = new_session(temp)
        try:
            count = _fill_index(con, lake)
            con.execute("CREATE TABLE index_state AS SELECT ? AS fingerprint, ? AS articles",
                        [current, count])
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(temp, target)
    finally:
        for leftover in (temp, temp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return IndexInfo(path=target, articles=count, rebuilt=True)


def search(lake: str, query: str, date_from: date | None = None, date_to: date | None = None,
           limit: int = 20) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Articles matching ``query`` (BM25 over title and body), best first.

    ``date_from`` / ``date_to`` bound the crawl date (inclusive). Returns
    ``(columns, rows)`` with the columns of :data:`RESULT_COLUMNS`.
    """
    from newslake.lake import ducklake

    if not ducklake.exists(lake):
        return list(RESULT_COLUMNS), []
    con = connect_postings(lake)
    try:
        if not unindexed_days_in(con, "postings"):
            return list(RESULT_COLUMNS), search_postings(
                con, query, date_from, date_to, limit, BM25_K, BM25_B)
    finally:
        con.close()
    if ducklake.location(lake).is_local:
        info = build_index(lake)
        con = new_session(info.path, read_only=True)
    else:
        con = new_session()
        _fill_index(con, lake)
    try:
        load_extension(con, "fts")
        con.execute("SET TimeZone = 'UTC'")
        rows = con.execute(
            SEARCH_SQL,
            {"query": query, "date_from": date_from, "date_to": date_to, "limit": limit,
             "k": BM25_K, "b": BM25_B},
        ).fetchall()
    finally:
        con.close()
    return list(RESULT_COLUMNS), rows
