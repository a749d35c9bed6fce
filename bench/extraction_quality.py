"""Extraction quality on every set in ``<shared>/eval``, ours beside plain trafilatura.

Ours: the rows ``newslake import-warc`` publishes into a fresh lake, one lake per set (the
``articles`` and ``rejections`` tables). Baseline, in the same run on the same WARC records:
trafilatura 2.3.1, ``extract(html)`` for the body and ``bare_extraction(with_metadata=True)``
for title, author and date.

Sets and fields (exact match after trimming and lower-casing; authors as a set of names; the
date as ``published_date``, the page's own calendar day; a page annotated without a date must
stay undated, and ``date_annotated`` scores only the pages annotated with a date):
  aeb               body: word 4-gram precision/recall per page, averaged (AEB metric)
  trafilatura-meta  title, author, date; body must/must-not snippets (P/R/F1/accuracy)
  wcxb              articles: title, author, date, body (AEB metric); page-type confusion
  htmldate          date
  all but wcxb      article pages not rejected as ``not_article``; the body's detected
                    language against the language the markup declares (where it does)
  wire labels       wire_service precision/recall on <shared>/labels/wire_labels.csv

Each metric section is one function in ``SECTIONS``. Per-page misses go to ``--misses``.
Last line: one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import trafilatura
from newslake.crawl.warc import iter_responses

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from extraction_eval import (  # noqa: E402
    EVAL_DIR,
    aggregate,
    field_match,
    gold_rows,
    page_scores,
    snippet_counts,
    snippet_scores,
)

SET_WARCS = {
    "aeb": "aeb/aeb.warc.gz",
    "trafilatura-meta": "trafilatura-meta/pages.warc.gz",
    "wcxb": "wcxb/pages.warc.gz",
    "htmldate": "htmldate/pages.warc.gz",
}


def key(url: str | None) -> str:
    """A URL as a join key: the WARC writer percent-encodes what the annotations leave raw."""
    return unquote(url or "").strip()


# --- the lake: the one place that knows how published rows are read ---------------------


@dataclass
class LakeRows:
    """Published rows of one import, by URL: article rows and rejection rows."""

    articles: dict[str, dict[str, Any]]
    rejections: dict[str, dict[str, Any]]


def read_lake(lake: Path) -> LakeRows:
    """The ``articles`` and ``rejections`` rows of a lake, through its DuckDB views."""
    import duckdb
    from newslake.lake.catalog import connect

    con = connect(str(lake))
    try:

        def rows(table: str) -> list[dict[str, Any]]:
            try:
                cursor = con.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed names
            except duckdb.Error:  # a lake with no row of that table yet
                return []
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]

        articles = {key(r["url"]): r for r in rows("articles")}
        rejected = {key(r["url"]): r for r in rows("rejections")}
    finally:
        con.close()
    return LakeRows(articles, rejected)


def import_into_fresh_lake(warc: Path) -> LakeRows:
    """``newslake import-warc`` of one file into a new lake, then its rows."""
    lake = Path(tempfile.mkdtemp(prefix="newslake-eval-"))
    newslake = str(Path(sys.executable).parent / "newslake")
    command = [newslake, "import-warc", "--lake", str(lake), str(warc)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return read_lake(lake)


def extract_directly(warc: Path) -> LakeRows:
    """The same rows extracted in this process (``--direct``: quicker, skips dedup/validation)."""
    from newslake.extract import Hints, extract_page

    articles, rejected = {}, {}
    for page in iter_responses(warc):
        outcome = extract_page(page, Hints(source_id="eval"))
        if outcome.article is not None:
            articles[key(outcome.article["url"])] = outcome.article
        elif outcome.rejection is not None:
            rejected[key(outcome.rejection["url"])] = outcome.rejection
    return LakeRows(articles, rejected)


# --- gold and baseline ------------------------------------------------------------------


def load_gold(name: str) -> dict[str, dict[str, Any]]:
    """Annotations of a set by URL key: url, title, author, date, body, with, without, page_type."""
    root = EVAL_DIR / name
    if name == "aeb":
        truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
        rows = [{"url": v["url"], "body": v["articleBody"]} for v in truth.values()]
    elif name == "trafilatura-meta":
        notes = json.loads((root / "annotations.json").read_text(encoding="utf-8"))
        rows = [{"url": url, **note} for url, note in notes.items()]
    elif name == "wcxb":
        rows = gold_rows(root / "gold.jsonl.gz")
    else:
        rows = gold_rows(root / "gold.jsonl")
    return {key(r["url"]): r for r in rows}


def baseline(warc: Path, gold: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Plain trafilatura's title, author, date and body of every annotated record."""
    found = {}
    for page in iter_responses(warc):
        url = key(page.final_url or page.url)
        if url not in gold and key(page.url) not in gold:
            continue
        url = url if url in gold else key(page.url)
        doc = trafilatura.bare_extraction(page.body, url=page.url, with_metadata=True)
        found[url] = {
            "title": getattr(doc, "title", None),
            "author": getattr(doc, "author", None),
            "date": getattr(doc, "date", None),
            "body": trafilatura.extract(page.body),
        }
    return found


