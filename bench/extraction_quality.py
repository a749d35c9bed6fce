"""Extraction quality on public benchmarks, ours against plain trafilatura in the same run.

Body: ``<shared>/eval/aeb`` (article-extraction-benchmark metric: word 4-gram precision and
recall per page, averaged; F1 of the means). Ours is ``newslake.extract.extract_page``; the
baseline is ``trafilatura.extract(html)``.
Metadata: ``<shared>/eval/trafilatura-meta`` (exact match of title, author, date); the baseline
is trafilatura's own metadata (``bare_extraction(with_metadata=True)``).

``--via-lake`` scores the rows the real pipeline publishes instead: ``newslake import-warc``
of ``aeb.warc.gz`` and ``pages.warc.gz`` into a fresh lake, then the ``articles`` table.

Per-page misses go to ``--misses`` (default ``bench/out/extraction_quality_misses.txt``).
Last line: JSON {"aeb": {"ours": {...}, "trafilatura": {...}}, "meta": {"title": {...}, ...}}.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path
from urllib.parse import unquote

import trafilatura
from newslake.extract import Hints, extract_page

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from extraction_eval import (
    EVAL_DIR,
    aeb_pages,
    aggregate,
    expected,
    matches,
    meta_pages,
    page_scores,
)

FIELDS = ("title", "author", "date")


def _ours_direct(pages) -> dict[str, dict]:
    """Article fields of each page by URL, extracted in this process."""
    found = {}
    for page in pages:
        outcome = extract_page(page, Hints(source_id="eval"))
        found[_key(page.url)] = outcome.article or {
            "rejection": (outcome.rejection or {}).get("reason")
        }
    return found


def _ours_via_lake(warcs: list[Path]) -> dict[str, dict]:
    """Article rows by URL after ``newslake import-warc`` into a fresh lake."""
    import pyarrow.dataset as ds

    lake = Path(tempfile.mkdtemp(prefix="newslake-eval-"))
    for warc in warcs:
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from newslake.cli import main; raise SystemExit(main())",
                "import-warc",
                "--lake",
                str(lake),
                str(warc),
            ],
            check=True,
        )
    table = ds.dataset(lake / "articles", format="parquet", partitioning="hive").to_table()
    return {_key(row["url"]): row for row in table.to_pylist()}


def _key(url: str) -> str:
    """A URL as a join key: the WARC writer percent-encodes what the annotations leave raw."""
    return unquote(url).strip()


def _row_fields(row: dict) -> dict[str, str | None]:
    day = row.get("published_date")  # the day as the page gives it, in its own time zone
    return {
        "title": row.get("title"),
        "author": "; ".join(row.get("authors") or []) or None,
        "date": day.isoformat() if day else None,
    }


def body_quality(limit: int | None, via_lake: bool, misses: list[str]) -> dict:
    """Scores of ours and trafilatura on the article-extraction benchmark."""
    items = list(islice(aeb_pages(), limit))
    rows = (
        _ours_via_lake([EVAL_DIR / "aeb" / "aeb.warc.gz"])
        if via_lake
        else _ours_direct(p for _, p, _ in items)
    )
    ours, base = [], []
    for key, page, truth in items:
        row = rows.get(_key(page.url)) or {}
        mine = page_scores(row.get("body"), truth)
        theirs = page_scores(trafilatura.extract(page.body), truth)
        ours.append(mine)
        base.append(theirs)
        if (mine[0] or 0) < 0.9 or (mine[1] or 0) < 0.9:
            reason = row.get("rejection") or ""
            misses.append(f"aeb {key} P={mine[0]} R={mine[1]} {reason} {page.url}")
    return {"ours": aggregate(ours), "trafilatura": aggregate(base), "pages": len(items)}


def meta_quality(limit: int | None, via_lake: bool, misses: list[str]) -> dict:
    """Exact-match accuracy of title, author and date, ours and trafilatura's."""
    items = list(islice(meta_pages(), limit))
    rows = (
        _ours_via_lake([EVAL_DIR / "trafilatura-meta" / "pages.warc.gz"])
        if via_lake
        else _ours_direct(p for _, p, _ in items)
    )
    hits = {f: {"ours": 0, "trafilatura": 0, "n": 0} for f in FIELDS}
    for url, page, note in items:
        mine = _row_fields(rows.get(_key(url)) or {})
        doc = trafilatura.bare_extraction(page.body, url=url, with_metadata=True)
        theirs = {f: getattr(doc, f, None) if doc is not None else None for f in FIELDS}
        for field in FIELDS:
            want = expected(note, field)
            if want is None:
                continue
            hits[field]["n"] += 1
            hits[field]["ours"] += matches(mine[field], want)
            hits[field]["trafilatura"] += matches(theirs[field], want)
            if not matches(mine[field], want):
                misses.append(f"meta {field} want={want!r} ours={mine[field]!r} {url}")
    return {
        f: {k: round(v[k] / v["n"], 4) if v["n"] else None for k in ("ours", "trafilatura")}
        for f, v in hits.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="pages per set (default: all)")
    parser.add_argument("--via-lake", action="store_true", help="score the published lake rows")
    parser.add_argument("--misses", default="bench/out/extraction_quality_misses.txt")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if not (EVAL_DIR / "aeb").exists():
        print(f"no evaluation data at {EVAL_DIR}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    misses: list[str] = []
    aeb = body_quality(args.limit, args.via_lake, misses)
    meta = meta_quality(args.limit, args.via_lake, misses)
    print(f"{'set':<10}{'metric':<12}{'ours':>8}{'trafilatura':>13}")
    for metric in ("precision", "recall", "f1"):
        print(f"{'aeb':<10}{metric:<12}{aeb['ours'][metric]:>8}{aeb['trafilatura'][metric]:>13}")
    for field in FIELDS:
        print(f"{'meta':<10}{field:<12}{meta[field]['ours']:>8}{meta[field]['trafilatura']:>13}")
    path = Path(args.misses)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(misses) + "\n", encoding="utf-8")
    print(f"{len(misses)} misses written to {path}; {time.perf_counter() - started:.1f} s")
    print(json.dumps({"aeb": {k: aeb[k] for k in ("ours", "trafilatura")}, "meta": meta}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
