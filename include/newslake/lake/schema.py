"""Arrow schemas of every lake table: the column contract analysts rely on.

Every table is partitioned by ``crawl_date`` (hive style, ``crawl_date=YYYY-MM-DD``); the
partition column lives in the directory name, not in the files, and DuckDB adds it back.
Rename nothing here without a migration note in README.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "1"

COLUMN_MEANINGS: dict[str, str] = {
    "site": 'host of the URL, lower-case, without "www." ("politico.com", "news.yahoo.com");'
            " not the registered domain",
    "syndicator": 'name of the site adapter that read the page ("newsbreak", "yahoo"; null:'
                  " generic extraction); the site that carries a copy is `site`",
    "copies": "syndicated copies of the story, the original excluded (as `copies` of"
              " `stories_with_copies`)",
    "articles": "articles of the story, the original included (`copies` + 1)",
    "error_class": 'null when the response was used; "not_modified" for a 304 (the feed'
                   " had not changed: not a failure); else the failure, one of ERROR_CLASSES",
    "position": "order on the page, 1-based (the first is 1)",
}
"""Meanings of columns that need more than an inline comment, the same in every table;
``make docs`` (tools/lake_docs.py) puts them in the schema tables of README and docs."""

_TS = pa.timestamp("us", tz="UTC")
_STRINGS = pa.list_(pa.string())

ARTICLES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),  # sha1(canonical_url)[:16]
        pa.field("url", pa.string(), nullable=False),  # URL as fetched (after redirects)
        pa.field("canonical_url", pa.string()),  # normalised URL (see newslake.dedup.urls)
        pa.field("site", pa.string()),
        pa.field("source_id", pa.string()),  # sources.yaml id, or "warc:<file>" on import
        pa.field("title", pa.string()),
        pa.field("authors", _STRINGS),  # cleaned of "By" and publisher names
        pa.field("published_at", _TS),
        pa.field("updated_at", _TS),
        pa.field("date_source", pa.string()),  # jsonld | meta | page | relative | url | feed
        pa.field("fetched_at", _TS),
        pa.field("language", pa.string()),  # ISO 639-1
        pa.field("description", pa.string()),
        pa.field("section", pa.string()),
        pa.field("categories", _STRINGS),
        pa.field("tags", _STRINGS),
        pa.field("image_url", pa.string()),
        pa.field("image_caption", pa.string()),
        pa.field("site_name", pa.string()),  # as the page names itself ("POLITICO")
        pa.field("original_publisher", pa.string()),  # publisher of the story ("POLITICO")
        pa.field("original_publisher_url", pa.string()),  # publisher's URL given by the page
        pa.field("syndicator", pa.string()),
        pa.field("body", pa.string()),
        pa.field("word_count", pa.int32()),
        pa.field("is_truncated", pa.bool_()),  # paywall or "read more" cut
        pa.field("comment_count", pa.int32()),  # as shown by the page
        pa.field("publisher_followers", pa.int64()),
        pa.field("publisher_posts", pa.int64()),
        pa.field("publisher_views", pa.int64()),
        pa.field("extractor_version", pa.string()),
        pa.field("content_hash", pa.string()),  # sha1 of normalised body
        pa.field("story_id", pa.string()),
        pa.field("is_original", pa.bool_()),
        pa.field("original_url", pa.string()),
        pa.field("original_signal", pa.string()),  # why this original: canonical | jsonld | ...
        pa.field("published_date", pa.date32()),  # day of published_at in the page's own time zone
        pa.field("story_version", pa.int32()),  # 1, 2, ...: pages of a story with the same text
        pa.field("excerpt_of", pa.string()),  # story_id of a story this page quotes at length
        pa.field("excerpt_share", pa.float64()),  # share of that story's text quoted here
        pa.field("date_confidence", pa.string()),  # high | medium | low: how far to trust the date
        pa.field("page_type", pa.string()),  # article | listing | forum | ... (PAGE_TYPES)
        pa.field("language_source", pa.string()),  # markup | text | both-agree
        pa.field("wire_service", pa.string()),  # wire agency credited (AP, Reuters, AFP, ...)
    ]
)

STORIES = pa.schema(
    [
        pa.field("story_id", pa.string(), nullable=False),
        pa.field("title", pa.string()),
        pa.field("original_article_id", pa.string()),
        pa.field("original_url", pa.string()),
        pa.field("original_site", pa.string()),
        pa.field("first_published_at", _TS),
        pa.field("copies", pa.int32()),  # syndicated copies, the original excluded
        pa.field("versions", pa.int32()),  # distinct texts (story_version) among the articles
        pa.field("sites", _STRINGS),
        pa.field("updated_at", _TS),  # when this row was computed
        pa.field("articles", pa.int32()),
    ]
)

SYNDICATION = pa.schema(
    [
        pa.field("story_id", pa.string(), nullable=False),
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("site", pa.string()),
        pa.field("original_site", pa.string()),
        pa.field("lag_minutes", pa.float64()),  # copy published_at - original published_at
    ]
)

DEDUP_INDEX = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("story_id", pa.string()),
        pa.field("canonical_url", pa.string()),
        pa.field("n_shingles", pa.int32()),  # distinct word shingles of the body
        pa.field("signature", pa.list_(pa.uint32())),  # MinHash values
        pa.field("band_keys", pa.list_(pa.int64())),  # one LSH key per band
        pa.field("anchor_keys", pa.list_(pa.int64())),  # sentence hashes: find short pages
        pa.field("scheme", pa.string()),  # DedupConfig.scheme; other schemes are not compared
        pa.field("claimed_url", pa.string()),  # original the page itself names (canonical, ...)
        pa.field("claim_signal", pa.string()),  # how it names it: canonical | jsonld | attribution
    ]
)

COMMENTS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("position", pa.int32()),
        pa.field("author", pa.string()),
        pa.field("text", pa.string()),
        pa.field("posted_at", _TS),
        pa.field("likes", pa.int32()),
    ]
)

RELATED = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("position", pa.int32()),
        pa.field("title", pa.string()),
        pa.field("url", pa.string()),
        pa.field("publisher", pa.string()),
        pa.field("summary", pa.string()),
        pa.field("section", pa.string()),
    ]
)

QUOTES = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("position", pa.int32()),
        pa.field("speaker", pa.string()),
        pa.field("quote", pa.string()),
    ]
)

SUBJECTS = pa.schema(
    [
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("position", pa.int32()),
        pa.field("name", pa.string()),  # as the page names the subject ("Jens Stoltenberg")
        pa.field("kind", pa.string()),  # person | organization | place | topic
        pa.field("source", pa.string()),  # jsonld | page | tags | adapter
    ]
)
"""People, organisations, places and topics a page names as its subjects."""

SUBJECT_KINDS: dict[str, str] = {
    "person": "a named person",
    "organization": "a company, party, agency, team or other body",
    "place": "a country, city or other location",
    "topic": "a subject area or theme",
}
"""Values of ``subjects.kind``."""

SUBJECT_SOURCES: dict[str, str] = {
    "jsonld": "JSON-LD about / mentions of the article object",
    "page": "subject markup of the page (person and topic links)",
    "tags": "person and topic tags (article:tag, keywords)",
    "adapter": "a syndicator adapter (NewsBreak's RELATED PEOPLE block)",
}
"""Values of ``subjects.source``."""

PAGE_TYPES: dict[str, str] = {
    "article": "a news or blog article (the default accepted type)",
    "listing": "a section front, archive, tag or search page of teasers",
    "forum": "a discussion thread, question and answers",
    "product": "a shop's product page",
    "service": "a business's page about its services",
    "documentation": "technical documentation, API reference, help pages",
    "collection": "a shop's category or collection of products",
    "other": "none of the above is likely",
}
"""Values of ``articles.page_type``; pages of types a source does not accept are rejected."""

REJECTIONS = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("source_id", pa.string()),
        pa.field("site", pa.string()),
        pa.field("reason", pa.string(), nullable=False),  # see REJECTION_REASONS
        pa.field("detail", pa.string()),
        pa.field("fetched_at", _TS),
        pa.field("stage", pa.string()),  # import | extract | dedup
    ]
)

FETCH_LOG = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),
        pa.field("source_id", pa.string()),
        pa.field("kind", pa.string()),  # feed | page | robots
        pa.field("status", pa.int32()),  # HTTP status, null when no response
        pa.field("error_class", pa.string()),
        pa.field("error", pa.string()),
        pa.field("fetched_at", _TS),
        pa.field("bytes", pa.int64()),
        pa.field("elapsed_ms", pa.float64()),
        pa.field("final_url", pa.string()),
        pa.field("content_type", pa.string()),
        pa.field("attempts", pa.int32()),
        pa.field("warc_file", pa.string()),
    ]
)

QUARANTINE = (
    ARTICLES.append(pa.field("failed_expectations", _STRINGS))
    .append(pa.field("run_id", pa.string()))
    .append(pa.field("table_name", pa.string()))  # table the row failed in ("articles", ...)
    .append(pa.field("row_json", pa.string()))  # the whole row as JSON when not an article
)
"""Rows that failed row-level validation, with the names of the failed expectations.