def our_fields(row: dict[str, Any] | None) -> dict[str, Any]:
    """Title, authors, day and body of a published article row (empty when none)."""
    row = row or {}
    day = row.get("published_date")
    return {
        "title": row.get("title"),
        "author": list(row.get("authors") or []),
        "date": day.isoformat() if day else None,
        "body": row.get("body"),
    }


@dataclass
class SetRun:
    """One set: its annotations, our published rows and the baseline's fields."""

    name: str
    gold: dict[str, dict[str, Any]]
    ours: LakeRows
    theirs: dict[str, dict[str, Any]]


@dataclass
class Section:
    """A metric section: table lines (set, metric, ours, trafilatura), figures and misses."""

    lines: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)


# --- metric sections --------------------------------------------------------------------

FIELD_SETS = {
    "trafilatura-meta": ("title", "author", "date"),
    "wcxb": ("title", "author", "date"),
    "htmldate": ("date",),
}


def _scored_pages(run: SetRun) -> list[str]:
    if run.name == "wcxb":
        return [u for u, g in run.gold.items() if g.get("page_type") == "article"]
    return list(run.gold)


def fields_section(runs: dict[str, SetRun]) -> Section:
    """Exact-match accuracy of title, author and date per set."""
    out = Section()
    for name, fields in FIELD_SETS.items():
        run = runs.get(name)
        if run is None:
            continue
        figures = out.figures.setdefault(name, {})
        for fname in fields:
            hits, n = Counter(), 0
            for url in _scored_pages(run):
                gold = run.gold[url]
                if name == "trafilatura-meta" and fname not in gold:
                    continue  # not annotated
                n += 1
                mine = our_fields(run.ours.articles.get(url))[fname]
                theirs = (run.theirs.get(url) or {}).get(fname)
                hits["ours"] += field_match(fname, mine, gold.get(fname))
                hits["trafilatura"] += field_match(fname, theirs, gold.get(fname))
                if not field_match(fname, mine, gold.get(fname)):
                    row = run.ours.articles.get(url) or {}
                    how = row.get("date_source") if fname == "date" else None
                    why = (run.ours.rejections.get(url) or {}).get("reason")
                    out.misses.append(
                        f"{name} {fname} want={gold.get(fname)!r} ours={mine!r} "
                        f"trafilatura={theirs!r} {how or why or ''} {url}"
                    )
            scores = {k: round(hits[k] / n, 4) if n else None for k in ("ours", "trafilatura")}
            figures[fname] = {**scores, "pages": n}
            out.lines.append((name, fname, scores["ours"], scores["trafilatura"]))
            if fname == "date":  # also on the pages that have an annotated date only
                dated = _dated_scores(run)
                figures["date_annotated"] = dated
                out.lines.append((name, "date (annotated)", dated["ours"], dated["trafilatura"]))
    return out


def _dated_scores(run: SetRun) -> dict[str, Any]:
    """Date accuracy on the scored pages whose annotation has a date (undated pages left out)."""
    hits, n = Counter(), 0
    for url in _scored_pages(run):
        want = run.gold[url].get("date")
        if not want:
            continue
        n += 1
        hits["ours"] += field_match("date", our_fields(run.ours.articles.get(url))["date"], want)
        hits["trafilatura"] += field_match("date", (run.theirs.get(url) or {}).get("date"), want)
    scores = {k: round(hits[k] / n, 4) if n else None for k in ("ours", "trafilatura")}
    return {**scores, "pages": n}


