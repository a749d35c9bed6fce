"""Fit the page-type model on labelled pages and measure it by site-grouped cross-validation.

``python -m newslake.extract.page_type_train`` reads the WCXB pages in ``<shared>/eval/wcxb``,
computes the features of ``newslake.extract.page_features`` exactly as extraction does,
reports k-fold figures where no site is in both a training and a test fold, then writes the
fitted trees to ``page_type_model.json`` next to this module (``--check`` only reports).
The model is gradient boosting of shallow oblivious trees on the softmax loss (Newton steps,
an L2 penalty on leaf scores, classes weighted by inverse frequency, a seeded subsample of
pages and features per tree): deterministic, and small enough to read as JSON.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from newslake.extract.page_type import CLASSES, MODEL_PATH, PageTypeModel, Tree, decide


@dataclass(frozen=True)
class Boosting:
    """Hyper-parameters of the boosted trees."""

    rounds: int = 200
    depth: int = 3
    learning_rate: float = 0.1
    l2: float = 1.0
    bins: int = 32
    min_side: int = 5
    rows: float = 0.8
    columns: float = 0.6
    seed: int = 7
    bags: int = 3
    """Models fitted with different seeds whose scores are averaged (less variance)."""


def _matrix(rows: list[dict[str, float]], names: list[str]) -> np.ndarray:
    return np.array([[row.get(n, 0.0) for n in names] for row in rows], dtype=float)


def _cuts(x: np.ndarray, bins: int) -> list[np.ndarray]:
    """Candidate thresholds of every feature: midpoints between its quantiles."""
    out = []
    for col in x.T:
        values = np.unique(col)
        if len(values) > bins + 1:
            values = np.unique(np.quantile(col, np.linspace(0.0, 1.0, bins + 1)))
        out.append((values[:-1] + values[1:]) / 2)
    return out


def _grow(codes: np.ndarray, g: np.ndarray, h: np.ndarray, allowed: np.ndarray,
          ncut: np.ndarray, p: Boosting) -> tuple[list[tuple[int, int]], np.ndarray]:
    """One oblivious tree on binned features: the (feature, cut) of every level and the leaf
    index of every page."""
    n, nf = codes.shape
    k = g.shape[1]
    nb = int(ncut.max()) + 1
    leaf = np.zeros(n, dtype=np.int64)
    splits: list[tuple[int, int]] = []
    cols = np.flatnonzero(allowed)
    sub = codes[:, cols]
    for level in range(p.depth):
        width = 1 << level
        flat = ((np.arange(len(cols))[None, :] * width + leaf[:, None]) * nb + sub).ravel()
        size = len(cols) * width * nb

        def hist(values: np.ndarray, flat: np.ndarray = flat, size: int = size) -> np.ndarray:
            return np.bincount(flat, weights=np.repeat(values, len(cols)), minlength=size)

        grad = np.stack([hist(g[:, c]) for c in range(k)], -1).reshape(len(cols), width, nb, k)
        hess = np.stack([hist(h[:, c]) for c in range(k)], -1).reshape(len(cols), width, nb, k)
        count = hist(np.ones(n)).reshape(len(cols), width, nb)
        gl, hl = np.cumsum(grad, 2)[:, :, :-1], np.cumsum(hess, 2)[:, :, :-1]
        gr, hr = grad.sum(2, keepdims=True) - gl, hess.sum(2, keepdims=True) - hl
        gain = (gl**2 / (hl + p.l2) + gr**2 / (hr + p.l2)).sum(axis=(1, 3))
        left = np.cumsum(count, 2)[:, :, :-1].sum(1)
        valid = (np.arange(nb - 1)[None, :] < ncut[cols][:, None]) & (left >= p.min_side) & (
            n - left >= p.min_side)
        gain = np.where(valid, gain, -np.inf)
        f, cut = np.unravel_index(int(np.argmax(gain)), gain.shape)
        if not np.isfinite(gain[f, cut]):
            break
        splits.append((int(cols[f]), int(cut)))
        leaf |= (sub[:, f] > cut).astype(np.int64) << level
    return splits, leaf


def fit(rows: list[dict[str, float]], labels: list[str], params: Boosting | None = None
        ) -> PageTypeModel:
    """Boosted oblivious trees on the softmax loss, classes weighted by inverse frequency;
    with ``bags`` > 1, the average of that many such models of different seeds (one model
    whose trees are all of theirs, each leaf score divided by ``bags``)."""
    p = params or Boosting()
    if p.bags <= 1:
        return _fit_one(rows, labels, p)
    models = [_fit_one(rows, labels, replace(p, seed=p.seed + b)) for b in range(p.bags)]
    names = sorted({n for m in models for n in m.features})
    where = {n: i for i, n in enumerate(names)}
    trees = [
        Tree(tuple(where[m.features[f]] for f in t.features), t.thresholds,
             tuple(tuple(v / p.bags for v in leaf) for leaf in t.leaves))
        for m in models for t in m.trees
    ]
    base = np.mean([m.base for m in models], axis=0)
    return PageTypeModel(tuple(names), tuple(float(v) for v in base), tuple(trees), 0.5)


def _fit_one(rows: list[dict[str, float]], labels: list[str], p: Boosting) -> PageTypeModel:
    """One boosted model of oblivious trees (see ``fit``)."""
    names = sorted({n for row in rows for n in row})
    x = _matrix(rows, names)
    cuts = _cuts(x, p.bins)
    ncut = np.array([len(c) for c in cuts])
    codes = np.stack([np.searchsorted(c, col) for c, col in zip(cuts, x.T, strict=True)], 1)
    n, k = len(rows), len(CLASSES)
    y = np.zeros((n, k))
    for i, label in enumerate(labels):
        y[i, CLASSES.index(label)] = 1.0
    weight = (y / np.maximum(y.sum(axis=0), 1.0)).sum(axis=1)
    weight *= n / weight.sum()
    base = np.log(np.maximum((y * weight[:, None]).sum(0), 1e-3) / n)
    base -= base.mean()
    logits = np.tile(base, (n, 1))
    rng = np.random.default_rng(p.seed)
    trees: list[Tree] = []
    for _ in range(p.rounds):
        prob = np.exp(logits - logits.max(1, keepdims=True))
        prob /= prob.sum(1, keepdims=True)
        keep = (rng.random(n) < p.rows).astype(float) * weight
        g = (prob - y) * keep[:, None]
        h = np.maximum(prob * (1 - prob), 1e-6) * keep[:, None]
        allowed = rng.random(len(names)) < p.columns
        allowed[rng.integers(len(names))] = True  # never an empty choice of features
        splits, leaf = _grow(codes, g, h, allowed, ncut, p)
        width = 1 << len(splits)
        gs = np.stack([np.bincount(leaf, weights=g[:, c], minlength=width) for c in range(k)], 1)
        hs = np.stack([np.bincount(leaf, weights=h[:, c], minlength=width) for c in range(k)], 1)
        values = -p.learning_rate * gs / (hs + p.l2)
        logits += values[leaf]
        trees.append(Tree(tuple(f for f, _ in splits),
                          tuple(float(cuts[f][c]) for f, c in splits),
                          tuple(tuple(float(v) for v in row) for row in values)))
    # the model lists only the features some tree asks about
    used = sorted({f for tree in trees for f in tree.features})
    where = {f: i for i, f in enumerate(used)}
    trees = [Tree(tuple(where[f] for f in t.features), t.thresholds, t.leaves) for t in trees]
    return PageTypeModel(tuple(names[f] for f in used), tuple(float(v) for v in base),
                         tuple(trees), 0.5)


def fold_of(site: str, k: int) -> int:
    """The cross-validation fold of a site (stable: a hash of its name)."""
    return int(hashlib.sha1(site.encode()).hexdigest(), 16) % k


def out_of_fold(
    rows: list[dict[str, float]], labels: list[str], sites: list[str], k: int = 5,
    params: Boosting | None = None,
) -> np.ndarray:
    """Out-of-fold P(class) of every page (pages x classes); no site is in both a training
    and a test fold."""
    out = np.zeros((len(rows), len(CLASSES)))
    folds = [fold_of(s, k) for s in sites]
    for fold in range(k):
        train = [i for i, f in enumerate(folds) if f != fold]
        test = [i for i, f in enumerate(folds) if f == fold]
        if train and test:
            model = fit([rows[i] for i in train], [labels[i] for i in train], params)
            out[test] = model.predict([rows[i] for i in test])
    return out


def cross_validate(
    rows: list[dict[str, float]], labels: list[str], sites: list[str], k: int = 5,
    params: Boosting | None = None,
) -> list[float]:
    """Out-of-fold P(article) of every page (see ``out_of_fold``)."""
    column = out_of_fold(rows, labels, sites, k, params)[:, CLASSES.index("article")]
    return [float(p) for p in column]


def confusion(probs: np.ndarray, labels: list[str], threshold: float) -> dict[str, dict[str, int]]:
    """Per labelled type, how many pages the model's decision rule gives each type."""
    out: dict[str, dict[str, int]] = {}
    for row, label in zip(probs, labels, strict=True):
        kind = decide(dict(zip(CLASSES, (float(p) for p in row), strict=True)), threshold)
        out.setdefault(label, {})
        out[label][kind] = out[label].get(kind, 0) + 1
    return {k: dict(sorted(v.items())) for k, v in sorted(out.items())}


