"""Analyst queries over a synthetic year of news: the DuckLake lake vs one file vs JSON Lines.

Generates ``--articles`` articles over 365 days (bodies of 300-1,500 words) with the real
``publish_day`` (one DuckLake commit per day), reports the catalog's size after those
commits and the time to commit one 10,000-article day, then times every analyst macro on a
one-month and a full-year range through the catalog (partitioned Parquet), over a single
unpartitioned Parquet file and
over JSON Lines (the baseline), shows partition pruning with EXPLAIN ANALYZE on a one-week
query, and times full-text search (BM25 over the lake's postings; up to
``--fts-max-articles`` also the fts extension's index, built in the run, as a baseline).

    .venv/bin/python bench/query.py --articles 20000          # quick
    .venv/bin/python bench/query.py                           # 1,000,000 articles
    .venv/bin/python bench/query.py --dir /tmp/bench1m --reuse  # keep and reuse a lake

The last line of output is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from newslake.config import SQL_DIR
from newslake.lake import ducklake, layout, publish_day, schema
from newslake.lake.catalog import connect
from newslake.lake.search import build_index, search
from newslake.lake.terms import index_day, unindexed_days

START = date(2024, 1, 1)
DAYS = 365
MONTH = ("2024-06-01", "2024-06-30")
YEAR = ("2024-01-01", "2024-12-31")
WEEK = ("2024-03-04", "2024-03-10")
KEYWORD = "election"
N_PUBLISHERS, N_SYNDICATORS = 12, 28
COPY_SHARE = 0.3
VOCAB_SIZE = 20_000
MEMORY_LIMIT = "6GB"
"""DuckDB's memory limit in every benchmark session (the machine is shared)."""

QUERIES: dict[str, str] = {
    "articles_between": "SELECT article_id, site, title, published_at "
                        "FROM articles_between('{a}', '{b}')",
    "stories_with_copies": "SELECT story_id, title, articles, copies, sites "
                           "FROM stories_with_copies('{a}', '{b}')",
    "syndication_lag": "SELECT * FROM syndication_lag('{a}', '{b}')",
    "top_sites": "SELECT * FROM top_sites('{a}', '{b}', n := 10)",
    "keyword_coverage": f"SELECT * FROM keyword_coverage('{KEYWORD}', '{{a}}', '{{b}}')",
}


def _vocabulary(rng: np.random.Generator) -> tuple[pa.Array, np.ndarray]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    lengths = rng.integers(2, 11, VOCAB_SIZE)
    words = ["".join(rng.choice(letters, n)) for n in lengths]
    words[3000] = KEYWORD  # a rare word; the generator boosts it seasonally
    weights = 1.0 / np.arange(1, VOCAB_SIZE + 1) ** 1.05  # Zipf-like word frequencies
    return pa.array(words), weights / weights.sum()


def _texts(rng: np.random.Generator, vocab: pa.Array, cdf: np.ndarray,
           counts: np.ndarray) -> pa.Array:
    """One string per entry of ``counts`` with that many words drawn from ``vocab``."""
    idx = np.searchsorted(cdf, rng.random(int(counts.sum())))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    words = pa.ListArray.from_arrays(pa.array(offsets), vocab.take(pa.array(idx)))
    return pc.binary_join(words, " ")


