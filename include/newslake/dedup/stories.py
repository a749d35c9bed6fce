"""assign_stories: URL duplicates out, near-duplicate bodies into stories, originals chosen."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from newslake.dedup.candidates import Links, verified_edges
from newslake.dedup.config import DedupConfig
from newslake.dedup.history import META_COLUMNS, History, load_history
from newslake.dedup.parallel import ChunkPool, pool_workers
from newslake.dedup.relate import Components, join
from newslake.dedup.shingles import band_keys, sign_batch
from newslake.dedup.text import ArticleText, site_furniture
from newslake.dedup.urls import canonicalize_url
from newslake.lake import schema

log = logging.getLogger(__name__)


@dataclass
class DedupResult:
    """Tables produced by :func:`assign_stories` (all conform to ``newslake.lake.schema``)."""

    articles: pa.Table
    stories: pa.Table
    syndication: pa.Table
    rejections: pa.Table
    signatures: pa.Table  # schema.DEDUP_INDEX: this day's index rows


def story_id_for(canonical_url: str) -> str:
    """Story id of a story first seen with original ``canonical_url``."""
    return hashlib.sha1(f"story:{canonical_url}".encode()).hexdigest()[:16]


def _drop_duplicate_urls(rows: list[dict[str, Any]], history: History) -> tuple[list, list]:
    kept: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    first: dict[str, dict[str, Any]] = {}
    order = sorted(
        range(len(rows)),
        key=lambda i: (rows[i]["fetched_at"] or datetime.max.replace(tzinfo=UTC),
                       len(rows[i]["url"]), rows[i]["url"]),
    )
    known = history.known_urls([r["canonical_url"] for r in rows])
    for i in order:
        row = rows[i]
        url = row["canonical_url"]
        if known[i] is not None:
            detail = f"{url} already in the lake since {known[i].isoformat()}"
        elif url in first:
            detail = f"{url} also fetched as {first[url]['url']}"
        else:
            first[url] = row
            kept.append(row)
            continue
        rejected.append({
            "url": row["url"], "source_id": row.get("source_id"), "site": row.get("site"),
            "reason": "duplicate_url", "detail": detail, "fetched_at": row.get("fetched_at"),
            "stage": "dedup",
        })
    kept.sort(key=lambda r: r["_order"])
    return kept, rejected


def _not_articles(kept: list[dict[str, Any]], words: np.ndarray, raw: np.ndarray,
                  config: DedupConfig) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Rows of ``kept`` to keep, and rejections of pages whose body had words but whose
    article text has almost none (a headline over captions and credits)."""
    bad = (raw >= config.min_text_words) & (words < config.min_text_words)
    rejected = [{
        "url": kept[i]["url"], "source_id": kept[i].get("source_id"), "site": kept[i].get("site"),
        "reason": "not_article", "stage": "dedup", "fetched_at": kept[i].get("fetched_at"),
        "detail": f"no article text: {int(words[i])} of {int(raw[i])} words left once "
                  "captions, credits and site furniture are removed",
    } for i in np.flatnonzero(bad)]
    return np.flatnonzero(~bad), rejected


def assign_stories(
    articles: pa.Table,
    *,
    lake: str,
    crawl_date: date,
    config: DedupConfig,
    syndicator_sites: frozenset[str] = frozenset(),
    same_day_except: str | None = None,
) -> DedupResult:
    """Group one day's articles into stories against the lake's history window.

    Exact URL duplicates (same canonical URL in the batch or earlier in the lake) are removed
    and reported as ``duplicate_url`` rejections. Bodies are compared with MinHash/LSH
    candidates verified by exact shingle containment, on the article text only (captions,
    credits and furniture removed; a page left without text is a ``not_article``
    rejection). A pair joins one story when the shorter text is contained in the longer or
    both share most of their text; a page embedding another inside substantial text of its
    own keeps its story and records ``excerpt_of``. Within a story, pages carrying the same
    text share a ``story_version``. Stories touching history keep their story id; new ones
    get :func:`story_id_for` of their original. With ``same_day_except`` (the batch's
    producer), the day's rows of other producers (earlier micro-batches) are history too.
    """
    from newslake.dedup.assemble import assemble

    table = schema.conform("articles", articles)
    columns = [c for c in (*META_COLUMNS, "source_id") if c not in ("story_id", "is_original")]
    rows = table.select(columns).to_pylist()
    for n, row in enumerate(rows):
        row["_order"] = n
        row["canonical_url"] = row["canonical_url"] or canonicalize_url(row["url"])
    history = load_history(lake, crawl_date, config, same_day_except)
    kept, rejected = _drop_duplicate_urls(rows, history)
    del rows
    order = np.array([r["_order"] for r in kept], dtype=np.int64)
    clean = ArticleText(site_furniture(table["body"], table["site"]))
    workers = pool_workers(config.workers, table.num_rows, config.parallel_min_docs)
    with ChunkPool(workers) as pool:
        signed = sign_batch(table["body"], config, clean=clean, pool=pool).select(order)
        raw = pc.fill_null(table["word_count"], 0).to_numpy().astype(np.int64)[order]
        keep, not_articles = _not_articles(kept, signed.words, raw, config)
        if not_articles:
            rejected.extend(not_articles)
            kept = [kept[i] for i in keep]
            order, signed = order[keep], signed.select(keep)
        keys = band_keys(signed.signatures, config)
        found = verified_edges(
            table["body"], order, signed, keys, history, config, clean=clean, pool=pool)

    docs = found.history_docs
    doc_story = [s or a for s, a in zip(docs["story_id"].to_pylist(),
                                        docs["article_id"].to_pylist(), strict=True)]
    hist_story_ids = sorted(set(doc_story))
    node_of_story = {s: len(kept) + k for k, s in enumerate(hist_story_ids)}
    comps = Components(len(kept) + len(hist_story_ids))
    for s, node in node_of_story.items():
        comps.story[node] = s
    links = Links(history_ids=docs["article_id"].to_pylist(), history_story=doc_story)
    from newslake.ids import registered_site  # newslake.ids imports this package

    doc_urls = docs["canonical_url"].to_pylist()
    sites: dict[str, str] = {}  # of the pages in verified pairs only

    def site_of(url: str) -> str:
        if url not in sites:
            sites[url] = registered_site(url)
        return sites[url]

    pairs = []
    for edge in found.edges:
        kind, j = edge.other
        url = kept[j]["canonical_url"] if kind == "b" else doc_urls[j] or ""
        one_site = site_of(kept[edge.i]["canonical_url"]) == site_of(url)
        relation = config.relation(edge.share_i, edge.share_j, one_site)
        other = j if kind == "b" else node_of_story[doc_story[j]]
        pairs.append((edge.i, other, edge.share_i, edge.share_j, one_site))
        if relation == "story" and config.same_text(edge.share_i, edge.share_j):
            links.same_text.append(edge)
        elif relation == "excerpt":
            links.excerpts.append(edge)
    join(comps, pairs, config)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(kept)):
        groups[comps.find(i)].append(i)
    result = assemble(
        table, kept, signed, keys, groups, {root: comps.story.get(root) for root in groups},
        history, rejected, config, syndicator_sites, links,
    )
    del signed, keys, found, history
    pa.default_memory_pool().release_unused()
    return result
