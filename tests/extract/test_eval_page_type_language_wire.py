"""Page type, language and wire credit on the real pages of ``../shared/eval``."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import logging
from pathlib import Path

import pytest
from newslake.crawl.warc import iter_responses
from newslake.extract import Hints, extract_page, metadata, wire
from newslake.extract import language as lang
from newslake.extract.decode import decode_html
from trafilatura.utils import load_html

LABELS = Path(__file__).with_name("wire_labels.csv")
WARCS = ("aeb/aeb.warc.gz", "trafilatura-meta/pages.warc.gz", "htmldate/pages.warc.gz",
         "wcxb/pages.warc.gz")
SAMPLE_EVERY = 20  # every 20th wcxb page: about 75 pages, every page type


def url_key(url: str) -> str:
    """The key of a labelled page: the evaluation pages stay in ../shared, only labels here."""
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def _wire_labels() -> dict[str, str]:
    with LABELS.open(encoding="utf-8") as fh:
        return {row["url_sha1"]: row["wire"] for row in csv.DictReader(fh)}


def test_wire_credit_precision_on_labelled_pages(shared_eval) -> None:
    labels = _wire_labels()
    assert len(labels) >= 100 and sum(1 for w in labels.values() if w) >= 25
    predicted: dict[str, str | None] = {}
    logging.disable(logging.WARNING)
    try:
        for name in WARCS:
            for page in iter_responses(shared_eval / name):
                url = url_key(page.final_url or page.url)
                if url in labels:
                    article = extract_page(page, Hints(accepted_page_types=None)).article
                    predicted[url] = (article or {}).get("wire_service")
    finally:
        logging.disable(logging.NOTSET)
    assert set(predicted) == set(labels)
    scores = wire.score(predicted, labels)
    assert scores["precision"] >= 0.98, scores
    assert scores["recall"] >= 0.75, scores


def test_text_language_matches_declared_language_on_aeb(shared_eval) -> None:
    truth = json.loads((shared_eval / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    hits = total = 0
    for key, item in truth.items():
        path = shared_eval / "aeb" / "html" / f"{key}.html.gz"
        text, _ = decode_html(gzip.decompress(path.read_bytes()), "text/html")
        declared = metadata.normalise_language(metadata.collect(load_html(text))["language"])
        found = lang.detect(item["articleBody"]).code
        if declared and found:
            total += 1
            hits += declared == found
    assert total >= 60
    assert hits / total >= 0.97


def test_page_type_on_a_wcxb_sample(shared_eval) -> None:
    gold = {}
    with gzip.open(shared_eval / "wcxb" / "gold.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            gold[item["url"]] = item["page_type"]
    kept = {True: [0, 0], False: [0, 0]}
    logging.disable(logging.WARNING)
    try:
        for i, page in enumerate(iter_responses(shared_eval / "wcxb" / "pages.warc.gz")):
            kind = gold.get(page.final_url or page.url)
            if kind is None or i % SAMPLE_EVERY:
                continue
            outcome = extract_page(page, Hints())
            is_article = kind == "article"
            kept[is_article][0] += outcome.article is not None
            kept[is_article][1] += 1
            if outcome.article is None and not is_article:
                assert outcome.rejection["reason"] in ("not_article", "too_short",
                                                       "empty_after_boilerplate")
    finally:
        logging.disable(logging.NOTSET)
    articles_kept = kept[True][0] / kept[True][1]
    others_rejected = 1 - kept[False][0] / kept[False][1]
    assert kept[True][1] >= 30 and kept[False][1] >= 25
    assert articles_kept >= 0.96, kept
    assert others_rejected >= 0.5, kept


@pytest.mark.parametrize("path", ["aeb/aeb.warc.gz"])
def test_eval_articles_stay_articles(shared_eval, path) -> None:
    pages = list(iter_responses(shared_eval / path))[::2]
    logging.disable(logging.WARNING)
    try:
        types = [(extract_page(p, Hints(accepted_page_types=None)).article or {}).get("page_type")
                 for p in pages]
    finally:
        logging.disable(logging.NOTSET)
    assert sum(t == "article" for t in types) / len(pages) >= 0.95, types
