"""Turn grouped articles into the output tables of :func:`assign_stories`."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from newslake.dedup.candidates import Links
from newslake.dedup.config import DedupConfig
from newslake.dedup.history import History
from newslake.dedup.originals import choose_original
from newslake.dedup.shingles import Signed
from newslake.lake import schema


def _when(row: dict[str, Any]) -> datetime | None:
    return row.get("published_at") or row.get("fetched_at")


def _lag(copy: dict[str, Any], original: dict[str, Any]) -> float | None:
    a, b = _when(copy), _when(original)
    return None if a is None or b is None else (a - b).total_seconds() / 60.0


def _lists(matrix: np.ndarray, keep: np.ndarray, kind: pa.DataType) -> pa.Array:
    """Rows of ``matrix`` as an Arrow list array, null where ``keep`` is false."""
    width = matrix.shape[1] if matrix.ndim == 2 else 0
    offsets = np.arange(len(matrix) + 1, dtype=np.int32) * width
    values = pa.array(matrix.ravel(), kind)
    mask = pa.array(~keep) if len(keep) else None
    return pa.ListArray.from_arrays(pa.array(offsets), values, mask=mask)


def _when_key(row: dict[str, Any]) -> tuple:
    when = _when(row)
    return (when is None, when.timestamp() if when else 0.0, row["canonical_url"])


def _versions(kept: list[dict[str, Any]], groups: dict[int, list[int]],
              past: dict[str, list[dict[str, Any]]], group_story: dict[int, str | None],
              links: Links) -> None:
    """Set ``story_version`` on batch rows: pages linked by same-text pairs share one; a text
    already in the story keeps its number, new texts follow in order of first appearance."""
    parent = list(range(len(kept)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    inherited: dict[int, set[int]] = {}
    history_version = {m["article_id"]: m.get("story_version")
                       for rows in past.values() for m in rows}
    for edge in links.same_text:
        kind, j = edge.other
        if kind == "b":
            parent[find(j)] = find(edge.i)
    for edge in links.same_text:
        kind, j = edge.other
        version = history_version.get(links.history_ids[j]) if kind == "h" else None
        if version:
            inherited.setdefault(find(edge.i), set()).add(version)
    for root, members in groups.items():
        old = group_story[root]
        used = [m.get("story_version") or 0 for m in (past.get(old, []) if old else [])]
        clusters: dict[int, list[int]] = defaultdict(list)
        for i in members:
            clusters[find(i)].append(i)
        number = max(used, default=0)
        for cluster in sorted(clusters.values(),
                              key=lambda c: min(_when_key(kept[i]) for i in c)):
            known = {v for i in cluster for v in inherited.get(find(i), ())}
            if known:
                version = min(known)
            else:
                number += 1
                version = number
            for i in cluster:
                kept[i]["story_version"] = version


def _excerpts(kept: list[dict[str, Any]], links: Links) -> None:
    """``excerpt_of``/``excerpt_share`` on the batch page that embeds another story."""
    for edge in links.excerpts:
        kind, j = edge.other
        if kind == "b":
            if edge.share_i <= edge.share_j:
                host, quoted, share = edge.i, j, edge.share_j
            else:
                host, quoted, share = j, edge.i, edge.share_i
            if kept[host]["story_id"] == kept[quoted]["story_id"]:
                continue
            story = kept[quoted]["story_id"]
        else:
            if edge.share_i > edge.share_j:  # the history page embeds this one: not ours
                continue
            host, share, story = edge.i, edge.share_j, links.history_story[j]
            if kept[host]["story_id"] == story:
                continue
        if share > (kept[host].get("excerpt_share") or 0.0):
            kept[host]["excerpt_of"], kept[host]["excerpt_share"] = story, round(share, 4)


def assemble(table: pa.Table, kept: list[dict[str, Any]], signed: Signed, keys: np.ndarray,
             groups: dict[int, list[int]], group_story: dict[int, str | None], history: History,
             rejected: list[dict[str, Any]], config: DedupConfig,
             syndicator_sites: frozenset[str], links: Links):
    """Choose each group's original, number versions, link excerpts, build the tables."""
    from newslake.dedup.stories import DedupResult, story_id_for

    claims = [(r["original_url"], r["original_signal"]) for r in kept]
    touched = {s for s in group_story.values() if s}
    past = history.members(touched) if touched else {}
    now = datetime.now(UTC)
    _versions(kept, groups, past, group_story, links)
    stories, syndication = [], []
    for root in sorted(groups, key=lambda g: min(groups[g])):
        batch = [kept[i] for i in groups[root]]
        old_story = group_story[root]
        members = batch + (past.get(old_story, []) if old_story else [])
        best_index, signal = choose_original(members, syndicator_sites)
        best = members[best_index]
        story_id = old_story or story_id_for(best["canonical_url"])
        # The story's publisher: the original's own credit, else its site's name.
        publisher = best.get("original_publisher") or best.get("site_name")
        for row in batch:
            row["story_id"] = story_id
            row["is_original"] = row is best
            row["original_url"] = best["canonical_url"]
            row["original_signal"] = signal
            if not row.get("original_publisher"):
                row["original_publisher"] = publisher
        for row in members:
            if row is not best and (not row.get("_history") or not best.get("_history")):
                syndication.append({
                    "story_id": story_id, "article_id": row["article_id"], "site": row["site"],
                    "original_site": best["site"], "lag_minutes": _lag(row, best),
                })
        published = [m["published_at"] for m in members if m.get("published_at")]
        stories.append({
            "story_id": story_id, "title": best["title"],
            "original_article_id": best["article_id"], "original_url": best["canonical_url"],
            "original_site": best["site"], "first_published_at": min(published, default=None),
            "copies": len(members) - 1, "articles": len(members),
            "versions": len({m.get("story_version") for m in members} - {None}) or 1,
            "sites": sorted({m["site"] for m in members if m["site"]}), "updated_at": now,
        })
    for row in kept:
        row.setdefault("excerpt_of", None)
        row.setdefault("excerpt_share", None)
    _excerpts(kept, links)
    eligible = signed.words >= config.min_words
    signatures = {
        "article_id": [r["article_id"] for r in kept],
        "story_id": [r["story_id"] for r in kept],
        "canonical_url": [r["canonical_url"] for r in kept],
        "n_shingles": signed.n_shingles.astype(np.int32),
        "signature": _lists(signed.signatures, eligible, pa.uint32()),
        "band_keys": _lists(keys, eligible, pa.int64()),
        "anchor_keys": pa.LargeListArray.from_arrays(
            pa.array(signed.anchor_offsets), pa.array(signed.anchor_keys, pa.int64()),
            mask=pa.array(signed.words < config.min_text_words)).cast(pa.list_(pa.int64())),
        "scheme": [config.scheme] * len(kept),
        "claimed_url": [c for c, _ in claims], "claim_signal": [s for _, s in claims],
    }
    order = [r["_order"] for r in kept]
    if order != list(range(table.num_rows)):
        table = table.take(pa.array(order, pa.int64()))
    out = table
    for name in ("canonical_url", "story_id", "is_original", "original_url", "original_signal",
                 "original_publisher", "story_version", "excerpt_of", "excerpt_share"):
        position = out.schema.get_field_index(name)
        values = pa.array([r[name] for r in kept], out.schema.field(name).type)
        out = out.set_column(position, out.schema.field(name), values)
    return DedupResult(
        articles=out,
        stories=schema.conform("stories", stories),
        syndication=schema.conform("syndication", syndication),
        rejections=schema.conform("rejections", rejected),
        signatures=schema.conform("dedup_index", pa.table(signatures)),
    )
