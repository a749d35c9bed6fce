"""Page type, language and wire credit on the real pages of ``../shared/eval``."""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from newslake.crawl.warc import iter_responses
from newslake.extract import ExtractOutcome, Hints, extract_page, metadata, wire
from newslake.extract import language as lang
from newslake.extract.decode import decode_html
from trafilatura.utils import load_html

pytestmark = pytest.mark.slow  # extracts about 250 real pages

WARCS = ("aeb/aeb.warc.gz", "trafilatura-meta/pages.warc.gz", "htmldate/pages.warc.gz",
         "wcxb/pages.warc.gz")
SAMPLE_EVERY = 20  # every 20th wcxb page: about 75 pages, every page type


def url_key(url: str) -> str:
    """The key of a labelled page (a hash of its URL)."""
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def wire_labels_path(shared_eval: Path) -> Path:
    """The wire-credit labels of the evaluation pages, kept beside them in ``../shared``
    (``labels/wire_labels.csv``: ``url_sha1,wire``)."""
    return shared_eval.parent / "labels" / "wire_labels.csv"


def _wire_labels(shared_eval: Path) -> dict[str, str]:
    path = wire_labels_path(shared_eval)
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row["url_sha1"]: row["wire"] for row in csv.DictReader(fh)}


@dataclass
class Extracted:
    """Outcomes by URL, every page type accepted, and the URLs of each sample in file order."""

    outcomes: dict[str, ExtractOutcome] = field(default_factory=dict)
    samples: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def extracted(shared_eval) -> Extracted:
    """The pages the tests below score, each extracted once: the labelled wire pages, every
    20th wcxb page and every other aeb page."""
    labels = _wire_labels(shared_eval)
    out = Extracted(samples={"wcxb": [], "aeb": []})
    logging.disable(logging.WARNING)
    try:
        for name in WARCS:
            sample = name.split("/")[0]
            every = {"wcxb": SAMPLE_EVERY, "aeb": 2}.get(sample)
            for i, page in enumerate(iter_responses(shared_eval / name)):
                url = page.final_url or page.url
                in_sample = every is not None and i % every == 0
                if in_sample:
                    out.samples[sample].append(url)
                if (in_sample or url_key(url) in labels) and url not in out.outcomes:
                    out.outcomes[url] = extract_page(page, Hints(accepted_page_types=None))
    finally:
        logging.disable(logging.NOTSET)
    return out


def test_wire_credit_precision_on_labelled_pages(shared_eval, extracted: Extracted) -> None:
    labels = _wire_labels(shared_eval)
    if not labels:
        pytest.skip(f"no wire-credit labels at {wire_labels_path(shared_eval)} (kept with the "
                    "evaluation data in ../shared)")
    assert len(labels) >= 100 and sum(1 for w in labels.values() if w) >= 25
    predicted = {
        url_key(url): (outcome.article or {}).get("wire_service")
        for url, outcome in extracted.outcomes.items()
        if url_key(url) in labels
    }
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


def _kept_by_default(outcome: ExtractOutcome) -> bool:
    """Whether the default policy (articles only) would have kept the page."""
    return outcome.article is not None and outcome.article["page_type"] == "article"


def test_page_type_on_a_wcxb_sample(shared_eval, extracted: Extracted) -> None:
    gold = {}
    with gzip.open(shared_eval / "wcxb" / "gold.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            gold[item["url"]] = item["page_type"]
    sampled = {u: extracted.outcomes[u] for u in extracted.samples["wcxb"] if u in gold}
    kept = {True: [0, 0], False: [0, 0]}
    for url, outcome in sampled.items():
        is_article = gold[url] == "article"
        kept[is_article][0] += _kept_by_default(outcome)
        kept[is_article][1] += 1
    articles_kept = kept[True][0] / kept[True][1]
    others_rejected = 1 - kept[False][0] / kept[False][1]
    assert kept[True][1] >= 30 and kept[False][1] >= 25
    assert articles_kept >= 0.96, kept
    assert others_rejected >= 0.5, kept


def test_eval_articles_stay_articles(extracted: Extracted) -> None:
    urls = extracted.samples["aeb"]
    types = [(extracted.outcomes[u].article or {}).get("page_type") for u in urls]
    assert sum(t == "article" for t in types) / len(urls) >= 0.95, types
