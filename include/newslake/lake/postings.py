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
    from newslake.lake.extensions import load_extension, new_session

    con = new_session()
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
    length_array = pa.array(lengths, pa.int32())
    head = pa.table({
        "term": [""],
        "docs": pa.array([list(range(n))], pa.list_(pa.int32())),
        "tfs": pa.array([lengths], pa.list_(pa.int32())),
        "article_ids": pa.array([articles["article_id"].to_pylist()], pa.list_(pa.string())),
    })
    docs = terms["docs"].combine_chunks().cast(pa.list_(pa.int32()))
    body = pa.table({
        "term": terms["term"],
        "docs": docs,
        "tfs": terms["tfs"].cast(pa.list_(pa.int32())),
        "article_ids": pa.nulls(terms.num_rows, pa.list_(pa.string())),
    })
    rows = pa.concat_tables([head, body])
    return schema.conform("postings", with_lengths(rows, length_array, producer))


def with_lengths(rows: pa.Table, lengths: pa.Array, producer: str) -> pa.Table:
    """Add ``producer``, ``df``, ``lens`` (each posting's article length) and ``total``."""
    docs = rows["docs"].combine_chunks()
    flat_lens = lengths.take(pc.list_flatten(docs))
    lens = pa.ListArray.from_arrays(docs.offsets, flat_lens)
    parents = pc.list_parent_indices(docs)
    summed = pa.table({"row": parents, "len": flat_lens}).group_by("row").aggregate(
        [("len", "sum")])
    total = [0] * rows.num_rows
    for row, value in zip(summed["row"].to_pylist(), summed["len_sum"].to_pylist(),
                          strict=True):
        total[row] = value
    return (rows.append_column("producer", pa.array([producer] * rows.num_rows, pa.string()))
            .append_column("df", pc.list_value_length(docs).cast(pa.int32()))
            .append_column("lens", lens)
            .append_column("total", pa.array(total, pa.int64())))


SEARCH_SQL = """
WITH df AS (
    SELECT term, sum(df) AS df FROM ({df_rows}) GROUP BY term
), stats AS (
    SELECT sum(df) AS num_docs, sum(total) / sum(df) AS avgdl FROM postings WHERE term = ''
), hits AS (
    SELECT crawl_date, producer, term,
           unnest(docs) AS pos, unnest(tfs) AS tf, unnest(lens) AS len
    FROM ({hit_rows})
), scored AS (
    SELECT h.crawl_date, h.producer, h.pos,
           sum(log((stats.num_docs - df.df + 0.5) / (df.df + 0.5) + 1)
               * (h.tf * ($k + 1))
               / (h.tf + $k * (1 - $b + $b * (h.len / stats.avgdl)))) AS score
    FROM hits AS h
    JOIN df USING (term)
    CROSS JOIN stats
    GROUP BY h.crawl_date, h.producer, h.pos
), best AS (  -- the best $limit scores and every tie of the last one
    SELECT * FROM scored
    WHERE score >= (SELECT min(score) FROM (
        SELECT score FROM scored ORDER BY score DESC LIMIT $limit))
)
SELECT score, crawl_date, producer, pos FROM best
"""
"""BM25 over the postings of the query's stems, with the statistics of the whole lake (as
one fts index of every article would have them) and the date range applied before scoring.
Gives ``(score, crawl_date, producer, pos)`` of the best rows (with every tie of the last),
whose article ids :func:`search_postings` looks up in those days only. ``{df_rows}`` and
``{hit_rows}`` are :func:`term_rows` of the query's stems."""


def term_rows(terms: list[str], columns: str, where: str = "") -> str:
    """A UNION ALL of one ``term = '...'`` select of ``postings`` per stem.

    DuckLake pushes an equality into the scan (only the row groups whose term range holds
    it are read) but not an IN list or an OR: a two-word query read every row group.
    """
    extra = f" AND {where}" if where else ""
    return " UNION ALL ".join(
        f"SELECT {columns} FROM postings WHERE term = {_literals([t])}{extra}" for t in terms)


def search_sql(terms: list[str]) -> str:
    """:data:`SEARCH_SQL` for the stems ``terms`` (parameters ``$k $b $limit $date_from
    $date_to``)."""
    return SEARCH_SQL.format(
        df_rows=term_rows(terms, "term, df"),
        hit_rows=term_rows(terms, "crawl_date, producer, term, docs, tfs, lens",
                           "crawl_date BETWEEN $date_from AND $date_to"))


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


def connect_postings(lake: str) -> duckdb.DuckDBPyConnection:
    """A session with just the ``postings`` and ``articles`` views a search reads."""
    from newslake.lake import ducklake

    con = ducklake.connect(lake)
    for table in ("postings", "articles"):
        con.execute(f"CREATE VIEW memory.main.{table} AS SELECT * FROM lake.{table}")
    return con


def search_postings(con: duckdb.DuckDBPyConnection, query: str, date_from: date | None,
                    date_to: date | None, limit: int, k: float, b: float
                    ) -> list[tuple[Any, ...]]:
    """Best ``limit`` articles for ``query`` over a session's ``postings`` view:
    ``(score, crawl_date, published_at, site, title, url, article_id)`` rows."""
    terms = query_terms(query)
    if not terms:
        return []
    best = con.execute(search_sql(terms), {
        "k": k, "b": b, "limit": limit,
        "date_from": date_from or date(1, 1, 1), "date_to": date_to or date(9999, 12, 31),
    }).fetchall()
    if not best:
        return []
    days = sorted({day for _, day, _, _ in best})
    in_days = ", ".join(f"DATE '{d.isoformat()}'" for d in days)
    ids = {(day, producer): article_ids for day, producer, article_ids in con.execute(
        "SELECT crawl_date, producer, article_ids FROM postings "
        f"WHERE term = '' AND crawl_date IN ({in_days})").fetchall()}
    scored = sorted(((score, day, ids[day, producer][pos])
                     for score, day, producer, pos in best),
                    key=lambda row: (-row[0], row[2]))[:limit]
    found = {
        (row[0], row[-1]): row
        for row in con.execute(
            "SELECT crawl_date, published_at, site, title, url, article_id FROM articles "
            f"WHERE crawl_date IN ({in_days}) "
            f"AND article_id IN ({_literals(sorted({a for _, _, a in scored}))})").fetchall()
    }
    rows = []
    for score, day, article_id in scored:
        row = found.get((day, article_id))
        if row is not None:
            rows.append((score, *row))
    return rows

