"""The documented schema of every lake table (column, type, meaning), as Markdown.

Meanings come from the inline comments of :mod:`newslake.lake.schema` and, for columns
without one, from :data:`MEANINGS`. ``make docs`` (``python tools/lake_docs.py``) rewrites
the schema section of ``docs/LAKE.md`` and ``README.md``; ``--check`` only reports stale
files (exit 1), as a test does.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pyarrow as pa
from newslake.lake import schema

PROJECT_ROOT = Path(__file__).resolve().parents[1]

DOC_FILE = PROJECT_ROOT / "docs" / "LAKE.md"
DOC_FILES = (DOC_FILE, PROJECT_ROOT / "README.md")
"""Documents whose schema section (between the markers below) is generated."""
BEGIN, END = "<!-- schema:begin -->", "<!-- schema:end -->"

TABLE_MEANINGS: dict[str, str] = {
    "publish_log": "one row per publish commit of a producer's day (a replace keeps the latest); "
                   "an empty day is still a published day",
    "raw_retention": "raw WARC files removed by the retention policy, recorded before the delete",
    "articles": "one row per extracted article page (originals and syndicated copies)",
    "stories": "one row per story and day it was (re)computed; the `stories` view keeps the "
               "latest row per story (`stories_history` has them all)",
    "syndication": "one row per syndicated copy: which story, which site copied it, how late",
    "dedup_index": "near-duplicate signatures and LSH band keys of published articles",
    "comments": "reader comments shown on article pages",
    "related": "related-article links shown on article pages",
    "quotes": "quotations attributed to a speaker in an article",
    "subjects": "people, organisations, places and topics an article names as its subjects",
    "rejections": "pages that were fetched but not published, with the reason",
    "fetch_log": "every HTTP request of the crawl, successful or not",
    "frontier": "every feed or sitemap entry seen, from the poll that found it to the "
                "micro-batch that processed it (crawl_date: the UTC day it was first seen)",
    "feed_state": "polling state of every feed: validators, rate, next poll, error streak",
    "quarantine": "rows that failed row-level validation (not in the other tables)",
    "validation_log": "one row per expectation evaluated per run",
    "lake_stats": "files, bytes and rows per table and partition, measured by maintenance",
    "terms": "inverted index of article titles and bodies: one row per word of each articles "
             "file, written with the articles; `keyword_coverage` reads it",
    "url_index": "the canonical spellings of each article's URL (its canonical_url and the "
                 "canonical form of its url), written with the articles; discover asks it "
                 "which feed entries are already in the lake",
    "postings": "BM25 postings of article titles and bodies (stems as DuckDB's fts extension "
                "makes them), one row per stem of each articles file; `newslake search` reads "
                "them",
}

MEANINGS: dict[str, str] = {
    "article_id": "article identity: sha1 of the canonical URL, 16 hex digits",
    "title": "title", "published_at": "publication time (UTC)",
    "updated_at": "last update time given by the page (UTC)",
    "fetched_at": "when the page was fetched (UTC)", "description": "summary the page gives",
    "section": "section or desk", "categories": "categories the page gives",
    "tags": "tags / keywords the page gives", "image_url": "lead image URL",
    "image_caption": "lead image caption", "body": "extracted main text",
    "word_count": "words in body", "publisher_followers": "followers shown for the publisher",
    "publisher_posts": "posts shown for the publisher",
    "publisher_views": "views shown for the publisher",
    "extractor_version": "version of the extraction code that produced the row",
    "story_id": "story the row belongs to (shared by an original and its copies)",
    "is_original": "true for the story's original, false for a copy",
    "original_url": "URL of the story's original",
    "original_article_id": "article_id of the story's original",
    "original_site": "site of the story's original",
    "first_published_at": "publication time of the original (UTC)",
    "sites": "sites that carry the story",
    "canonical_url": "normalised URL", "url": "URL",
    "author": "comment author", "text": "comment text", "posted_at": "when posted (UTC)",
    "likes": "likes shown", "publisher": "publisher named by the link", "summary": "teaser text",
    "speaker": "who is quoted", "quote": "the quotation", "source_id": "sources.yaml id",
    "detail": "human-readable detail of the reason", "error": "error message",
    "bytes": "bytes", "elapsed_ms": "request time in milliseconds",
    "final_url": "URL after redirects", "content_type": "Content-Type of the response",
    "attempts": "attempts made (retries + 1)", "warc_file": "WARC file holding the response",
    "failed_expectations": "names of the failed expectations", "run_id": "pipeline run",
    "table_name": "table name", "suite": "expectation suite",
    "expectation": "expectation type", "column_name": "column checked (null: table-level)",
    "success": "whether the expectation passed", "unexpected_count": "failing rows",
    "unexpected_percent": "failing rows, percent", "element_count": "rows checked",
    "validated_at": "when validated (UTC)", "files": "Parquet files", "measured_at":
    "when measured (UTC)", "n_shingles": "distinct word shingles of the body",
}

_FIELD = re.compile(r'pa\.field\("(?P<name>\w+)".*?#\s*(?P<comment>.+)$')
_BLOCK = re.compile(r"^(?P<var>[A-Z_]+)\s*=")


def schema_comments() -> dict[str, dict[str, str]]:
    """Inline comments of ``schema.py`` by schema variable and column."""
    source = Path(schema.__file__).read_text(encoding="utf-8").splitlines()
    found: dict[str, dict[str, str]] = {}
    current = None
    for line in source:
        block = _BLOCK.match(line)
        if block:
            current = block.group("var")
        match = _FIELD.search(line)
        if match and current:
            found.setdefault(current, {})[match.group("name")] = match.group("comment").strip()
    return found


def _variable_of(table: str) -> str | None:
    for name, value in vars(schema).items():
        if name.isupper() and value is schema.TABLES[table]:
            return name
    return None


def meaning(table: str, column: str, comments: dict[str, dict[str, str]]) -> str:
    """What a column means (empty when undocumented)."""
    own = comments.get(_variable_of(table) or "", {})
    inherited = comments.get("ARTICLES", {}) if table == "quarantine" else {}
    return (own.get(column) or schema.COLUMN_MEANINGS.get(column) or inherited.get(column)
            or MEANINGS.get(column, ""))


def _type(value: pa.DataType) -> str:
    if pa.types.is_timestamp(value):
        return "TIMESTAMPTZ" if value.tz else "TIMESTAMP"
    if pa.types.is_list(value):
        return f"{_type(value.value_type)}[]"
    return {
        pa.string(): "VARCHAR", pa.int32(): "INTEGER", pa.int64(): "BIGINT",
        pa.float64(): "DOUBLE", pa.bool_(): "BOOLEAN", pa.date32(): "DATE",
        pa.uint32(): "UINTEGER",
    }.get(value, str(value))


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("." if text else "")


def schema_markdown() -> str:
    """Markdown tables: one per lake table (DuckDB type names)."""
    comments = schema_comments()
    out = [f"Schema version {schema.SCHEMA_VERSION}. Every table also has `crawl_date DATE`, "
           "the partition column.", ""]
    for table, table_schema in schema.TABLES.items():
        out += [f"### {table}", "", _sentence(TABLE_MEANINGS.get(table, "")), "",
                "| column | type | meaning |", "|---|---|---|"]
        for field in table_schema:
            text = meaning(table, field.name, comments).replace("|", "\\|")
            required = "" if field.nullable else " (never null)"
            out.append(f"| `{field.name}` | {_type(field.type)} | {text}{required} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render(document: str) -> str:
    """``document`` with its schema section replaced by :func:`schema_markdown`."""
    head, _, rest = document.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{schema_markdown()}{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite the schema section of ``docs/LAKE.md`` and ``README.md`` (``--check``: report)."""
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    stale = 0
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        current = render(text)
        if check:
            if current != text:
                stale += 1
                print(f"{path}: schema section is stale; run: make docs", file=sys.stderr)
            continue
        path.write_text(current, encoding="utf-8")
        print(path)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