def body_section(runs: dict[str, SetRun]) -> Section:
    """Body: AEB metric on aeb and wcxb articles; snippets on trafilatura-meta."""
    out = Section()
    for name in ("aeb", "wcxb"):
        run = runs.get(name)
        if run is None:
            continue
        ours, base = [], []
        for url in _scored_pages(run):
            truth = run.gold[url]["body"]
            mine = page_scores(our_fields(run.ours.articles.get(url))["body"], truth)
            ours.append(mine)
            base.append(page_scores((run.theirs.get(url) or {}).get("body"), truth))
            if (mine[0] or 0) < 0.9 or (mine[1] or 0) < 0.9:
                why = (run.ours.rejections.get(url) or {}).get("reason") or ""
                out.misses.append(f"{name} body P={mine[0]} R={mine[1]} {why} {url}")
        scores = {"ours": aggregate(ours), "trafilatura": aggregate(base), "pages": len(ours)}
        out.figures[name] = {"body": scores}
        for metric in ("f1", "precision", "recall"):
            out.lines.append(
                (name, f"body {metric}", scores["ours"][metric], scores["trafilatura"][metric])
            )
    run = runs.get("trafilatura-meta")
    if run is not None:
        ours, base = [], []
        for url, gold in run.gold.items():
            with_, without = gold.get("with") or [], gold.get("without") or []
            mine = snippet_counts(our_fields(run.ours.articles.get(url))["body"], with_, without)
            ours.append(mine)
            base.append(snippet_counts((run.theirs.get(url) or {}).get("body"), with_, without))
            if mine["fn"] or mine["fp"]:
                out.misses.append(f"trafilatura-meta snippets {mine} {url}")
        scores = {"ours": snippet_scores(ours), "trafilatura": snippet_scores(base)}
        out.figures["trafilatura-meta"] = {"snippets": scores}
        for metric in ("f1", "precision", "recall", "accuracy"):
            out.lines.append(
                ("trafilatura-meta", f"snippet {metric}", scores["ours"][metric],
                 scores["trafilatura"][metric])
            )
    return out


def page_type_section(runs: dict[str, SetRun]) -> Section:
    """wcxb: gold page type against the outcome (article row, rejection reason, missing)."""
    out = Section()
    run = runs.get("wcxb")
    if run is None:
        return out
    outcome: dict[str, Counter] = {}
    predicted: dict[str, Counter] = {}
    for url, gold in run.gold.items():
        kind = gold.get("page_type") or "unknown"
        row = run.ours.articles.get(url)
        rejected = run.ours.rejections.get(url)
        result = "article" if row else (rejected or {}).get("reason") or "missing"
        outcome.setdefault(kind, Counter())[result] += 1
        if row and row.get("page_type"):
            predicted.setdefault(kind, Counter())[row["page_type"]] += 1
        if (kind == "article") != (result == "article"):
            out.misses.append(f"wcxb page_type gold={kind} outcome={result} {url}")
    articles = outcome.get("article", Counter())
    others = sum((c for k, c in outcome.items() if k != "article"), Counter())
    kept = round(articles["article"] / max(sum(articles.values()), 1), 4)
    rejected = round(others["not_article"] / max(sum(others.values()), 1), 4)
    out.figures["wcxb"] = {
        "page_type": {
            "articles_kept": kept,
            "non_articles_rejected": rejected,
            "outcome": {k: dict(v) for k, v in sorted(outcome.items())},
            "predicted": {k: dict(v) for k, v in sorted(predicted.items())},
        }
    }
    out.lines.append(("wcxb", "articles kept", kept, None))
    out.lines.append(("wcxb", "non-art. rejected", rejected, None))
    return out


def not_article_section(runs: dict[str, SetRun]) -> Section:
    """aeb, trafilatura-meta, htmldate: article pages rejected as ``not_article`` (should be 0)."""
    out = Section()
    for name in ("aeb", "trafilatura-meta", "htmldate"):
        run = runs.get(name)
        if run is None:
            continue
        wrong = [u for u in run.gold if (run.ours.rejections.get(u) or {}).get("reason")
                 == "not_article"]
        out.misses.extend(
            f"{name} not_article {run.ours.rejections[u].get('detail')} {u}" for u in wrong
        )
        share = round(1 - len(wrong) / max(len(run.gold), 1), 4)
        out.figures[name] = {"kept_as_article_type": share, "not_article": len(wrong)}
        out.lines.append((name, "not rejected as n/a", share, None))
    return out


def language_section(runs: dict[str, SetRun]) -> Section:
    """Text language against the language the markup declares, where it declares one.

    For every published article of aeb, trafilatura-meta and htmldate whose markup declares a
    language: the body's language as the text detector sees it, and ``language_source``.
    """
    from newslake.extract import language as lang
    from newslake.extract import metadata
    from newslake.extract.decode import decode_html
    from trafilatura.utils import load_html

    out = Section()
    hits = total = 0
    sources: Counter = Counter()
    started = time.perf_counter()
    for name in ("aeb", "trafilatura-meta", "htmldate"):
        run = runs.get(name)
        if run is None:
            continue
        for page in iter_responses(EVAL_DIR / SET_WARCS[name]):
            row = run.ours.articles.get(key(page.final_url or page.url))
            if row is None or not row.get("body"):
                continue
            text, _ = decode_html(page.body, page.content_type)
            tree = load_html(text)
            declared = metadata.normalise_language(metadata.collect(tree)["language"]) if (
                tree is not None) else None
            found = lang.detect(row["body"]).code
            sources[row.get("language_source") or "none"] += 1
            if declared and found:
                total += 1
                hits += declared == found
                if declared != found:
                    out.misses.append(f"{name} language markup={declared} text={found} "
                                      f"kept={row.get('language')} {page.final_url}")
    accuracy = round(hits / total, 4) if total else None
    out.figures["language"] = {
        "text_agrees_with_markup": accuracy,
        "pages": total,
        "language_source": dict(sources),
        "seconds": round(time.perf_counter() - started, 1),
    }
    out.lines.append(("aeb+meta+htmldate", "language text=markup", accuracy, None))
    return out


