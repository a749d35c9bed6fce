"""Dates and authors on fixed samples of the htmldate and wcxb sets, against trafilatura.

Each sample is extracted once per module (ours and trafilatura's metadata) and every test
scores the shared results.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import trafilatura
from extraction_eval import field_match, gold_rows
from newslake.crawl.warc import iter_responses
from newslake.extract import Hints, extract_page

pytestmark = pytest.mark.slow  # extracts about 145 real pages

EVERY = {"htmldate": 4, "wcxb": 8}  # every n-th annotated article page, in file order
# Dates are scored on every page of the date set (its homepages too: the page-type policy is
# tested on its own); authors on the articles the default policy keeps.
HINTS = {"htmldate": Hints(accepted_page_types=None), "wcxb": Hints()}


@dataclass(frozen=True)
class Scored:
    """One sampled page: its annotation, our article row (or {}) and trafilatura's fields."""

    note: dict[str, Any]
    ours: dict[str, Any]
    theirs: dict[str, Any]


def _sample(root: Path, name: str) -> list[Scored]:
    gold_file = root / name / ("gold.jsonl" if name == "htmldate" else "gold.jsonl.gz")
    gold = {unquote(g["url"]).strip(): g for g in gold_rows(gold_file)}
    out, n = [], 0
    logging.disable(logging.WARNING)
    try:
        for page in iter_responses(root / name / "pages.warc.gz"):
            note = gold.get(unquote(page.url).strip())
            if note is None or note.get("page_type", "article") != "article":
                continue
            n += 1
            if n % EVERY[name]:
                continue
            article = extract_page(page, HINTS[name]).article or {}
            doc = trafilatura.bare_extraction(page.body, url=page.url, with_metadata=True)
            theirs = {f: getattr(doc, f, None) for f in ("author", "date")}
            out.append(Scored(note, article, theirs))
    finally:
        logging.disable(logging.NOTSET)
    return out


@pytest.fixture(scope="module")
def samples(shared_eval) -> dict[str, list[Scored]]:
    return {name: _sample(shared_eval, name) for name in EVERY}


def _scores(sample: list[Scored], field: str) -> tuple[float, float]:
    ours = theirs = 0
    for page in sample:
        day = page.ours.get("published_date")
        mine = (day.isoformat() if day else None) if field == "date" else page.ours.get("authors")
        ours += field_match(field, mine, page.note.get(field))
        theirs += field_match(field, page.theirs[field], page.note.get(field))
    return ours / len(sample), theirs / len(sample)


@pytest.mark.parametrize(("name", "field", "floor"), [("htmldate", "date", 0.93),
                                                       ("wcxb", "author", 0.70)])
def test_field_on_sample_beats_trafilatura(samples, name: str, field: str, floor: float) -> None:
    ours, theirs = _scores(samples[name], field)
    print(f"{name} {field} on {len(samples[name])} pages: ours {ours:.3f}, "
          f"trafilatura {theirs:.3f}")
    assert len(samples[name]) >= 40
    assert ours > theirs and ours >= floor


@pytest.mark.parametrize("name", ["htmldate", "wcxb"])
def test_every_date_has_a_source_and_confidence(samples, name: str) -> None:
    articles = [page.ours for page in samples[name] if page.ours]
    assert len(articles) >= 30
    for article in articles:
        dated = article["published_date"] is not None
        assert (article["date_source"] is not None) == dated
        assert article["date_confidence"] in (("high", "medium", "low") if dated else (None,))