Article rows fill the article columns (``row_json`` null); a failing row of another table
keeps ``article_id`` and ``url`` when it has them (else "") and the whole row in
``row_json``. Child rows of a quarantined article follow it with
``failed_expectations = ["parent_article_quarantined"]``.
"""

VALIDATION_LOG = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("table_name", pa.string()),
        pa.field("suite", pa.string()),
        pa.field("expectation", pa.string()),
        pa.field("column_name", pa.string()),
        pa.field("severity", pa.string()),  # row | fail | warn
        pa.field("success", pa.bool_()),
        pa.field("unexpected_count", pa.int64()),
        pa.field("unexpected_percent", pa.float64()),
        pa.field("element_count", pa.int64()),
        pa.field("validated_at", _TS),
    ]
)

LAKE_STATS = pa.schema(
    [
        pa.field("table_name", pa.string(), nullable=False),  # a lake table, or "raw" (WARC)
        pa.field("partition_date", pa.date32()),  # crawl_date of the measured partition
        pa.field("files", pa.int32()),
        pa.field("bytes", pa.int64()),
        pa.field("rows", pa.int64()),  # null for raw WARC files
        pa.field("measured_at", _TS),
    ]
)
"""Lake size per table and day, recorded by maintenance (partitioned by the day measured)."""

TERMS = pa.schema(
    [
        pa.field("term", pa.string(), nullable=False),  # lower-cased word; "" marks a file's row
        pa.field("df", pa.int32()),  # articles holding the term ("" row: articles of the file)
        pa.field("docs", pa.list_(pa.int32())),  # positions of those articles in their file
        pa.field("producer", pa.string()),  # producer of the articles file the positions index
    ]
)
"""Inverted index of article titles and bodies, one file per articles file (see lake.terms)."""

POSTINGS = pa.schema(
    [
        pa.field("term", pa.string(), nullable=False),  # stem as the fts extension makes it
        pa.field("docs", pa.list_(pa.int32())),  # positions of the articles in their file
        pa.field("tfs", pa.list_(pa.int32())),  # term count per article ("" row: length)
        pa.field("article_ids", _STRINGS),  # "" row only: article_id of every position
        pa.field("producer", pa.string()),  # producer of the articles file
        pa.field("df", pa.int32()),  # articles holding the stem ("" row: articles of the file)
        pa.field("lens", pa.list_(pa.int32())),  # length in terms of each article in docs
        pa.field("total", pa.int64()),  # sum of lens
    ]
)
"""BM25 postings of article titles and bodies, one file per articles file (lake.postings)."""

URL_INDEX = pa.schema(
    [
        pa.field("url_key", pa.string(), nullable=False),  # canonical URL an article answers to
        pa.field("article_id", pa.string()),  # the article (see articles.article_id)
    ]
)
"""Every canonical spelling of each article's URL (its ``canonical_url`` and the canonical
form of its ``url``), written with the articles: "already seen?" reads this one column."""

PUBLISH_LOG = pa.schema(
    [
        pa.field("run_id", pa.string(), nullable=False),  # the run that committed
        pa.field("mode", pa.string()),  # replace | append
        pa.field("committed_at", _TS),  # when the commit was prepared (UTC)
        pa.field("tables", _STRINGS),  # tables the commit wrote
        pa.field("rows_json", pa.string()),  # {"articles": 40, ...}
    ]
)
"""One row per publish commit of a producer's day (``replace`` keeps only the latest), so a
day that published nothing new is still a published day."""

RAW_RETENTION = pa.schema(
    [
        pa.field("path", pa.string(), nullable=False),  # raw WARC file removed by retention
        pa.field("bytes", pa.int64()),  # size of the removed file
        pa.field("retention_days", pa.int32()),  # the retention that removed it
        pa.field("removed_at", _TS),  # when it was recorded, just before the delete (UTC)
    ]
)
"""Raw WARC files deleted by the retention policy (recorded before the delete)."""

FRONTIER = pa.schema(
    [
        pa.field("url", pa.string(), nullable=False),  # entry URL as the feed listed it
        pa.field("canonical_url", pa.string(), nullable=False),  # normalised entry URL
        pa.field("source_id", pa.string()),  # sources.yaml id of the feed that listed it
        pa.field("first_seen_at", _TS),  # poll that first listed it; crawl_date is its UTC day
        pa.field("feed_title", pa.string()),  # entry title in the feed
        pa.field("feed_published_at", _TS),  # entry date in the feed (sitemap lastmod)
        pa.field("authors", _STRINGS),  # entry authors in the feed
        pa.field("state", pa.string()),  # pending | claimed | published | failed
        pa.field("batch_id", pa.string()),  # micro-batch that claimed it
        pa.field("claimed_at", _TS),  # when that batch claimed it
        pa.field("processed_at", _TS),  # when its batch committed
        pa.field("outcome", pa.string()),  # published, rejected, or the fetch error class
        pa.field("poll_run", pa.string()),  # run id of the poll that found it
    ]
)
"""Every feed or sitemap entry seen, from the poll that found it to the batch that processed
it (written by feed_poll, updated by the micro-batches in their publish commit)."""

FEED_STATE = pa.schema(
    [
        pa.field("source_id", pa.string(), nullable=False),  # sources.yaml id
        pa.field("feed_url", pa.string()),  # feed or sitemap URL polled
        pa.field("etag", pa.string()),  # validator of the last full answer
        pa.field("last_modified", pa.string()),  # Last-Modified of the last full answer
        pa.field("last_poll_at", _TS),  # last poll, successful or not
        pa.field("last_success_at", _TS),  # last poll answered 2xx or 304
        pa.field("next_poll_at", _TS),  # when the feed is due again
        pa.field("interval_s", pa.float64()),  # current polling interval, seconds
        pa.field("rate_per_h", pa.float64()),  # estimated new entries per hour
        pa.field("listed", pa.int32()),  # entries the feed listed at its last full answer
        pa.field("error_streak", pa.int32()),  # failed polls in a row (backoff)
        pa.field("last_error", pa.string()),  # error class of the last failed poll
        pa.field("polls", pa.int64()),  # polls so far
        pa.field("not_modified", pa.int64()),  # polls answered 304
        pa.field("new_entries", pa.int64()),  # entries found new so far
        pa.field("rolled_over", pa.bool_()),  # last poll: every listed entry was new
        pa.field("rollovers", pa.int64()),  # polls so far that found the feed rolled over
        pa.field("seen", _STRINGS),  # canonical URLs the last full answer listed
    ]
)
"""The polling state of every feed: one row per source (crawl_date: day of its last poll)."""

ERROR_CLASSES: dict[str, str] = {
    "timeout": "connect, read or total time limit exceeded",
    "dns": "host name did not resolve",
    "connect": "connection refused or reset",
    "tls": "TLS handshake or certificate failure",
    "http_4xx": "client error status (404, 410, 403, ...)",
    "http_5xx": "server error status after retries",
    "http_429": "rate limited after retries",
    "too_large": "body exceeded the size limit (decompressed bytes counted)",
    "not_html": "body is not HTML (binary, PDF, image, ...)",
    "robots_disallowed": "robots.txt forbids the URL",
    "ssrf_blocked": "host resolves to a private, loopback, link-local or multicast address",
    "decode_error": "body could not be decoded (charset or content encoding)",
    "redirect_loop": "redirect loop or too many redirects",
    "feed_parse_error": "feed or sitemap could not be parsed",
    "invalid_url": "URL is malformed or has an unsupported scheme",
    "not_modified": "304: feed unchanged since the last fetch (not a failure)",
    "other": "unexpected failure of one fetch (the error column holds the exception)",
}
"""The fixed set of ``fetch_log.error_class`` values (null means success)."""

REJECTION_REASONS: dict[str, str] = {
    "not_article": "page is not an article (index, listing, video, error page)",
    "too_short": "extracted body shorter than the minimum word count",
    "wrong_language": "language not in the configured set",
    "empty_after_boilerplate": "nothing left once navigation and boilerplate are removed",
    "not_html": "body is not HTML",
    "decode_error": "body could not be decoded",
    "parse_error": "HTML could not be parsed",
    "bad_date": "published date in the future, before 1995 or against the URL's year and month "
    "(the date is dropped, not the page)",
    "duplicate_url": "same canonical URL as an article already in the lake",
    "invalid_url": "WARC record without a target URI or with one that is not http(s)",
    "bad_record": "WARC record unreadable or cut short (the rest of the file is still read)",
}
"""The fixed set of rejection reasons."""

TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "stories": STORIES,
    "syndication": SYNDICATION,
    "comments": COMMENTS,
    "related": RELATED,
    "quotes": QUOTES,
    "subjects": SUBJECTS,
    "rejections": REJECTIONS,
    "fetch_log": FETCH_LOG,
    "quarantine": QUARANTINE,
    "validation_log": VALIDATION_LOG,
    "lake_stats": LAKE_STATS,
    "dedup_index": DEDUP_INDEX,
    "terms": TERMS,
    "postings": POSTINGS,
    "url_index": URL_INDEX,
    "publish_log": PUBLISH_LOG,
    "raw_retention": RAW_RETENTION,
    "frontier": FRONTIER,
    "feed_state": FEED_STATE,
}
"""Every partitioned table of the lake, by name."""

EXTRACTED_TABLES = ("articles", "comments", "related", "quotes", "subjects", "rejections")
"""The tables extraction gives for a batch of pages."""
STORY_TABLES = ("articles", "stories", "syndication", "dedup_index")
"""The tables deduplication derives from the extracted articles."""
RUN_TABLES = (*STORY_TABLES, "comments", "related", "quotes", "subjects", "rejections",
              "fetch_log")
"""The data tables one run produces for a day: validated, then published (or re-validated)."""
VALIDATION_TABLES = ("quarantine", "validation_log")
"""The tables validation adds to a run's output."""
PUBLISHED_TABLES = (*RUN_TABLES, *VALIDATION_TABLES)
"""Every table a run may publish for its day, in one commit."""


def empty(table: str) -> pa.Table:
    """An empty Arrow table with the schema of ``table``."""
    return TABLES[table].empty_table()


def conform(table: str, data: pa.Table | list[dict]) -> pa.Table:
    """Cast rows (a list of dicts or an Arrow table) to the schema of ``table``.

    Missing columns become nulls; extra columns are an error, so a typo cannot
    silently drop data.
    """
    schema = TABLES[table]
    if isinstance(data, list):
        unknown = {key for row in data for key in row} - set(schema.names)
        if unknown:
            raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
        return pa.Table.from_pylist(data, schema=schema)
    unknown = set(data.column_names) - set(schema.names)
    if unknown:
        raise ValueError(f"{table}: unknown columns {sorted(unknown)}")
    columns = [
        data.column(f.name).cast(f.type) if f.name in data.column_names
        else pa.nulls(data.num_rows, f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(columns, schema=schema)