def threshold_for(p_article: list[float], labels: list[str], keep: float) -> float:
    """The highest P(article) threshold that still keeps ``keep`` of the articles."""
    scores = sorted(p for p, label in zip(p_article, labels, strict=True) if label == "article")
    if not scores:
        return 0.5
    drop = int(len(scores) * (1.0 - keep))
    return float(scores[drop]) if drop < len(scores) else 0.5


def report(p_article: list[float], labels: list[str], threshold: float) -> dict[str, Any]:
    """Articles kept and non-articles rejected at ``threshold``, overall and per page type."""
    per: dict[str, list[int]] = {}
    for p, label in zip(p_article, labels, strict=True):
        kept = p >= threshold
        per.setdefault(label, [0, 0])
        per[label][0] += int(kept if label == "article" else not kept)
        per[label][1] += 1
    arts = per.get("article", [0, 0])
    non = [sum(v[0] for k, v in per.items() if k != "article"),
           sum(v[1] for k, v in per.items() if k != "article")]
    return {
        "threshold": round(threshold, 4),
        "articles_kept": round(arts[0] / arts[1], 4) if arts[1] else None,
        "non_articles_rejected": round(non[0] / non[1], 4) if non[1] else None,
        "per_type": {k: f"{v[0]}/{v[1]}" for k, v in sorted(per.items())},
    }


