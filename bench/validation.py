"""Validation speed: the full GX gate on synthetic articles against one DuckDB query.

``--rows`` synthetic articles (bodies of 60-240 words; ~1% broken in one of eight ways:
null title, empty body, future date, duplicate id, ftp:// url, unknown language, orphan
story_id, wrong word_count) with their stories, syndication rows, fetch log and extract
rejections go through :func:`newslake.validate.validate_batch` (every suite, derived
columns, quarantine split; Data Docs timed separately with ``--docs``). GX's import is timed
apart and must stay quiet.

Baseline in the same run: the same checks written as one DuckDB query over the same Arrow
tables, returning each failing article with the names of its failed checks plus the
per-source rejected share.

Last line: JSON {"rows", "gx_s", "duckdb_s", "ratio", ...}; ``ratio`` = gx_s / duckdb_s.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import logging
import sys
import tempfile
import time
from contextlib import redirect_stderr
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa
from newslake.lake import schema

CRAWL_DATE = date(2026, 11, 20)
FETCHED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
BAD_KINDS = ("title", "body", "future", "dup", "ftp", "lang", "orphan", "wordcount")


def synthetic(rows: int, seed: int = 7) -> tuple[dict[str, pa.Table], int]:
    """A batch of ``rows`` articles (~1% broken) and its child tables; returns bad-row count."""
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(5000)])
    sources = [f"src{i:02d}" for i in range(40)]
    src = rng.integers(0, len(sources), rows)
    lengths = rng.integers(60, 240, rows)
    words = vocab[rng.integers(0, len(vocab), int(lengths.sum()))]
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    arts = []
    for i in range(rows):
        source = sources[src[i]]
        url = f"https://www.{source}.example/news/{i}"
        body = " ".join(words[bounds[i]:bounds[i + 1]])
        arts.append({
            "article_id": hashlib.sha1(url.encode()).hexdigest()[:16], "url": url,
            "canonical_url": url, "site": f"{source}.example", "source_id": source,
            "title": f"Headline {i}", "language": "en", "body": body,
            "word_count": int(lengths[i]), "story_id": f"s{i}",
            "published_at": FETCHED - timedelta(minutes=int(rng.integers(0, 5000))),
            "fetched_at": FETCHED,
        })
    stories = [{"story_id": a["story_id"], "original_article_id": a["article_id"],
                "original_url": a["url"], "copies": 0, "articles": 1} for a in arts]
    bad = rng.choice(rows, size=max(rows // 100, len(BAD_KINDS)), replace=False)
    for n, i in enumerate(bad):
        kind, a = BAD_KINDS[n % len(BAD_KINDS)], arts[i]
        if kind == "title":
            a["title"] = None
        elif kind == "body":
            a["body"], a["word_count"] = "", 0
        elif kind == "future":
            a["published_at"] = FETCHED + timedelta(days=5)
        elif kind == "dup":
            a["article_id"] = arts[(i + 1) % rows]["article_id"]
        elif kind == "ftp":
            a["url"] = a["url"].replace("https://", "ftp://")
        elif kind == "lang":
            a["language"] = "xx"
        elif kind == "orphan":
            a["story_id"] = "missing"
        else:
            a["word_count"] = a["word_count"] * 3
    rejections = [{"url": f"https://{s}.example/x/{k}", "source_id": s, "reason": "too_short",
                   "stage": "extract", "fetched_at": FETCHED}
                  for k, s in enumerate(sources * 20)]
    tables = {
        "articles": schema.conform("articles", arts),
        "stories": schema.conform("stories", stories),
        "syndication": schema.conform("syndication", [
            {"story_id": a["story_id"], "article_id": a["article_id"]} for a in arts]),
        "fetch_log": schema.conform("fetch_log", [
            {"url": a["url"], "source_id": a["source_id"], "kind": "page", "status": 200}
            for a in arts]),
        "rejections": schema.conform("rejections", rejections),
    }
    return tables, len(bad)


DUCKDB_QUERY = r"""
WITH a AS (
  SELECT *, row_number() OVER () - 1 AS _row,
         count(*) OVER (PARTITION BY article_id) AS _id_count,
         lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^:/?#]*)', 1))
           AS _host,
         len(regexp_extract_all(body, '[\pL\pN_]+')) AS _words
  FROM articles
), checks AS (
  SELECT _row, article_id, list_filter([
    CASE WHEN article_id IS NULL THEN 'article_id_not_null' END,
    CASE WHEN _id_count > 1 THEN 'article_id_unique' END,
    CASE WHEN url IS NULL THEN 'url_not_null' END,
    CASE WHEN NOT regexp_full_match(url, '^https?://[^\s/?#@:]+(?::[0-9]+)?(?:[/?#]\S*)?$')
         THEN 'url_http' END,
    CASE WHEN NOT regexp_full_match(canonical_url,
         '^https?://[^\s/?#@:]+(?::[0-9]+)?(?:[/?#]\S*)?$') THEN 'canonical_url_http' END,
    CASE WHEN title IS NULL THEN 'title_not_null' END,
    CASE WHEN length(title) NOT BETWEEN 1 AND 1000 THEN 'title_length_in_bounds' END,
    CASE WHEN body IS NULL THEN 'body_not_null' END,
    CASE WHEN length(body) NOT BETWEEN 1 AND 1000000 THEN 'body_length_in_bounds' END,
    CASE WHEN abs(word_count - _words) / greatest(_words, 1) > 0.25
         THEN 'word_count_matches_body' END,
    CASE WHEN published_at > fetched_at + INTERVAL 1 DAY THEN 'published_not_after_fetch' END,
    CASE WHEN year(published_at) < 1990 THEN 'published_since_1990' END,
    CASE WHEN NOT regexp_full_match(language, '^[a-z]{2}$') THEN 'language_code' END,
    CASE WHEN language NOT IN ('en', 'de') THEN 'language_in_set' END,
    CASE WHEN site IS NOT NULL AND _host IS NOT NULL AND _host <> site
              AND NOT ends_with(_host, '.' || site) THEN 'site_matches_url_host' END,
    CASE WHEN story_id IS NULL THEN 'story_id_not_null' END,
    CASE WHEN story_id IS NOT NULL AND story_id NOT IN (SELECT story_id FROM stories)
         THEN 'story_id_in_stories' END
  ], x -> x IS NOT NULL) AS failed
  FROM a
), share AS (
  SELECT source_id, sum(rej) / (count(*)) AS rejected_share FROM (
    SELECT source_id, 0 AS rej FROM articles
    UNION ALL SELECT source_id, 1 FROM rejections WHERE coalesce(stage, 'extract') = 'extract')
  GROUP BY source_id HAVING count(*) >= 10
)
SELECT 'row' AS kind, _row, article_id AS name, failed, NULL AS share
FROM checks WHERE len(failed) > 0
UNION ALL
SELECT 'source', NULL, source_id, NULL, rejected_share FROM share WHERE rejected_share > 0.5
"""


def run_duckdb(tables: dict[str, pa.Table]) -> tuple[float, int]:
    """Seconds of the baseline query and the number of failing articles it found."""
    import duckdb

    con = duckdb.connect()
    for name in ("articles", "stories", "rejections"):
        con.register(name, tables[name])
    start = time.perf_counter()
    out = con.sql(DUCKDB_QUERY).fetch_arrow_table()
    seconds = time.perf_counter() - start
    failing = len([k for k in out["kind"].to_pylist() if k == "row"])
    return seconds, failing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="synthetic articles")
    parser.add_argument("--docs", action="store_true", help="also time the Data Docs build")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")

    start = time.perf_counter()
    tables, planted = synthetic(args.rows)
    print(f"synthetic batch: {args.rows} articles, {planted} broken, "
          f"{time.perf_counter() - start:.1f} s to build")

    from newslake.validate import ValidationConfig, validate_batch
    from newslake.validate.gx_runner import import_gx

    captured = io.StringIO()
    records: list[logging.LogRecord] = []
    counter = logging.Handler(logging.DEBUG)
    counter.emit = records.append  # type: ignore[method-assign]
    logging.getLogger().addHandler(counter)
    start = time.perf_counter()
    with redirect_stderr(captured):
        import_gx()
    import_s = time.perf_counter() - start
    logging.getLogger().removeHandler(counter)
    import_lines = len(records) + len([ln for ln in captured.getvalue().splitlines() if ln])
    print(f"import great_expectations: {import_s:.1f} s, {import_lines} log lines")

    config = ValidationConfig(languages={"en", "de"})
    with tempfile.TemporaryDirectory(prefix="bench-validation-") as lake:
        start = time.perf_counter()
        result = validate_batch(tables, lake=lake, crawl_date=CRAWL_DATE, run_id="bench",
                                config=config, build_docs=False)
        gx_s = time.perf_counter() - start
        docs_s = None
        if args.docs:
            start = time.perf_counter()
            validate_batch(tables, lake=lake, crawl_date=CRAWL_DATE, run_id="bench-docs",
                           config=config, build_docs=True)
            docs_s = time.perf_counter() - start - gx_s
    quarantined = result.quarantine.filter(
        [t == "articles" for t in result.quarantine["table_name"].to_pylist()]).num_rows
    print(f"GX gate: {gx_s:.2f} s ({args.rows / gx_s:,.0f} rows/s), "
          f"{quarantined} articles quarantined, batch_failed={result.batch_failed}")
    if docs_s is not None:
        print(f"Data Docs build: +{docs_s:.2f} s")

    duckdb_s, duck_failing = run_duckdb(tables)
    print(f"DuckDB baseline: {duckdb_s:.2f} s ({args.rows / duckdb_s:,.0f} rows/s), "
          f"{duck_failing} failing articles")
    ratio = gx_s / duckdb_s
    print(f"ratio GX / DuckDB: {ratio:.2f} (goal <= 5); GX {gx_s:.1f} s (goal <= 20 s)")
    figures = {
        "rows": args.rows, "gx_s": round(gx_s, 3), "duckdb_s": round(duckdb_s, 3),
        "ratio": round(ratio, 2), "gx_rows_per_s": round(args.rows / gx_s),
        "import_s": round(import_s, 2), "import_log_lines": import_lines,
        "quarantined_articles": quarantined, "duckdb_failing_articles": duck_failing,
        "docs_s": None if docs_s is None else round(docs_s, 2),
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
