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

from newslake.dedup.candidates import verified_edges
from newslake.dedup.config import DedupConfig
from newslake.dedup.history import META_COLUMNS, History, load_history
from newslake.dedup.shingles import band_keys, sign_batch
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


class _Components:
    """Union-find over batch articles and history stories; two history stories never merge."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))
        self.story: dict[int, str] = {}

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        sa, sb = self.story.get(ra), self.story.get(rb)
        if sa is not None and sb is not None and sa != sb:
            return
        self.parent[rb] = ra
        if sa is None and sb is not None:
            self.story[ra] = sb


def assign_stories(
    articles: pa.Table,
    *,
    lake: str,
    crawl_date: date,
    config: DedupConfig,
    syndicator_sites: frozenset[str] = frozenset(),
) -> DedupResult:
    """Group one day's articles into stories against the lake's history window.

    Exact URL duplicates (same canonical URL in the batch or earlier in the lake) are removed
    and reported as ``duplicate_url`` rejections. Bodies are compared with MinHash/LSH
    candidates verified by exact shingle containment. Stories touching history keep their
    story id; new ones get :func:`story_id_for` of their original.
    """
    from newslake.dedup.assemble import assemble

    table = schema.conform("articles", articles)
    columns = [c for c in (*META_COLUMNS, "source_id") if c not in ("story_id", "is_original")]
    rows = table.select(columns).to_pylist()
    for n, row in enumerate(rows):
        row["_order"] = n
        row["canonical_url"] = row["canonical_url"] or canonicalize_url(row["url"])
    history = load_history(lake, crawl_date, config)
    kept, rejected = _drop_duplicate_urls(rows, history)
    del rows
    order = np.array([r["_order"] for r in kept], dtype=np.int64)
    signed = sign_batch(table["body"], config).select(order)
    keys = band_keys(signed.signatures, config)
    found = verified_edges(table["body"], order, signed, keys, history, config)

    docs = found.history_docs
    doc_story = [s or a for s, a in zip(docs["story_id"].to_pylist(),
                                        docs["article_id"].to_pylist(), strict=True)]
    hist_story_ids = sorted(set(doc_story))
    node_of_story = {s: len(kept) + k for k, s in enumerate(hist_story_ids)}
    comps = _Components(len(kept) + len(hist_story_ids))
    for s, node in node_of_story.items():
        comps.story[node] = s
    for _score, i, (kind, j) in found.edges:  # best first: a copy joins its closest story
        comps.union(i, j if kind == "b" else node_of_story[doc_story[j]])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(kept)):
        groups[comps.find(i)].append(i)
    result = assemble(
        table, kept, signed, keys, groups, {root: comps.story.get(root) for root in groups},
        history, rejected, config, syndicator_sites,
    )
    del signed, keys, found, history
    pa.default_memory_pool().release_unused()
    return result