def _digest(url: str) -> str:
    """The key of a page in the wire labels (a hash of its URL)."""
    return hashlib.sha1(url.encode()).hexdigest()[:16]


def wire_section(runs: dict[str, SetRun]) -> Section:
    """Wire credit precision/recall on the labelled pages of ``<shared>/labels/wire_labels.csv``
    (kept with the evaluation data, read at run time; the section is left out without it).

    A wire on any published article outside the labels counts as a false positive.
    """
    import csv

    from newslake.extract import wire

    out = Section()
    path = EVAL_DIR.parent / "labels" / "wire_labels.csv"
    if not path.is_file():
        out.misses.append(f"wire: no labels at {path}")
        return out
    with path.open(encoding="utf-8") as fh:
        labels = {r["url_sha1"]: r["wire"] for r in csv.DictReader(fh)}  # eval pages stay in shared
    # only the labelled pages of the sets this run read (--sets may leave some out)
    in_run = {_digest(url) for run in runs.values()
              for url in [*run.gold, *run.ours.articles]}
    labels = {u: wire for u, wire in labels.items() if u in in_run}
    predicted: dict[str, str | None] = {u: None for u in labels}
    for run in runs.values():
        for url, row in run.ours.articles.items():
            digest = _digest(url)
            if digest in labels or row.get("wire_service"):
                predicted[digest] = row.get("wire_service")
    scores = wire.score(predicted, labels)
    for url, got in predicted.items():
        want = labels.get(url, "")
        if (got or "") != want:
            out.misses.append(f"wire want={want!r} ours={got!r} {url}")
    out.figures["wire"] = {**scores, "labelled_pages": len(labels)}
    out.lines.append(("wire labels", "wire precision", scores["precision"], None))
    out.lines.append(("wire labels", "wire recall", scores["recall"], None))
    return out


SECTIONS: list[Callable[[dict[str, SetRun]], Section]] = [
    fields_section,
    body_section,
    page_type_section,
    not_article_section,
    language_section,
    wire_section,
]


# --- driver -----------------------------------------------------------------------------


def _merge(into: dict[str, Any], figures: dict[str, Any]) -> None:
    for name, value in figures.items():
        if isinstance(value, dict) and isinstance(into.get(name), dict):
            _merge(into[name], value)
        else:
            into[name] = value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sets", default=",".join(SET_WARCS), help="comma-separated set names")
    parser.add_argument("--direct", action="store_true", help="extract in-process, no lake")
    parser.add_argument("--misses", default="bench/out/extraction_quality_misses.txt")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    names = [n for n in args.sets.split(",") if n]
    unknown = [n for n in names if n not in SET_WARCS]
    if unknown:
        print(f"unknown set: {', '.join(unknown)}", file=sys.stderr)
        return 2
    missing = [n for n in names if not (EVAL_DIR / SET_WARCS[n]).exists()]
    if missing:
        print(f"no evaluation data at {EVAL_DIR} for {', '.join(missing)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    ours: dict[str, LakeRows] = {}

    def import_all() -> None:  # ours, in the background while the baseline runs here
        for name in names:
            warc = EVAL_DIR / SET_WARCS[name]
            ours[name] = extract_directly(warc) if args.direct else import_into_fresh_lake(warc)

    worker = threading.Thread(target=import_all)
    worker.start()
    golds = {n: load_gold(n) for n in names}
    theirs = {n: baseline(EVAL_DIR / SET_WARCS[n], golds[n]) for n in names}
    worker.join()
    if set(ours) != set(names):
        print("import failed", file=sys.stderr)
        return 1
    runs = {n: SetRun(n, golds[n], ours[n], theirs[n]) for n in names}
    figures: dict[str, Any] = {}
    misses: list[str] = []
    print(f"{'set':<18}{'metric':<20}{'ours':>8}{'trafilatura':>13}")
    for section in SECTIONS:
        result = section(runs)
        _merge(figures, result.figures)
        misses.extend(result.misses)
        for set_name, metric, mine, base in result.lines:
            print(f"{set_name:<18}{metric:<20}{mine!s:>8}{base if base is not None else '':>13}")
    path = Path(args.misses)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(misses) + "\n", encoding="utf-8")
    seconds = round(time.perf_counter() - started, 1)
    print(f"{len(misses)} misses written to {path}; {seconds} s")
    figures["seconds"] = seconds
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