def wcxb_examples(root: Path) -> Iterator[tuple[dict[str, float], str, str]]:
    """``(features, page type, site)`` of every WCXB page, computed as extraction does."""
    from newslake.crawl.warc import iter_responses
    from newslake.extract.page import page_signals
    from newslake.ids import registered_site

    gold: dict[str, str] = {}
    with gzip.open(root / "gold.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            gold[item["url"]] = item["page_type"]
    for page in iter_responses(root / "pages.warc.gz"):
        url = page.final_url or page.url
        label = gold.get(url) or gold.get(page.url)
        row = page_signals(page) if label else None
        if row is not None:
            yield row, label, registered_site(url)


def main(argv: list[str] | None = None) -> int:
    """Cross-validate, then fit on every page and write the model (unless ``--check``)."""
    from newslake.config import SHARED_DIR

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=SHARED_DIR / "eval" / "wcxb")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--keep", type=float, default=0.99, help="share of articles to keep")
    parser.add_argument("--check", action="store_true", help="report only, write nothing")
    args = parser.parse_args(argv)
    if not (args.eval / "gold.jsonl.gz").exists():
        parser.error(f"{args.eval}: no gold.jsonl.gz (the WCXB set is needed to train)")
    rows, labels, sites = [], [], []
    for row, label, site in wcxb_examples(args.eval):
        rows.append(row)
        labels.append(label)
        sites.append(site)
    probs = out_of_fold(rows, labels, sites, args.folds)
    oof = [float(p) for p in probs[:, CLASSES.index("article")]]
    # the threshold is set from out-of-fold scores, so it carries the held-out error
    threshold = threshold_for(oof, labels, args.keep)
    cv = report(oof, labels, threshold)
    cv["rejected_at_keep"] = {
        str(keep): report(oof, labels, threshold_for(oof, labels, keep))["non_articles_rejected"]
        for keep in (0.97, 0.98, 0.99)
    }
    cv["confusion"] = confusion(probs, labels, threshold)
    print(json.dumps({"pages": len(rows), "folds": args.folds, "cross_validated": cv}))
    if not args.check:
        model = fit(rows, labels)
        model = model.with_threshold(threshold)
        MODEL_PATH.write_text(model.to_json(), encoding="utf-8")
        print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
