"""Helpers of the validation tests: a small well-formed batch to break on purpose."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
from newslake.lake import schema

CRAWL_DATE = date(2026, 11, 20)
FETCHED = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
SOURCES = ("alpha", "beta")


def article_row(i: int, source: str = "alpha") -> dict:
    """A valid article of ``source`` (site ``<source>.example``)."""
    url = f"https://www.{source}.example/news/{i}"
    body = " ".join(f"word{j}" for j in range(40 + i % 7))
    return {
        "article_id": hashlib.sha1(url.encode()).hexdigest()[:16],
        "url": url,
        "canonical_url": url,
        "site": f"{source}.example",
        "source_id": source,
        "title": f"Story number {i}",
        "published_at": FETCHED - timedelta(hours=3),
        "fetched_at": FETCHED,
        "language": "en",
        "body": body,
        "word_count": len(body.split()),
        "story_id": f"s{i:04d}",
        "is_original": True,
    }


def make_tables(n: int = 12, rejections: int = 0, reject_source: str = "beta",
                rejection_reason: str = "empty_after_boilerplate") -> dict[str, pa.Table]:
    """A consistent batch of ``n`` articles over two sources, with stories, syndication,
    comments, fetch_log and ``rejections`` extract-stage rejections of ``reject_source``."""
    arts = [article_row(i, SOURCES[i % 2]) for i in range(n)]
    stories = [{"story_id": a["story_id"], "title": a["title"], "original_article_id":
                a["article_id"], "original_url": a["url"], "original_site": a["site"],
                "copies": 0, "articles": 1} for a in arts]
    syndication = [{"story_id": a["story_id"], "article_id": a["article_id"],
                    "site": a["site"], "original_site": a["site"], "lag_minutes": 0.0}
                   for a in arts]
    comments = [{"article_id": a["article_id"], "position": 0, "author": "reader",
                 "text": "first"} for a in arts]
    fetch_log = [{"url": a["url"], "source_id": a["source_id"], "kind": "page",
                  "status": 200, "fetched_at": FETCHED} for a in arts]
    rejected = [{"url": f"https://{reject_source}.example/empty/{i}",
                 "source_id": reject_source, "site": f"{reject_source}.example",
                 "reason": rejection_reason, "fetched_at": FETCHED, "stage": "extract"}
                for i in range(rejections)]
    return {
        "articles": schema.conform("articles", arts),
        "stories": schema.conform("stories", stories),
        "syndication": schema.conform("syndication", syndication),
        "comments": schema.conform("comments", comments),
        "fetch_log": schema.conform("fetch_log", fetch_log),
        "rejections": schema.conform("rejections", rejected),
    }


def replace_row(table: pa.Table, index: int, **changes: object) -> pa.Table:
    """``table`` with the row at ``index`` updated."""
    rows = table.to_pylist()
    rows[index] = {**rows[index], **changes}
    return pa.Table.from_pylist(rows, schema=table.schema)
