"""Derived columns that some expectations check, computed with Arrow before validation.

Every derived column starts with ``_`` and never leaves the validation step. ``_row`` is
the row position in the batch table: it names failing rows unambiguously (duplicate ids
included) and is stripped with the other derived columns.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

ROW = "_row"
HOST_RE = r"^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(?P<host>\[[^\]]*\]|[^:/?#]*)"
WORD_RE = r"[\pL\pN_]+"
"""Word tokens as extraction counts them (``\\w+`` on Unicode text)."""
KEY_COLUMNS: dict[str, str] = {
    "articles": "article_id",
    "stories": "story_id",
    "syndication": "article_id",
    "comments": "article_id",
    "related": "article_id",
    "quotes": "article_id",
    "subjects": "article_id",
    "rejections": "url",
    "fetch_log": "url",
    "source_quality": "source_id",
}
"""Column that names a failing row in results and Data Docs, beside ``_row``."""


def with_row_numbers(table: pa.Table) -> pa.Table:
    """``table`` with ``_row`` (0..n-1) appended."""
    return table.append_column(ROW, pa.array(range(table.num_rows), pa.int64()))


def derive_articles(articles: pa.Table, stories: pa.Table | None,
                    published_ids: pa.Array | Iterable[str]) -> pa.Table:
    """Articles with the derived columns of the articles suite.

    ``published_ids``: article ids already published on other days.
    """
    out = with_row_numbers(articles)
    published = (published_ids if isinstance(published_ids, pa.Array)
                 else pa.array(sorted(set(published_ids)), pa.string()))
    out = out.append_column("_id_published_before", pc.is_in(articles["article_id"], published))
    out = out.append_column("_site_matches_host", site_matches_host(articles))
    out = out.append_column("_word_count_error", word_count_error(articles))
    published_at = articles["published_at"]
    delta_us = pc.cast(pc.subtract(pc.cast(published_at, pa.int64()),
                                   pc.cast(articles["fetched_at"], pa.int64())), pa.float64())
    out = out.append_column("_published_after_fetch_hours", pc.divide(delta_us, 3.6e9))
    out = out.append_column("_published_year", pc.cast(pc.year(published_at), pa.int64()))
    story_ids = stories["story_id"] if stories is not None else pa.array([], pa.string())
    return out.append_column("_story_known", known(articles["story_id"], story_ids))


def derive_stories(stories: pa.Table, articles: pa.Table | None) -> pa.Table:
    """Stories with ``_referenced``: whether an article of the batch names the story."""
    referenced = articles["story_id"] if articles is not None else pa.array([], pa.string())
    out = with_row_numbers(stories)
    return out.append_column("_referenced", known(stories["story_id"], referenced))


def derive_children(table: pa.Table, articles: pa.Table | None,
                    stories: pa.Table | None = None) -> pa.Table:
    """A child table with ``_article_known`` (and ``_story_known`` when it has story_id)."""
    ids = articles["article_id"] if articles is not None else pa.array([], pa.string())
    out = with_row_numbers(table).append_column("_article_known", known(table["article_id"], ids))
    if "story_id" in table.column_names:
        story_ids = stories["story_id"] if stories is not None else pa.array([], pa.string())
        out = out.append_column("_story_known", known(table["story_id"], story_ids))
    return out


def known(values: pa.ChunkedArray, allowed: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray:
    """``values`` in ``allowed`` as booleans; null where the value is null."""
    allowed = allowed.combine_chunks() if isinstance(allowed, pa.ChunkedArray) else allowed
    member = pc.is_in(values, allowed.drop_null())
    return pc.if_else(pc.is_null(values), pa.scalar(None, pa.bool_()), member)


def url_hosts(urls: pa.ChunkedArray) -> pa.ChunkedArray:
    """Lower-case host of each URL (null when the URL has no scheme)."""
    extracted = pc.extract_regex(urls, HOST_RE)
    return pc.utf8_lower(pc.struct_field(extracted, "host"))


def site_matches_host(articles: pa.Table) -> pa.Array:
    """Whether ``site`` is the url host or a parent domain of it; null when either is null."""
    hosts = url_hosts(articles["url"]).to_pylist()
    sites = articles["site"].to_pylist()
    flags = [
        None if not site or host is None
        else host == site.lower() or host.endswith("." + site.lower())
        for host, site in zip(hosts, sites, strict=True)
    ]
    return pa.array(flags, pa.bool_())


def word_count_error(articles: pa.Table) -> pa.ChunkedArray:
    """``|word_count - words in body| / max(words in body, 1)``; null when either is null."""
    counted = pc.cast(pc.count_substring_regex(articles["body"], WORD_RE), pa.float64())
    stated = pc.cast(articles["word_count"], pa.float64())
    return pc.divide(pc.abs(pc.subtract(stated, counted)), pc.max_element_wise(counted, 1.0))


KEPT_PAGE_NOTE = "bad_date"
"""Rejection reason recorded for a page that is still kept (its date alone is dropped)."""


def source_quality(articles: pa.Table | None, rejections: pa.Table | None, *,
                   min_pages: int, reasons: frozenset[str] | None) -> pa.Table:
    """Per source: articles, extract-stage rejections, pages, and the rejected share.

    ``rejected_share`` is null for sources with fewer than ``min_pages`` pages, so the
    ceiling is not applied to them. A page counts once: a rejection row of a page that was
    kept as an article (a note such as ``bad_date``: the date is dropped, not the page) is
    not a rejection, and several rejection rows of one URL count as one page.
    """
    counts: dict[str, list[int]] = {}
    kept: set[str] = set()
    if articles is not None:
        for source in articles["source_id"].to_pylist():
            counts.setdefault(source or "(none)", [0, 0])[0] += 1
        if "url" in articles.column_names:
            kept = set(articles["url"].drop_null().to_pylist())
    if rejections is not None and rejections.num_rows:
        stage = rejections["stage"]
        mask = pc.or_kleene(pc.is_null(stage), pc.equal(stage, "extract"))
        mask = pc.and_(mask, pc.not_equal(pc.fill_null(rejections["reason"], ""),
                                          KEPT_PAGE_NOTE))
        if reasons is not None:
            mask = pc.and_(mask, pc.is_in(rejections["reason"], pa.array(sorted(reasons))))
        rejected_pages: set[tuple[str, str]] = set()
        chosen = rejections.filter(mask)
        for source, url in zip(chosen["source_id"].to_pylist(), chosen["url"].to_pylist(),
                               strict=True):
            key = (source or "(none)", url)
            if url in kept or key in rejected_pages:
                continue
            rejected_pages.add(key)
            counts.setdefault(key[0], [0, 0])[1] += 1
    names = sorted(counts)
    accepted = [counts[n][0] for n in names]
    rejected = [counts[n][1] for n in names]
    pages = [a + r for a, r in zip(accepted, rejected, strict=True)]
    share = [r / p if p >= min_pages else None for r, p in zip(rejected, pages, strict=True)]
    table = pa.table({
        "source_id": pa.array(names, pa.string()),
        "articles": pa.array(accepted, pa.int64()),
        "rejected": pa.array(rejected, pa.int64()),
        "pages": pa.array(pages, pa.int64()),
        "rejected_share": pa.array(share, pa.float64()),
    })
    return with_row_numbers(table)
