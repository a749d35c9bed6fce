"""The page-type trainer: deterministic fit, site-grouped folds, threshold, command line."""

from __future__ import annotations

import gzip
import json
import math
from datetime import UTC, datetime

import pytest
from extract_fixtures import article_html
from newslake.crawl.warc import WarcWriter
from newslake.extract import page_type_train as train
from newslake.extract.page_type import CLASSES


def _rows(n: int) -> tuple[list[dict[str, float]], list[str], list[str]]:
    rows, labels, sites = [], [], []
    for i in range(n):
        kind = ("article", "product", "forum")[i % 3]
        rows.append({"prose": 1.0 if kind == "article" else 0.1 * (i % 5),
                     "cart": 2.0 if kind == "product" else 0.0,
                     "posts": 1.5 if kind == "forum" else 0.0})
        labels.append(kind)
        sites.append(f"site{i % 10}.example")
    return rows, labels, sites


def test_bagged_fit_averages_the_scores_of_models_of_successive_seeds() -> None:
    rows, labels, _ = _rows(60)
    one = [train.fit(rows, labels, train.Boosting(bags=1, seed=s, rounds=20)) for s in (3, 4)]
    bagged = train.fit(rows, labels, train.Boosting(bags=2, seed=3, rounds=20))
    assert len(bagged.trees) == 40
    assert bagged.predict(rows) == pytest.approx(
        _softmax_of_mean([m.scores(m.matrix(rows)) for m in one]))


def _softmax_of_mean(scores: list) -> list:
    import numpy as np

    mean = np.mean(scores, axis=0)
    exps = np.exp(mean - mean.max(axis=1, keepdims=True))
    return exps / exps.sum(axis=1, keepdims=True)


def test_fit_separates_and_is_deterministic() -> None:
    rows, labels, sites = _rows(60)
    model = train.fit(rows, labels)
    assert model == train.fit(rows, labels)
    assert model.classify({"prose": 1.0, "cart": 0.0, "posts": 0.0}).page_type == "article"
    assert model.classify({"prose": 0.0, "cart": 2.0, "posts": 0.0}).page_type == "product"
    oof = train.cross_validate(rows, labels, sites, k=5)
    threshold = train.threshold_for(oof, labels, keep=0.99)
    report = train.report(oof, labels, threshold)
    assert report["articles_kept"] >= 0.95 and report["non_articles_rejected"] >= 0.9
    assert {train.fold_of(s, 5) for s in sites} == set(range(5)) or len(set(sites)) < 5


def test_fit_grows_shallow_trees_and_batch_prediction_matches_the_shipped_evaluator() -> None:
    rows, labels, _sites = _rows(60)
    params = train.Boosting(rounds=12, depth=2, bags=1)
    model = train.fit(rows, labels, params)
    assert len(model.trees) == 12 and all(len(t.features) <= 2 for t in model.trees)
    probe = [{"prose": 0.3 * i, "cart": i % 3, "posts": 0.5 * (i % 4)} for i in range(10)]
    for row, p in zip(probe, model.predict(probe), strict=True):
        logits = list(model.base)  # walk every tree by hand
        for tree in model.trees:
            leaf = sum(1 << bit for bit, (f, t) in enumerate(
                zip(tree.features, tree.thresholds, strict=True)) if row[model.features[f]] > t)
            logits = [v + w for v, w in zip(logits, tree.leaves[leaf], strict=True)]
        exps = [math.exp(v) for v in logits]
        assert list(p) == pytest.approx([e / sum(exps) for e in exps])
        single = model.probabilities(row)
        assert [single[c] for c in CLASSES] == pytest.approx(list(p))
    assert train.fit(rows, labels, params) == model
    assert train.fit(rows, labels, train.Boosting(rounds=12, depth=2, seed=8)) != model


def test_command_reports_cross_validation_on_a_wcxb_shaped_set(tmp_path, capsys) -> None:
    when = datetime(2025, 5, 1, tzinfo=UTC)
    gold = []
    with WarcWriter(tmp_path / "pages.warc.gz") as warc:
        for i in range(12):
            url = f"https://site{i}.example.com/2025/05/01/story-{i}"
            html = article_html(8) if i % 2 == 0 else (
                "<html><body><h1>Kettle</h1>" + "<p>$19.99 Add to cart</p>" * 20
                + "</body></html>")
            warc.write_response(url, 200, "OK", [("Content-Type", "text/html")], html.encode(),
                                when)
            gold.append({"url": url, "page_type": "article" if i % 2 == 0 else "product"})
    with gzip.open(tmp_path / "gold.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write("\n".join(json.dumps(g) for g in gold) + "\n")
    assert train.main(["--eval", str(tmp_path), "--folds", "3", "--check"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[0])
    assert report["pages"] == 12 and report["folds"] == 3
    assert report["cross_validated"]["per_type"]["article"].endswith("/6")
    confusion = report["cross_validated"]["confusion"]
    assert sum(confusion["article"].values()) == sum(confusion["product"].values()) == 6
    assert set(report["cross_validated"]["rejected_at_keep"]) == {"0.97", "0.98", "0.99"}
