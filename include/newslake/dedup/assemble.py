"""Turn grouped articles into the output tables of :func:`assign_stories`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from newslake.dedup.candidates import Sketch
from newslake.dedup.config import DedupConfig
from newslake.dedup.history import History
from newslake.dedup.originals import choose_original
from newslake.lake import schema


def _when(row: dict[str, Any]) -> datetime | None:
    return row.get("published_at") or row.get("fetched_at")


def _lag(copy: dict[str, Any], original: dict[str, Any]) -> float | None:
    a, b = _when(copy), _when(original)
    return None if a is None or b is None else (a - b).total_seconds() / 60.0


def _history_members(history: History) -> dict[str, list[dict[str, Any]]]:
    claims = {
        r["article_id"]: (r["claimed_url"], r["claim_signal"])
        for r in history.index.select(["article_id", "claimed_url", "claim_signal"]).to_pylist()
    }
    by_story: dict[str, list[dict[str, Any]]] = {}
    for row in history.articles.to_pylist():
        claimed, signal = claims.get(row["article_id"], (None, None))
        row = {**row, "original_url": claimed, "original_signal": signal, "_history": True}
        by_story.setdefault(row["story_id"] or row["article_id"], []).append(row)
    return by_story


def assemble(kept: list[dict[str, Any]], sketches: list[Sketch], groups: dict[int, list[int]],
             group_story: dict[int, str | None], history: History, rejected: list[dict[str, Any]],
             crawl_date: date, config: DedupConfig, syndicator_sites: frozenset[str]):
    """Choose each group's original and build the result tables."""
    from newslake.dedup.stories import DedupResult, story_id_for

    del crawl_date
    claims = [(r["original_url"], r["original_signal"]) for r in kept]
    past = _history_members(history) if any(group_story.values()) else {}
    now = datetime.now(UTC)
    stories, syndication = [], []
    for root in sorted(groups, key=lambda g: min(groups[g])):
        batch = [kept[i] for i in groups[root]]
        old_story = group_story[root]
        members = batch + (past.get(old_story, []) if old_story else [])
        best_index, signal = choose_original(members, syndicator_sites)
        best = members[best_index]
        story_id = old_story or story_id_for(best["canonical_url"])
        for row in batch:
            row["story_id"] = story_id
            row["is_original"] = row is best
            row["original_url"] = best["canonical_url"]
            row["original_signal"] = signal
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
            "copies": len(members), "sites": sorted({m["site"] for m in members if m["site"]}),
            "updated_at": now,
        })
    signatures = [
        {
            "article_id": row["article_id"], "story_id": row["story_id"],
            "canonical_url": row["canonical_url"], "n_shingles": int(sk.shingles.size),
            "signature": None if sk.signature is None else sk.signature.tolist(),
            "band_keys": None if sk.keys is None else sk.keys.tolist(),
            "scheme": config.scheme, "claimed_url": claimed, "claim_signal": claim_signal,
        }
        for row, sk, (claimed, claim_signal) in zip(kept, sketches, claims, strict=True)
    ]
    articles = [{k: v for k, v in row.items() if not k.startswith("_")} for row in kept]
    return DedupResult(
        articles=schema.conform("articles", articles),
        stories=schema.conform("stories", stories),
        syndication=schema.conform("syndication", syndication),
        rejections=schema.conform("rejections", rejected),
        signatures=schema.conform("dedup_index", signatures),
    )
