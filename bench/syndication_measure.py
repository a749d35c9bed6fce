"""Measuring the pair thresholds of deduplication on a labelled corpus (exact, every pair).

For every pair of article texts (captions, credits and furniture removed as in
``assign_stories``) the two shares of shingles are computed exactly, then pages are grouped
with :func:`newslake.dedup.relate.join` for each ``contained`` x ``mutual`` setting and
scored against the labels: pair precision, pair recall and merges of pairs that must stay
apart (excerpts, hard negatives). Versions: pages of one labelled story are grouped by
:meth:`DedupConfig.same_text` for each ``version_split`` x ``version_kept`` setting and scored
against the version labels. Used by ``bench/syndication_quality.py --measure``.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import pyarrow as pa
from newslake.dedup import DedupConfig
from newslake.dedup.relate import Components, join
from newslake.dedup.shingles import shares, shingle_batch
from newslake.dedup.text import article_text, site_furniture

CONTAINED = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
MUTUAL = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75)
VERSION_SPLIT = (0.8, 0.85, 0.9, 0.95)
VERSION_KEPT = (0.9, 0.95, 0.98)


def pair_shares(bodies: list[str], sites: list[str], config: DedupConfig
                ) -> dict[tuple[int, int], tuple[float, float]]:
    """``(i, j) -> (share_i, share_j)`` for every pair whose larger share reaches 0.3."""
    array = pa.array(bodies, pa.large_string())
    texts = article_text(array, site_furniture(array, pa.array(sites, pa.string())))
    shingled = shingle_batch(texts, config)
    out = {}
    for i, j in combinations(range(len(bodies)), 2):
        a, b = shares(shingled.doc(i), shingled.doc(j))
        if max(a, b) >= 0.3:
            out[i, j] = (a, b)
    return out


def _pair_scores(keys: list[str], group: list[int], apart: list[tuple[int, int]]) -> dict:
    tp = fp = fn = 0
    for i, j in combinations(range(len(keys)), 2):
        truth, together = keys[i] == keys[j], group[i] == group[j]
        tp += truth and together
        fp += together and not truth
        fn += truth and not together
    return {"precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
            "merged_apart": sum(group[i] == group[j] for i, j in apart)}


def story_grid(keys: list[str], found: dict, apart: list[tuple[int, int]],
               config: DedupConfig) -> dict[str, dict]:
    """Scores per ``contained`` x ``mutual`` (key ``"C0.8/M0.6"``)."""
    ordered = sorted(found.items(), key=lambda kv: -max(kv[1]))
    grid = {}
    for contained in CONTAINED:
        for mutual in MUTUAL:
            setting = replace(config, contained=contained, mutual=mutual)
            comps = Components(len(keys))
            join(comps, [(i, j, a, b) for (i, j), (a, b) in ordered], setting)
            group = [comps.find(n) for n in range(len(keys))]
            grid[f"C{contained}/M{mutual}"] = _pair_scores(keys, group, apart)
    return grid


def version_grid(keys: list[str], versions: list[str | None], found: dict,
                 config: DedupConfig) -> dict[str, dict]:
    """Same-version pair scores within labelled stories per ``version_split`` x
    ``version_kept`` (key ``"V0.9/K0.95"``)."""
    grid = {}
    labels = [v if v is not None else f"own{n}" for n, v in enumerate(versions)]
    for split in VERSION_SPLIT:
        for kept in VERSION_KEPT:
            setting = replace(config, version_split=split, version_kept=kept)
            comps = Components(len(keys))
            for (i, j), (a, b) in found.items():
                if keys[i] == keys[j] and setting.same_text(a, b):
                    comps.union(i, j)
            group = [comps.find(n) for n in range(len(keys))]
            tp = fp = fn = 0
            for i, j in combinations(range(len(keys)), 2):
                if keys[i] != keys[j]:
                    continue
                truth, together = labels[i] == labels[j], group[i] == group[j]
                tp += truth and together
                fp += together and not truth
                fn += truth and not together
            grid[f"V{split}/K{kept}"] = {
                "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
                "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0}
    return grid


def print_grid(name: str, grid: dict[str, dict]) -> None:
    """One line per setting: precision / recall [/ merged pairs that must stay apart]."""
    print(f"-- {name}")
    for setting, s in grid.items():
        extra = f" merged_apart={s['merged_apart']}" if "merged_apart" in s else ""
        print(f"   {setting:12s} precision={s['precision']:.4f} recall={s['recall']:.4f}{extra}")
