"""Turn grouped articles into the output tables of :func:`assign_stories`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa

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


def assemble(table: pa.Table, kept: list[dict[str, Any]], signed: Signed, keys: np.ndarray,
             groups: dict[int, list[int]], group_story: dict[int, str | None], history: History,
             rejected: list[dict[str, Any]], config: DedupConfig,
             syndicator_sites: frozenset[str]):
    """Choose each group's original and build the result tables."""
    from newslake.dedup.stories import DedupResult, story_id_for

    claims = [(r["original_url"], r["original_signal"]) for r in kept]
    touched = {s for s in group_story.values() if s}
    past = history.members(touched) if touched else {}
    now = datetime.now(UTC)
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
            "sites": sorted({m["site"] for m in members if m["site"]}), "updated_at": now,
        })
    eligible = signed.words >= config.min_words
    signatures = {
        "article_id": [r["article_id"] for r in kept],
        "story_id": [r["story_id"] for r in kept],
        "canonical_url": [r["canonical_url"] for r in kept],
        "n_shingles": signed.n_shingles.astype(np.int32),
        "signature": _lists(signed.signatures, eligible, pa.uint32()),
        "band_keys": _lists(keys, eligible, pa.int64()),
        "scheme": [config.scheme] * len(kept),
        "claimed_url": [c for c, _ in claims], "claim_signal": [s for _, s in claims],
    }
    order = [r["_order"] for r in kept]
    if order != list(range(table.num_rows)):
        table = table.take(pa.array(order, pa.int64()))
    out = table
    for name in ("canonical_url", "story_id", "is_original", "original_url", "original_signal",
                 "original_publisher"):
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
