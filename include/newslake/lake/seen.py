"""Which URLs the lake already holds: the ``url_index`` table and its lookup.

Every articles file is published with a ``url_index`` file of the same producer and day: one
row per canonical spelling of each article's URL (its ``canonical_url`` and the canonical form
of its ``url``). :func:`seen_urls` answers "already in the lake?" for a handful of candidate
URLs with one semi-join of the candidates' keys against that single column, so the cost of a
lookup follows the index's one small column, never the articles' bodies or a Python pass over
every URL ever published.

Days whose articles were published before the index existed (a ``publish_log`` row that
wrote ``articles`` without ``url_index``, or articles files without an index file) are
answered from their articles' ``url`` and ``canonical_url`` until ``newslake index-terms``
rebuilds their index.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc

from newslake.lake import schema

TABLE = "url_index"


def _canonical(url: str) -> str | None:
    from newslake.dedup.urls import canonicalize_url

    try:
        return canonicalize_url(url)
    except Exception:  # noqa: BLE001 - a malformed URL has no canonical form
        return None


def url_index_rows(articles: pa.Table) -> pa.Table:
    """``url_index`` rows of ``articles``: each distinct canonical spelling of each article."""
    ids = articles["article_id"].to_pylist()
    canonical = articles["canonical_url"].to_pylist()
    urls = articles["url"].to_pylist()
    keys: list[str] = []
    owners: list[str] = []
    for article_id, known, url in zip(ids, canonical, urls, strict=True):
        spellings = {known, _canonical(url) if url else None} - {None}
        for key in sorted(spellings):
            keys.append(key)
            owners.append(article_id)
    return pa.Table.from_arrays([pa.array(keys, pa.string()), pa.array(owners, pa.string())],
                                schema=schema.TABLES[TABLE])


def lookup_keys(urls: Iterable[str]) -> dict[str, list[str]]:
    """Each URL's keys in the index: its canonical form and the URL as given."""
    out: dict[str, list[str]] = {}
    for url in urls:
        key = _canonical(url)
        out[url] = [url] if key in (None, url) else [key, url]
    return out


def seen_urls(lake: str, urls: Iterable[str], exclude_day: date | None = None) -> set[str]:
    """The ``urls`` already in the lake: their canonical form, or the URL as given, is the
    canonical URL (or the canonicalised URL) of an article of any day but ``exclude_day``
    (a re-run of a day crawls that day's URLs again)."""
    from newslake.lake import ducklake

    keys = lookup_keys(urls)
    if not keys or not ducklake.exists(lake):
        return set()
    wanted = pa.table({"url_key": sorted({k for ks in keys.values() for k in ks})})
    con = ducklake.connect(lake)
    try:
        con.register("_newslake_wanted", wanted)
        found: set[str] = set()
        if ducklake.has_table(con, TABLE):
            found = {r[0] for r in con.execute(
                f"SELECT DISTINCT url_key FROM lake.{TABLE} WHERE crawl_date IS DISTINCT FROM ? "
                "AND url_key IN (SELECT url_key FROM _newslake_wanted)", [exclude_day]).fetchall()}
        # a lake of an earlier version, read before its first publish, has no index table:
        # every day is unindexed then
        for day, producer in _unindexed(con, exclude_day):
            found |= _scan_articles(con, day, producer, wanted)
    finally:
        con.close()
    return {url for url, ks in keys.items() if any(k in found for k in ks)}


def _unindexed(con, exclude_day: date | None) -> list[tuple[date, str | None]]:
    """``(day, producer)`` whose articles may lack their ``url_index`` rows (producer None:
    every producer of the day): a commit wrote articles without the index, or the day has
    articles files but no index file (both from the catalog, no data file read)."""
    from newslake.lake.ducklake import LIVE_FILES_SQL

    # Only a commit prepared before the index table existed can lack its rows: bounding
    # committed_at by a constant lets DuckLake skip every later publish_log file by its
    # statistics, so the check costs the same however many days the lake holds.
    created = _index_created_at(con)
    before = "" if created is None else f"AND committed_at < TIMESTAMPTZ '{created}'"
    logged = con.execute(
        "SELECT DISTINCT crawl_date, producer FROM lake.publish_log "
        "WHERE list_contains(tables, 'articles') AND NOT list_contains(tables, ?) "
        f"AND crawl_date IS DISTINCT FROM ? {before}", [TABLE, exclude_day]).fetchall()
    files = con.execute(
        f"SELECT DISTINCT partition_value FROM ({LIVE_FILES_SQL}) WHERE table_name = 'articles' "
        f"EXCEPT SELECT partition_value FROM ({LIVE_FILES_SQL}) WHERE table_name = ?",
        [TABLE]).fetchall()
    days = {date.fromisoformat(r[0]) for r in files if r[0]} - {exclude_day}
    return sorted({(d, None) for d in days} | {(d, p) for d, p in logged if d not in days},
                  key=lambda item: (item[0], item[1] or ""))


def _index_created_at(con) -> str | None:
    """When the commit that created the ``url_index`` table was made, as the catalog spells
    it (None: no such table)."""
    from newslake.lake.ducklake import META_ALIAS

    row = con.execute(
        f"SELECT min(s.snapshot_time) FROM {META_ALIAS}.ducklake_table AS t "
        f"JOIN {META_ALIAS}.ducklake_snapshot AS s ON s.snapshot_id = t.begin_snapshot "
        "WHERE t.table_name = ?", [TABLE]).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _scan_articles(con, day: date, producer: str | None, wanted: pa.Table) -> set[str]:
    """Keys of ``wanted`` among one unindexed day's articles (canonicalised in Python)."""
    where, params = "crawl_date = ?", [day]
    if producer is not None:
        where, params = f"{where} AND producer = ?", [day, producer]
    data = con.execute(f"SELECT article_id, url, canonical_url FROM lake.articles WHERE {where}",
                       params).fetch_arrow_table()
    rows = url_index_rows(data)
    hit = pc.is_in(rows["url_key"], value_set=wanted["url_key"])
    return set(rows.filter(hit)["url_key"].to_pylist())


def seen_article_ids(lake: str, ids: pa.Array | pa.ChunkedArray,
                     exclude_day: date | None = None) -> pa.Array:
    """The ``ids`` of articles published on a day other than ``exclude_day`` (distinct), by
    one semi-join against the articles' ``article_id`` column."""
    from newslake.lake import ducklake

    wanted = pc.unique(ids.drop_null()).cast(pa.string())
    if not len(wanted) or not ducklake.exists(lake):
        return pa.array([], pa.string())
    con = ducklake.connect(lake)
    try:
        con.register("_newslake_ids", pa.table({"article_id": wanted}))
        found = con.execute(
            "SELECT DISTINCT article_id FROM lake.articles WHERE crawl_date IS DISTINCT FROM ? "
            "AND article_id IN (SELECT article_id FROM _newslake_ids) ORDER BY 1",
            [exclude_day]).fetch_arrow_table()
    finally:
        con.close()
    return found["article_id"].combine_chunks().cast(pa.string())
