"""Fit the page-type model on labelled pages and measure it by site-grouped cross-validation.

``python -m newslake.extract.page_type_train`` reads the WCXB pages in ``<shared>/eval/wcxb``,
computes the features of ``newslake.extract.page_features`` exactly as extraction does,
reports k-fold figures where no site is in both a training and a test fold, then writes the
fitted weights to ``page_type_model.json`` next to this module (``--check`` only reports).
The model is a multinomial logistic regression on standardised features with an L2 penalty:
a few hundred numbers that anyone can read.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from newslake.extract.page_type import CLASSES, MODEL_PATH, PageTypeModel

L2 = 10.0
STEPS = 600
LEARNING_RATE = 0.5


def _matrix(rows: list[dict[str, float]], names: list[str]) -> np.ndarray:
    return np.array([[row.get(n, 0.0) for n in names] for row in rows], dtype=float)


def fit(rows: list[dict[str, float]], labels: list[str], l2: float = L2) -> PageTypeModel:
    """Multinomial logistic regression by full-batch gradient descent (deterministic)."""
    names = sorted({n for row in rows for n in row})
    x = _matrix(rows, names)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    y = np.zeros((len(rows), len(CLASSES)))
    for i, label in enumerate(labels):
        y[i, CLASSES.index(label)] = 1.0
    # classes weighted by inverse frequency, so that rare page types still count
    weight = (1.0 / np.maximum(y.sum(axis=0), 1.0))[None, :] * y
    weight = weight.sum(axis=1) / weight.sum() * len(rows)
    w = np.zeros((len(names), len(CLASSES)))
    b = np.zeros(len(CLASSES))
    n = len(rows)
    for _ in range(STEPS):
        logits = z @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - y) * weight[:, None]
        w -= LEARNING_RATE * (z.T @ grad / n + l2 * w / n)
        b -= LEARNING_RATE * grad.mean(axis=0)
    return PageTypeModel(
        features=tuple(names),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=tuple(tuple(float(v) for v in row) for row in w),
        bias=tuple(float(v) for v in b),
        threshold=0.5,
    )


def fold_of(site: str, k: int) -> int:
    """The cross-validation fold of a site (stable: a hash of its name)."""
    return int(hashlib.sha1(site.encode()).hexdigest(), 16) % k


def cross_validate(
    rows: list[dict[str, float]], labels: list[str], sites: list[str], k: int = 5
) -> list[float]:
    """Out-of-fold P(article) of every page; no site is in both a training and a test fold."""
    out = [0.0] * len(rows)
    folds = [fold_of(s, k) for s in sites]
    for fold in range(k):
        train = [i for i, f in enumerate(folds) if f != fold]
        model = fit([rows[i] for i in train], [labels[i] for i in train])
        for i, f in enumerate(folds):
            if f == fold:
                out[i] = model.probabilities(rows[i])["article"]
    return out


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
    oof = cross_validate(rows, labels, sites, args.folds)
    # the threshold is set from out-of-fold scores, so it carries the held-out error
    threshold = threshold_for(oof, labels, args.keep)
    cv = report(oof, labels, threshold)
    print(json.dumps({"pages": len(rows), "folds": args.folds, "cross_validated": cv}))
    if not args.check:
        model = fit(rows, labels)
        model = model.with_threshold(threshold)
        MODEL_PATH.write_text(model.to_json(), encoding="utf-8")
        print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
