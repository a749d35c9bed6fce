"""Body quality on the article-extraction benchmark stays ahead of plain trafilatura."""

from __future__ import annotations

import logging

import pytest
import trafilatura
from extraction_eval import aeb_pages, aggregate, page_scores
from newslake.extract import Hints, extract_page

pytestmark = pytest.mark.slow  # scores the whole extraction benchmark


def test_body_quality_on_aeb(shared_eval) -> None:
    logging.disable(logging.WARNING)
    try:
        ours, base = [], []
        for _, page, truth in aeb_pages(shared_eval / "aeb"):
            article = extract_page(page, Hints()).article or {}
            ours.append(page_scores(article.get("body"), truth))
            base.append(page_scores(trafilatura.extract(page.body), truth))
    finally:
        logging.disable(logging.NOTSET)
    mine, theirs = aggregate(ours), aggregate(base)
    assert len(ours) >= 50
    assert mine["f1"] >= 0.965 and mine["f1"] > theirs["f1"]
    assert mine["precision"] >= 0.96
    assert mine["recall"] >= theirs["recall"] - 0.005


def test_scoring_metric() -> None:
    assert page_scores("a b c d e", "a b c d e") == (1.0, 1.0)
    assert page_scores("", "a b c d e") == (None, 0.0)
    precision, recall = page_scores("a b c d e x y z w", "a b c d e")
    assert recall == 1.0 and precision == 2 / 6
    assert aggregate([(1.0, 0.5), (None, 0.0)]) == {"precision": 1.0, "recall": 0.25, "f1": 0.4}