class Year:
    """The synthetic year's random state, vocabulary and sites: :meth:`day` gives day ``d``."""

    def __init__(self, n_articles: int, seed: int = 42) -> None:
        self.rng = np.random.default_rng(seed)
        self.vocab, weights = _vocabulary(self.rng)
        self.cdf = np.cumsum(weights)
        self.publishers = np.array([f"publisher{i}.com" for i in range(N_PUBLISHERS)])
        self.syndicators = np.array([f"syndicator{i}.net" for i in range(N_SYNDICATORS)])
        self.per_day = np.full(DAYS, n_articles // DAYS)
        self.per_day[: n_articles % DAYS] += 1

    def day(self, d: int, n: int | None = None) -> dict[str, pa.Table]:
        """The tables of day number ``d`` (``n`` articles, else the day's share)."""
        count = int(self.per_day[d]) if n is None else n
        return day_tables(self.rng, self.vocab, self.cdf, self.publishers, self.syndicators,
                          d, count)


def generate(lake: Path, n_articles: int, seed: int = 42) -> dict[str, float]:
    """Publish ``n_articles`` over :data:`DAYS` days; returns sizes and timings."""
    year = Year(n_articles, seed)
    started = time.perf_counter()
    con = ducklake.connect(str(lake), read_only=False)
    try:
        for d in range(DAYS):
            publish_day(str(lake), START + timedelta(days=d), year.day(d), producer="bench",
                        con=con)
    finally:
        con.close()
    generate_s = time.perf_counter() - started
    catalog_bytes = _catalog_bytes(lake)
    tables = year.day(DAYS, COMMIT_DAY_ARTICLES)
    started = time.perf_counter()
    publish_day(str(lake), START + timedelta(days=DAYS + 30), tables, producer="bench")
    return {"generate_s": generate_s, "catalog_bytes_365_commits": catalog_bytes,
            "commit_10k_articles_s": round(time.perf_counter() - started, 2)}


COMMIT_DAY_ARTICLES = 10_000
"""Articles of the day whose commit is timed (published a month after the year)."""


def _catalog_bytes(lake: Path) -> int:
    return sum(p.stat().st_size for p in lake.glob(f"{layout.CATALOG_FILE}*"))


def day_tables(rng: np.random.Generator, vocab: pa.Array, cdf: np.ndarray,
               publishers: np.ndarray, syndicators: np.ndarray, d: int,
               n: int) -> dict[str, pa.Table]:
    """The articles, stories and syndication of day number ``d`` with ``n`` articles."""
    day = START + timedelta(days=d)
    n_orig = max(1, int(round(n * (1 - COPY_SHARE))))
    n_copy = n - n_orig
    base = datetime(day.year, day.month, day.day, tzinfo=UTC)
    orig_minutes = np.sort(rng.integers(0, 24 * 60, n_orig))
    origin = rng.integers(0, n_orig, n_copy)
    lag = rng.exponential(180.0, n_copy).round(1)
    ids = np.array([f"{d:03d}-{i:06d}" for i in range(n)])
    sites = np.concatenate([
        publishers[rng.integers(0, N_PUBLISHERS, n_orig)],
        syndicators[rng.integers(0, N_SYNDICATORS, n_copy)],
    ])
    story = np.concatenate([ids[:n_orig], ids[origin]])
    minutes = np.concatenate([orig_minutes, orig_minutes[origin] + lag])
    published = pa.array((np.datetime64(base.replace(tzinfo=None), "us")
                          + (minutes * 60e6).astype("timedelta64[us]")),
                         pa.timestamp("us", tz="UTC"))
    # the keyword's coverage rises and falls over the year
    boost = np.where(rng.random(n) < 0.05 + 0.25 * np.sin(np.pi * d / DAYS) ** 4, 1, 0)
    words = rng.integers(300, 1501, n)
    bodies = _texts(rng, vocab, cdf, words)
    bodies = pc.if_else(pa.array(boost.astype(bool)),
                        pc.binary_join_element_wise(bodies, pa.scalar(KEYWORD), " "),
                        bodies)
    titles = _texts(rng, vocab, cdf, rng.integers(5, 13, n))
    urls = pc.binary_join_element_wise(pa.scalar("https://"), pa.array(sites),
                                       pa.scalar("/"), pa.array(ids), "")
    articles = pa.table({
        "article_id": ids, "url": urls, "canonical_url": urls, "site": sites,
        "source_id": sites, "title": titles, "published_at": published,
        "fetched_at": published, "language": pa.array(["en"] * n), "body": bodies,
        "word_count": pa.array(words, pa.int32()),
        "story_id": story, "is_original": np.arange(n) < n_orig,
    })
    orig_sites = sites[:n_orig]
    syndication = pa.table({
        "story_id": ids[origin], "article_id": ids[n_orig:], "site": sites[n_orig:],
        "original_site": orig_sites[origin], "lag_minutes": lag,
    })
    copies = np.bincount(origin, minlength=n_orig)
    stories = pa.table({
        "story_id": ids[:n_orig], "title": titles.slice(0, n_orig),
        "original_article_id": ids[:n_orig], "original_url": urls.slice(0, n_orig),
        "original_site": orig_sites, "first_published_at": published.slice(0, n_orig),
        "copies": pa.array(copies, pa.int32()),
        "articles": pa.array(copies + 1, pa.int32()),
    })
    return {
        "articles": schema.conform("articles", articles),
        "stories": schema.conform("stories", stories),
        "syndication": schema.conform("syndication", syndication),
    }


def _baseline(path: Path, fmt: str) -> duckdb.DuckDBPyConnection:
    """A session whose base views read one file per table (Parquet or JSON Lines)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    for table, view in (("articles", "articles"), ("stories", "stories_history"),
                        ("syndication", "syndication")):
        if fmt == "parquet":
            source = f"read_parquet('{path}/{table}.parquet')"
        else:
            source = f"read_json('{path}/{table}.jsonl', format = 'newline_delimited')"
        con.execute(f"CREATE VIEW {view} AS SELECT * FROM {source}")
    # no terms index in the baselines: keyword_coverage scans the text of every day
    con.execute("CREATE VIEW terms AS SELECT * FROM (SELECT ''::VARCHAR AS term, "
                "0::INT AS df, []::INT[] AS docs, ''::VARCHAR AS producer, "
                "NULL::DATE AS crawl_date) WHERE false")
    con.execute("CREATE VIEW terms_missing AS SELECT DISTINCT crawl_date FROM articles")
    for name in ("views.sql", "macros.sql"):
        con.execute((Path(SQL_DIR) / name).read_text())
    return con


def export_baselines(lake: Path, out: Path, jsonl: bool = True) -> dict[str, float]:
    """Write every table as one Parquet file (and as JSON Lines when ``jsonl``)."""
    con = connect(str(lake))
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    sizes = {}
    try:
        for table, view in (("articles", "articles"), ("stories", "stories_history"),
                            ("syndication", "syndication")):
            con.execute(f"COPY (SELECT * FROM {view}) TO '{out}/{table}.parquet' "
                        "(FORMAT parquet, COMPRESSION zstd)")
            if jsonl:
                con.execute(f"COPY (SELECT * FROM {view}) TO '{out}/{table}.jsonl' "
                            "(FORMAT json)")
        sizes["single_parquet_bytes"] = (out / "articles.parquet").stat().st_size
        sizes["jsonl_bytes"] = (out / "articles.jsonl").stat().st_size if jsonl else 0
    finally:
        con.close()
    return sizes


def _search_fts_index(path: str, query: str, year: tuple[str, str],
                      expected: list[tuple]) -> tuple[float, bool]:
    """Time the same search over an fts index of the whole lake; also whether it agrees."""
    from newslake.lake.extensions import load_extension
    from newslake.lake.search import BM25_B, BM25_K, SEARCH_SQL

    con = duckdb.connect(path, read_only=True)
    try:
        load_extension(con, "fts")
        params = {"query": query, "date_from": date.fromisoformat(year[0]),
                  "date_to": date.fromisoformat(year[1]), "limit": 20, "k": BM25_K,
                  "b": BM25_B}
        con.execute(SEARCH_SQL, params).fetchall()
        started = time.perf_counter()
        rows = con.execute(SEARCH_SQL, params).fetchall()
        seconds = time.perf_counter() - started
    finally:
        con.close()
    same = [r[-1] for r in rows] == [r[-1] for r in expected]
    return seconds, same


def time_query(con: duckdb.DuckDBPyConnection, sql: str, repeat: int) -> float:
    """Best wall time of ``repeat`` runs, the result fetched as Arrow."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        con.sql(sql).to_arrow_table()
        best = min(best, time.perf_counter() - started)
    return best


def run_queries(name: str, con: duckdb.DuckDBPyConnection, ranges: dict[str, tuple[str, str]],
                repeat: int, log: Callable[[str], None]) -> dict[str, dict[str, float]]:
    times: dict[str, dict[str, float]] = {}
    for label, (a, b) in ranges.items():
        times[label] = {}
        for query, template in QUERIES.items():
            seconds = time_query(con, template.format(a=a, b=b), repeat)
            times[label][query] = seconds
            log(f"  {name:<12} {label:<5} {query:<20} {seconds:8.3f} s")
    return times


def pruning(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """Files read by a one-week query, and the EXPLAIN ANALYZE text."""
    plan = con.sql("EXPLAIN ANALYZE SELECT site, count(*) FROM articles_between"
                   f"('{WEEK[0]}', '{WEEK[1]}') GROUP BY site").fetchall()[0][1]
    found = re.search(r"Total Files Read:\s*(\d+)", plan)
    return (int(found.group(1)) if found else -1), plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=None,
                        help="work directory (default: a temporary directory, removed after)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per query (best counts)")
    parser.add_argument("--skip-jsonl", action="store_true", help="skip the JSON Lines baseline")
    parser.add_argument("--keep", action="store_true", help="keep the generated lake")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse the lake and flat files of an earlier run in --dir "
                             "(days without a terms index are indexed first, timed)")
    parser.add_argument("--fts-max-articles", type=int, default=200_000,
                        help="build the baseline fts index only up to this many articles "
                             "(DuckDB's fts build needs ~17 KB of memory per article)")
    args = parser.parse_args(argv)

    def log(text: str) -> None:
        print(text, flush=True)

    work = args.dir or Path(tempfile.mkdtemp(prefix="newslake-bench-"))
    lake, flat = work / "lake", work / "flat"
    reuse = args.reuse and Path(layout.catalog_file(str(lake))).is_file()
    if not reuse:
        shutil.rmtree(lake, ignore_errors=True)
        shutil.rmtree(flat, ignore_errors=True)
    flat.mkdir(parents=True, exist_ok=True)
    figures: dict[str, object] = {"articles": args.articles}
    try:
        if reuse:
            log(f"reusing {lake}")
            started = time.perf_counter()
            missing = sorted(set(unindexed_days(str(lake), "terms"))
                             | set(unindexed_days(str(lake), "postings")))
            for day in missing:
                index_day(str(lake), day)
            figures["terms_backfill_days"] = len(missing)
            figures["terms_backfill_s"] = round(time.perf_counter() - started, 1)
            if not (flat / "articles.parquet").exists():
                export_baselines(lake, flat, not args.skip_jsonl)
            figures["single_parquet_bytes"] = (flat / "articles.parquet").stat().st_size
            jsonl = flat / "articles.jsonl"
            figures["jsonl_bytes"] = jsonl.stat().st_size if jsonl.exists() else 0
        else:
            log(f"generating {args.articles} articles over {DAYS} days in {lake}")
            figures.update(generate(lake, args.articles))
            figures.update(export_baselines(lake, flat, not args.skip_jsonl))
        def table_bytes(table: str) -> int:
            return sum(p.stat().st_size
                       for p in Path(layout.table_dir(str(lake), table)).rglob("*.parquet"))

        lake_bytes, terms_bytes, postings_bytes = (table_bytes(t) for t in
                                                   ("articles", "terms", "postings"))
        figures.update(articles_bytes=lake_bytes, terms_bytes=terms_bytes,
                       postings_bytes=postings_bytes)
        log(f"  articles: {lake_bytes / 1e6:.0f} MB partitioned (terms index "
            f"{terms_bytes / 1e6:.0f} MB), {figures['single_parquet_bytes'] / 1e6:.0f} MB one "
            f"file, {figures['jsonl_bytes'] / 1e6:.0f} MB JSON Lines")
        ranges = {"month": MONTH, "year": YEAR}
        catalog = connect(str(lake))
        catalog.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        results = {"catalog": run_queries("catalog", catalog, ranges, args.repeat, log)}
        files_read, plan = pruning(catalog)
        catalog.close()
        log(f"EXPLAIN ANALYZE one week ({WEEK[0]}..{WEEK[1]}): {files_read} of {DAYS} "
            "article files read")
        log("\n".join(line for line in plan.splitlines() if line.strip())[:3000])
        single = _baseline(flat, "parquet")
        results["single_file"] = run_queries("single_file", single, ranges, args.repeat, log)
        single.close()
        if not args.skip_jsonl and (flat / "articles.jsonl").exists():
            jsonl = _baseline(flat, "jsonl")
            results["jsonl"] = run_queries("jsonl", jsonl, {"year": YEAR}, 1, log)
            jsonl.close()

        query = f"{KEYWORD} budget"
        search(str(lake), query, limit=20)  # warm the file cache once
        for label, (a, b) in ranges.items():
            started = time.perf_counter()
            _, hits = search(str(lake), query, date.fromisoformat(a), date.fromisoformat(b))
            figures[f"fts_{label}_s"] = round(time.perf_counter() - started, 3)
            log(f"full-text search over the postings, {label}: {figures[f'fts_{label}_s']} s "
                f"({len(hits)} hits)")
        if args.articles <= args.fts_max_articles:
            started = time.perf_counter()
            index = build_index(str(lake), force=True)
            figures["fts_index_build_s"] = round(time.perf_counter() - started, 2)
            seconds, same = _search_fts_index(index.path, query, YEAR, hits)
            figures["fts_index_year_s"] = round(seconds, 3)
            log(f"baseline fts index: {index.articles} articles built in "
                f"{figures['fts_index_build_s']} s; search over the year {seconds:.3f} s "
                f"(x{seconds / figures['fts_year_s']:.2f} the postings' time); "
                f"same top results: {same}")
        else:
            log(f"fts index baseline skipped: {args.articles} > --fts-max-articles "
                f"{args.fts_max_articles}")
        log("\nratios (baseline time / catalog time, year range):")
        for query in QUERIES:
            cat = results["catalog"]["year"][query]
            parts = [f"single file x{results['single_file']['year'][query] / cat:.2f}"]
            if "jsonl" in results:
                parts.append(f"JSON Lines x{results['jsonl']['year'][query] / cat:.2f}")
            log(f"  {query:<20} catalog {cat:.3f} s; " + ", ".join(parts))
        figures.update({
            "month_max_s": round(max(results["catalog"]["month"].values()), 3),
            "year_max_s": round(max(results["catalog"]["year"].values()), 3),
            "single_file_year_max_s": round(max(results["single_file"]["year"].values()), 3),
            "jsonl_year_max_s": (round(max(results["jsonl"]["year"].values()), 3)
                                 if "jsonl" in results else None),
            "week_files_read": files_read,
            "catalog_bytes_now": _catalog_bytes(lake),
            **({"generate_s": round(float(figures["generate_s"]), 1)}
               if "generate_s" in figures else {}),
        })
    finally:
        if not args.keep and args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    keys = ["articles", "month_max_s", "year_max_s", "fts_month_s", "fts_year_s",
            "commit_10k_articles_s", "catalog_bytes_365_commits",
            "single_file_year_max_s", "jsonl_year_max_s"]
    ordered = {k: figures.get(k) for k in keys}
    ordered.update({k: v for k, v in figures.items() if k not in ordered})
    print(json.dumps(ordered))
    return 0


if __name__ == "__main__":
    sys.exit(main())
