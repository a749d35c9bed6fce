"""Scoring of extraction against the public benchmarks in ``<shared>/eval``.

Body: the article-extraction-benchmark metric (word 4-gram precision/recall per page,
averaged). Metadata: exact match of title, author and date (YYYY-MM-DD) after trimming.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newslake.config import SHARED_DIR
from newslake.crawl.warc import Page

EVAL_DIR = SHARED_DIR / "eval"
_TOKEN = re.compile(r"\w+")


def _page(url: str, body: bytes, fetched_at: datetime) -> Page:
    return Page(
        url,
        url,
        200,
        {"content-type": "text/html"},
        body,
        "text/html",
        None,
        fetched_at,
        "eval",
        "",
    )


def aeb_pages(root: Path | None = None) -> Iterator[tuple[str, Page, str]]:
    """``(id, page, ground-truth body)`` of the article-extraction benchmark."""
    root = root or EVAL_DIR / "aeb"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    fetched_at = datetime.now(UTC)
    for key, item in sorted(truth.items()):
        path = root / "html" / f"{key}.html.gz"
        if path.exists():
            yield (
                key,
                _page(item["url"], gzip.decompress(path.read_bytes()), fetched_at),
                item["articleBody"],
            )


def meta_pages(root: Path | None = None) -> Iterator[tuple[str, Page, dict[str, Any]]]:
    """``(url, page, annotation)`` of the trafilatura metadata set."""
    root = root or EVAL_DIR / "trafilatura-meta"
    notes = json.loads((root / "annotations.json").read_text(encoding="utf-8"))
    fetched_at = datetime.now(UTC)
    for url, note in notes.items():
        path = root / "pages" / note["file"]
        if path.exists():
            yield url, _page(url, path.read_bytes(), fetched_at), note


def shingles(text: str | None) -> Counter:
    """Multiset of word 4-grams of ``text``."""
    words = _TOKEN.findall(text or "")
    return Counter(tuple(words[i : i + 4]) for i in range(max(len(words) - 3, 0)))


def page_scores(predicted: str | None, truth: str) -> tuple[float | None, float | None]:
    """Per-page ``(precision, recall)``; None where the metric leaves the page out."""
    pred, gold = shingles(predicted), shingles(truth)
    tp = sum((pred & gold).values())
    fp = sum(pred.values()) - tp
    fn = sum(gold.values()) - tp
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def aggregate(scores: list[tuple[float | None, float | None]]) -> dict[str, float]:
    """Mean precision and recall over pages, and F1 of the two means."""
    precisions = [p for p, _ in scores if p is not None]
    recalls = [r for _, r in scores if r is not None]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def expected(note: dict[str, Any], field: str) -> str | None:
    """The annotated value of ``field`` as a comparable string (lists joined by "; ")."""
    value = note.get(field)
    if value is None:
        return None
    if isinstance(value, list):
        value = "; ".join(value)
    return str(value).strip()


def matches(got: str | None, want: str | None) -> bool:
    """Exact match after trimming; a missing value matches an empty annotation."""
    return (got or "").strip() == (want or "").strip()


_NAME_SPLIT = re.compile(r"\s*(?:;|,|\||&|\band\b|\bund\b|\bet\b)\s*", re.I)


def gold_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a JSON Lines gold file (gzip or not)."""
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def normal(value: str | None) -> str:
    """A field value as compared: trimmed, lower-cased, inner whitespace collapsed."""
    return " ".join((value or "").split()).lower()


def name_set(value: str | list[str] | None) -> frozenset[str]:
    """Authors as a set of lower-cased names ("A, B and C", "A; B" and ["A", "B"] alike)."""
    if isinstance(value, list):
        value = "; ".join(value)
    return frozenset(n for n in (normal(p) for p in _NAME_SPLIT.split(value or "")) if n)


def field_match(field: str, got: Any, want: Any) -> bool:
    """Exact match of a title, author set or day after trimming and lower-casing.

    A missing value matches an empty annotation.
    """
    if field == "author":
        return name_set(got) == name_set(want)
    if field == "date":
        return normal(str(got or ""))[:10] == normal(str(want or ""))[:10]
    return normal(got) == normal(want)


def snippet_counts(body: str | None, with_: list[str], without: list[str]) -> dict[str, int]:
    """Snippet hits of a body: must-have found (tp) or not (fn), must-not found (fp) or not (tn)."""
    text = " ".join((body or "").split())
    found = [" ".join(s.split()) in text for s in with_]
    leaked = [" ".join(s.split()) in text for s in without]
    return {
        "tp": sum(found),
        "fn": len(found) - sum(found),
        "fp": sum(leaked),
        "tn": len(leaked) - sum(leaked),
    }


def snippet_scores(counts: list[dict[str, int]]) -> dict[str, float]:
    """Precision, recall, F1 and accuracy of summed snippet counts (trafilatura's evaluation)."""
    tp, fn, fp, tn = (sum(c[k] for c in counts) for k in ("tp", "fn", "fp", "tn"))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fn + fp + tn
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "accuracy": round((tp + tn) / total, 4) if total else 0.0,
    }
