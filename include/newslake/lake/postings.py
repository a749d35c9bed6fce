"""The ``postings`` side table: BM25 postings of article titles and bodies, per articles file.

Written by :func:`newslake.lake.publish_day` beside every ``articles`` file (same producer
and day). Terms are made exactly as DuckDB's fts extension makes them (lower case, accents
stripped, split on its separator characters, English stopwords dropped, Snowball English
stem), so BM25 computed over the postings of every day equals the extension's
``match_bm25`` over one index of the whole lake, without building that index: a search
reads only the postings of its query terms.

One row per stem with the positions of the articles holding it in the articles file
(``docs``) and its count in each (``tfs``); the row with ``term = ''`` lists every article
position, its length in terms (``tfs``) and its ``article_ids``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from newslake.lake import schema

STEMMER = "english"
TOKENIZER = "fts_main_tokenizer"
"""Schema of a throw-away fts index whose ``tokenize`` macro and stopwords every session uses."""

KEPT_SQL = """
CREATE TEMP TABLE kept AS
SELECT pos, word, count(*) AS n
FROM (
    SELECT pos, unnest(fts_main_tokenizer.tokenize(text)) AS word FROM docs
)
WHERE word <> '' AND word NOT IN (SELECT sw FROM fts_main_tokenizer.stopwords)
GROUP BY pos, word
"""
"""Non-stopword words of each article with their counts (as the extension tokenizes)."""

TERMS_SQL = """
WITH stems AS (
    SELECT word, stem(word, $stemmer) AS term FROM (SELECT DISTINCT word FROM kept)
), tf AS (
    SELECT term, pos, sum(n)::INT AS tf FROM kept JOIN stems USING (word) GROUP BY term, pos
)
SELECT term, list(pos ORDER BY pos) AS docs, list(tf ORDER BY pos) AS tfs
FROM tf
GROUP BY term
ORDER BY term
"""


def session() -> duckdb.DuckDBPyConnection:
    """A DuckDB session with the fts extension and its ``tokenize`` macro and stopwords."""
    from newslake.lake.extensions import load_extension

    con = duckdb.connect()
    load_extension(con, "fts")
    con.execute("CREATE TABLE tokenizer AS SELECT 1 AS id, '' AS text")
    con.execute(f"PRAGMA create_fts_index('tokenizer', 'id', 'text', stemmer = '{STEMMER}', "
                "stopwords = 'english')")
    return con


def article_postings(articles: pa.Table, producer: str) -> pa.Table:
    """The ``postings`` rows of one articles file (rows in file order), sorted by term."""
    n = articles.num_rows
    docs = pa.table({
        "pos": pa.array(range(n), pa.int32()),
        "text": pc.binary_join_element_wise(
            pc.fill_null(articles["title"], ""),
            pc.fill_null(articles["body"], ""), " "),
    })
    con = session()
    try:
        con.execute("SET threads = 1")
        con.register("docs", docs)
        con.execute(KEPT_SQL)
        terms = con.execute(TERMS_SQL, {"stemmer": STEMMER}).fetch_arrow_table()
        counted = con.execute("SELECT pos, sum(n)::INT AS len FROM kept GROUP BY pos"
                              ).fetch_arrow_table()
    finally:
        con.close()
    lengths = [0] * n
    for pos, length in zip(counted["pos"].to_pylist(), counted["len"].to_pylist(), strict=True):
        lengths[pos] = length
    head = pa.table({
        "term": [""],
        "docs": pa.array([list(range(n))], pa.list_(pa.int32())),
        "tfs": pa.array([lengths], pa.list_(pa.int32())),
        "article_ids": pa.array([articles["article_id"].to_pylist()], pa.list_(pa.string())),
    })
    body = pa.table({
        "term": terms["term"],
        "docs": terms["docs"].cast(pa.list_(pa.int32())),
        "tfs": terms["tfs"].cast(pa.list_(pa.int32())),
        "article_ids": pa.nulls(terms.num_rows, pa.list_(pa.string())),
    })
    rows = pa.concat_tables([head, body])
    rows = rows.append_column("producer", pa.array([producer] * rows.num_rows, pa.string()))
    return schema.conform("postings", rows)


SEARCH_SQL = """
WITH heads AS (
    SELECT crawl_date, producer, tfs AS lens, article_ids FROM postings WHERE term = ''
), stats AS (
    SELECT sum(len(lens)) AS num_docs, sum(list_sum(lens)) / sum(len(lens)) AS avgdl
    FROM heads
), hits AS (
    SELECT crawl_date, producer, term, unnest(docs) AS pos, unnest(tfs) AS tf
    FROM postings WHERE term IN ({terms})
), df AS (
    SELECT term, count(*) AS df FROM hits GROUP BY term
)
SELECT sum(log((stats.num_docs - df.df + 0.5) / (df.df + 0.5) + 1)
           * (h.tf * ($k + 1))
           / (h.tf + $k * (1 - $b + $b * (heads.lens[h.pos + 1] / stats.avgdl)))) AS score,
       h.crawl_date, heads.article_ids[h.pos + 1] AS article_id
FROM hits AS h
JOIN df USING (term)
JOIN heads USING (crawl_date, producer)
CROSS JOIN stats
WHERE h.crawl_date BETWEEN coalesce($date_from, DATE '0001-01-01')
                       AND coalesce($date_to, DATE '9999-12-31')
GROUP BY h.crawl_date, h.producer, h.pos, heads.article_ids[h.pos + 1]
ORDER BY score DESC, article_id
LIMIT $limit
"""
"""BM25 over the postings of the query's stems, with the statistics of the whole lake (as
one fts index of every article would have them) and the date range applied before scoring."""


def query_terms(query: str) -> list[str]:
    """The distinct stems of a query, as ``match_bm25`` makes them."""
    con = session()
    try:
        rows = con.execute(f"SELECT DISTINCT stem(unnest({TOKENIZER}.tokenize($q)), "
                           f"'{STEMMER}') AS t", {"q": query}).fetchall()
    finally:
        con.close()
    return sorted(t for (t,) in rows if t)


def _literals(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def search_postings(con: duckdb.DuckDBPyConnection, query: str, date_from: date | None,
                    date_to: date | None, limit: int, k: float, b: float
                    ) -> list[tuple[Any, ...]]:
    """Best ``limit`` articles for ``query`` over a catalog session's ``postings`` view:
    ``(score, crawl_date, published_at, site, title, url, article_id)`` rows."""
    terms = query_terms(query)
    if not terms:
        return []
    scored = con.execute(SEARCH_SQL.format(terms=_literals(terms)), {
        "k": k, "b": b, "date_from": date_from, "date_to": date_to, "limit": limit,
    }).fetchall()
    if not scored:
        return []
    days = ", ".join(f"DATE '{d.isoformat()}'" for d in sorted({d for _, d, _ in scored}))
    ids = _literals(sorted({a for _, _, a in scored}))
    found = {
        (row[0], row[-1]): row
        for row in con.execute(
            "SELECT crawl_date, published_at, site, title, url, article_id FROM articles "
            f"WHERE crawl_date IN ({days}) "
            f"AND article_id IN ({ids})").fetchall()
    }
    rows = []
    for score, day, article_id in scored:
        row = found.get((day, article_id))
        if row is not None:
            rows.append((score, *row))
    return rows
