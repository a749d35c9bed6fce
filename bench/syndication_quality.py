"""Syndication quality: same-story pairs, originals, versions and excerpts on two corpora.

**Labelled corpus**: ingests ``<shared>/eval/syndication/corpus.warc.gz`` into a fresh lake
with ``newslake import-warc`` and scores the lake's ``articles`` rows (url, canonical_url,
story_id, is_original) against ``labels.csv`` / ``pairs.csv``. With ``--path direct`` (or when
the pipeline cannot run) pages are extracted here with trafilatura plus the page's provenance
markup, and :func:`newslake.dedup.assign_stories` groups them.

**Wire-traffic corpus** (``tests/dedup/wire_traffic.py``, one per ``--seeds`` value):
write-through chains, live threads, stubs, commentary quoting wire stories, short stories
sharing photo captions, galleries; written as a WARC and ingested the same way. Scored: pair
precision/recall, same-version precision/recall, excerpts merged (must be 0) and linked
(``excerpt_of``), galleries rejected as ``not_article``.

Baseline in the same run: trafilatura's 64-bit Simhash of the same bodies, clustered at its best
Hamming threshold (best pairwise F1), original = earliest published, then first fetched.

``--measure`` also prints the threshold grids (``bench/syndication_measure.py``) measured on
the lake bodies of each corpus.

Last line: JSON {"pair_precision", "pair_recall", "original_accuracy", "hard_negative_merges",
"baseline": {...}, "wire": {seed: {...}}, ...} (top-level figures: labelled corpus).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.compute  # noqa: F401
from newslake.config import DEFAULT_SOURCES, SHARED_DIR
from newslake.dedup import DedupConfig, assign_stories, canonicalize_url

EVAL = SHARED_DIR / "eval" / "syndication"
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "dedup"))  # the wire-traffic corpus generator


def _scores(labels: list[dict], story_of: dict[str, str], original_of: dict[str, bool],
            row_of: dict[str, str], hn_pairs: list[tuple[str, str]]) -> dict:
    """Pairwise precision/recall over every pair of labelled URLs, original accuracy per story."""
    urls = [r["url"] for r in labels]
    key = {r["url"]: r["story_key"] for r in labels}
    tp = fp = fn = 0
    for a, b in combinations(urls, 2):
        truth = key[a] == key[b]
        pred = story_of.get(a) is not None and story_of.get(a) == story_of.get(b)
        tp += truth and pred
        fp += pred and not truth
        fn += truth and not pred
    merges = sum(
        1 for a, b in hn_pairs if story_of.get(a) is not None and story_of.get(a) == story_of.get(b)
    )
    by_story: dict[str, list[dict]] = defaultdict(list)
    for r in labels:
        by_story[r["story_key"]].append(r)
    judged = correct = 0
    for members in by_story.values():
        rows = {row_of.get(m["url"]) for m in members} - {None}
        if len({row_of.get(m["url"], m["url"]) for m in members}) < 2:
            continue
        judged += 1
        truth = next(m for m in members if m["is_original"] == "1")
        chosen = {row_of[m["url"]] for m in members
                  if m["url"] in row_of and original_of.get(m["url"])}
        correct += bool(rows) and chosen == {row_of.get(truth["url"])}
    return {
        "pair_precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "pair_recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "original_accuracy": round(correct / judged, 4) if judged else 0.0,
        "hard_negative_merges": merges,
        "true_pairs": tp + fn, "false_pairs": fp, "missed_pairs": fn, "stories_judged": judged,
    }


def _lake_rows(lake: Path, table: str = "articles") -> pa.Table:
    columns = ["url", "canonical_url", "story_id", "is_original", "body", "published_at",
               "fetched_at", "site", "story_version", "excerpt_of", "excerpt_share"]
    from newslake.lake import read_table

    rows = read_table(str(lake), table, columns=columns)
    if table == "quarantine":
        rows = rows.filter(pa.compute.is_valid(rows["story_id"]))
    return rows


def _predictions(articles: pa.Table, labels: list[dict]):
    """Map each labelled URL to its lake row (by URL, else by canonical URL)."""
    rows = articles.select(["url", "canonical_url", "story_id", "is_original"]).to_pylist()
    by_url = {r["url"]: r for r in rows}
    by_canonical = {r["canonical_url"]: r for r in rows}
    story_of, original_of, row_of = {}, {}, {}
    for label in labels:
        url = label["url"]
        row = by_url.get(url) or by_canonical.get(canonicalize_url(url))
        row = row or by_canonical.get(canonicalize_url(label["norm_url"]))
        if row is None:
            continue
        story_of[url] = row["story_id"]
        original_of[url] = bool(row["is_original"])
        row_of[url] = row["canonical_url"]
    return story_of, original_of, row_of


_CREDIT_CLASSES = ("provider", "source-name", "source-credit", "wire-credit", "attr-item-provider",
                   "source-label", "attribution")
_ATTRIBUTION = ("originally published", "read more at", "continue reading at",
                "read the full story", "this article originally appeared", "first appeared on",
                "source:")


def _provenance(html: str, url: str) -> dict:
    """Claims and credits a page makes about its original (markup, JSON-LD, attribution text)."""
    import lxml.html
    from newslake.ids import registered_site

    out: dict = {"original_url": None, "original_signal": None, "original_publisher": None,
                 "original_publisher_url": None, "published_at": None, "rel_canonical": None}
    tree = lxml.html.fromstring(html)
    site = registered_site(url)
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            out["rel_canonical"] = link.get("href")
            if registered_site(link.get("href")) != site:
                out["original_url"], out["original_signal"] = link.get("href"), "canonical"
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "{}")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict):
                continue
            based = item.get("isBasedOn")
            based = based.get("url") if isinstance(based, dict) else based
            if isinstance(based, str) and out["original_url"] is None:
                out["original_url"], out["original_signal"] = based, "jsonld"
            for k in ("sourceOrganization", "provider"):
                org = item.get(k)
                if isinstance(org, dict) and org.get("name") and not out["original_publisher"]:
                    out["original_publisher"] = org["name"]
                    out["original_publisher_url"] = org.get("url")
            if item.get("datePublished") and out["published_at"] is None:
                with contextlib.suppress(ValueError):
                    out["published_at"] = datetime.fromisoformat(
                        item["datePublished"].replace("Z", "+00:00")).astimezone(UTC)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        text = " ".join(element.text_content().split())
        lower = text.lower()
        links = [a.get("href") for a in element.iter("a") if a.get("href")]
        if len(text) < 200 and links and lower.startswith(_ATTRIBUTION):
            target = links[0]
            if registered_site(target) != site:
                out["original_publisher_url"] = out["original_publisher_url"] or target
                if out["original_url"] is None and urlsplit(target).path.strip("/"):
                    out["original_url"], out["original_signal"] = target, "attribution"
        classes = element.get("class") or ""
        if not out["original_publisher"] and any(c in classes for c in _CREDIT_CLASSES) and text:
            out["original_publisher"] = text.removeprefix("Provided by ").strip()
    return out


def extract_corpus(warc: Path) -> pa.Table:
    """Articles of every HTML response of ``warc`` (temporary path until extraction lands)."""
    import trafilatura
    from newslake.ids import article_identity, registered_site
    from newslake.lake import schema
    from warcio.archiveiterator import ArchiveIterator

    rows = []
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            fetched = datetime.fromisoformat(
                record.rec_headers.get_header("WARC-Date").replace("Z", "+00:00"))
            html = record.content_stream().read().decode("utf-8", "replace")
            doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
            if doc is None or not doc.text:
                continue
            meta = _provenance(html, url)
            canonical, article_id = article_identity(url, meta.pop("rel_canonical"))
            rows.append({
                "article_id": article_id, "url": url, "canonical_url": canonical,
                "site": registered_site(url), "source_id": "warc:corpus", "title": doc.title,
                "site_name": doc.sitename, "body": doc.text, "fetched_at": fetched,
                "word_count": len(doc.text.split()), **meta,
            })
    return schema.conform("articles", rows)


def _rejected_urls(lake: Path) -> set[str]:
    from newslake.lake import read_table

    return set(read_table(str(lake), "rejections", columns=["url"])["url"].to_pylist())


def run_pipeline(warc: Path, lake: Path) -> bool:
    """``newslake import-warc`` into ``lake``; False when the command fails."""
    newslake = str(Path(sys.executable).parent / "newslake")
    cmd = [newslake, "import-warc", str(warc), "--lake", str(lake)]
    if DEFAULT_SOURCES.exists():
        cmd += ["--sources", str(DEFAULT_SOURCES)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        print(f"import-warc failed ({done.returncode}): {done.stderr.strip()[-600:]}")
        return False
    print(done.stdout.strip()[-600:])
    return True


def run_direct(warc: Path, lake: Path, config: DedupConfig) -> pa.Table:
    """Extract here (trafilatura + provenance markup) and run assign_stories."""
    articles = extract_corpus(warc)
    day = min(articles["fetched_at"].to_pylist()).date()
    result = assign_stories(articles, lake=str(lake), crawl_date=day, config=config)
    return result.articles


def simhash_baseline(articles: pa.Table, scorer) -> dict:
    """trafilatura Simhash clusters at the threshold with the best pairwise F1 (``scorer``
    maps a table of url, canonical_url, story_id, is_original to a dict of figures)."""
    from trafilatura.deduplication import Simhash

    columns = ["url", "canonical_url", "body", "published_at", "fetched_at"]
    rows = articles.select(columns).to_pylist()
    hashes = [Simhash(r["body"] or "") for r in rows]
    dist = {
        (i, j): bin(hashes[i].hash ^ hashes[j].hash).count("1")
        for i, j in combinations(range(len(rows)), 2)
    }
    best = None
    for threshold in range(0, 33):
        parent = list(range(len(rows)))

        def find(x: int, parent: list[int] = parent) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for (i, j), d in dist.items():
            if d <= threshold:
                parent[find(j)] = find(i)
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(len(rows)):
            groups[find(i)].append(i)
        story = {i: str(find(i)) for i in range(len(rows))}
        original = set()
        for members in groups.values():
            original.add(min(members, key=lambda i: (
                rows[i]["published_at"] or rows[i]["fetched_at"], rows[i]["fetched_at"])))
        table = pa.table({
            "url": [r["url"] for r in rows], "canonical_url": [r["canonical_url"] for r in rows],
            "story_id": [story[i] for i in range(len(rows))],
            "is_original": [i in original for i in range(len(rows))],
        })
        score = scorer(table)
        p, r = score["pair_precision"], score["pair_recall"]
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if best is None or f1 > best[0]:
            best = (f1, threshold, score)
    f1, threshold, score = best
    keep = ("pair_precision", "pair_recall", "original_accuracy", "hard_negative_merges",
            "excerpt_merges")
    return {**{k: score[k] for k in keep if k in score}, "threshold_bits": threshold}


def _ingest(warc: Path, lake: Path, mode: str, config: DedupConfig):
    """Articles (and quarantined articles, when any) of ``warc`` ingested into ``lake``."""
    if mode in ("auto", "pipeline") and run_pipeline(warc, lake):
        return _lake_rows(lake), _lake_rows(lake, "quarantine"), "pipeline"
    if mode == "pipeline":
        return None, None, mode
    return run_direct(warc, lake, config), None, "direct"


def labelled_corpus(args, config: DedupConfig, measure: dict) -> dict | None:
    """Figures on the labelled corpus (None when the pipeline fails)."""
    labels = list(csv.DictReader((EVAL / "labels.csv").open(encoding="utf-8")))
    hn_pairs = [
        (r["url_a"], r["url_b"])
        for r in csv.DictReader((EVAL / "pairs.csv").open(encoding="utf-8"))
        if r["kind"].startswith("hn_")
    ]
    with tempfile.TemporaryDirectory(prefix="synd-lake-") as tmp:
        lake = Path(args.keep_lake or tmp)
        started = time.perf_counter()
        articles, quarantined, path = _ingest(EVAL / "corpus.warc.gz", lake, args.path, config)
        seconds = time.perf_counter() - started
    if articles is None:
        return None
    ours = _scores(labels, *_predictions(articles, labels), hn_pairs)
    staged = None
    if quarantined is not None and quarantined.num_rows:
        both = pa.concat_tables([articles, quarantined.cast(articles.schema)])
        staged = _scores(labels, *_predictions(both, labels), hn_pairs)
        print(f"{quarantined.num_rows} articles quarantined by validation after dedup; "
              "scored with them:", {k: staged[k] for k in list(staged)[:4]})
    baseline = simhash_baseline(
        articles, lambda t: _scores(labels, *_predictions(t, labels), hn_pairs))
    print(f"labelled: path={path} articles={articles.num_rows} labelled={len(labels)} "
          f"seconds={seconds:.1f}")
    print("ours    ", {k: ours[k] for k in ours})
    print("baseline", baseline)
    if args.measure:
        import syndication_measure as sm

        rows = articles.to_pylist()
        _, _, row_of = _predictions(articles, labels)
        key_of_row = {row_of[r["url"]]: r["story_key"] for r in labels if r["url"] in row_of}
        keys = [key_of_row.get(r["canonical_url"], f"unlabelled{n}") for n, r in enumerate(rows)]
        index = {r["canonical_url"]: n for n, r in enumerate(rows)}
        apart = [(index[row_of[a]], index[row_of[b]]) for a, b in hn_pairs
                 if a in row_of and b in row_of and row_of[a] != row_of[b]]
        found = sm.pair_shares([r["body"] or "" for r in rows], [r["site"] or "" for r in rows],
                               config)
        measure["labelled"] = sm.story_grid(keys, found, apart, config)
        sm.print_grid("labelled corpus: contained/mutual (merged_apart = hard negatives)",
                      measure["labelled"])
    return {
        "pair_precision": ours["pair_precision"], "pair_recall": ours["pair_recall"],
        "original_accuracy": ours["original_accuracy"],
        "hard_negative_merges": ours["hard_negative_merges"], "baseline": baseline,
        "path": path, "articles": articles.num_rows, "seconds": round(seconds, 1),
        "with_quarantined": {k: staged[k] for k in list(staged)[:4]} if staged else None,
    }


def wire_corpus(seed: int, args, config: DedupConfig, measure: dict) -> dict | None:
    """Figures on the wire-traffic corpus of ``seed`` (None when the pipeline fails)."""
    import wire_traffic

    corpus = wire_traffic.build_corpus(seed=seed)
    with tempfile.TemporaryDirectory(prefix="synd-wire-") as tmp:
        warc = wire_traffic.write_warc(corpus, Path(tmp) / "wire.warc.gz")
        lake = Path(tmp) / "lake"
        started = time.perf_counter()
        articles, _quarantined, path = _ingest(warc, lake, args.path, config)
        seconds = time.perf_counter() - started
        rejected = _rejected_urls(lake) if path == "pipeline" else set()
    if articles is None:
        return None
    rows = articles.to_pylist()
    ours = wire_traffic.score(corpus, rows, rejected)
    baseline = simhash_baseline(
        articles, lambda t: wire_traffic.score(corpus, t.to_pylist(), rejected))
    print(f"wire seed={seed}: path={path} pages={len(corpus.pages)} articles={len(rows)} "
          f"seconds={seconds:.1f}")
    print("ours    ", ours)
    print("baseline", baseline)
    if args.measure:
        import syndication_measure as sm

        label = {p.url: p for p in corpus.pages}
        pages = [label[r["url"]] for r in rows if r["url"] in label]
        kept = [r for r in rows if r["url"] in label]
        keys = [p.story_key for p in pages]
        apart = [(i, j) for i, j in combinations(range(len(pages)), 2)
                 if pages[i].excerpt_of == pages[j].story_key
                 or pages[j].excerpt_of == pages[i].story_key]
        found = sm.pair_shares([r["body"] or "" for r in kept], [r["site"] or "" for r in kept],
                               config)
        measure[f"wire_{seed}"] = sm.story_grid(keys, found, apart, config)
        sm.print_grid(f"wire seed {seed}: contained/mutual (merged_apart = excerpts)",
                      measure[f"wire_{seed}"])
        versions = [f"{p.version[0]}:{p.version[1]}" if p.version else None for p in pages]
        measure[f"wire_{seed}_versions"] = sm.version_grid(keys, versions, found, config)
        sm.print_grid(f"wire seed {seed}: version_split/version_kept",
                      measure[f"wire_{seed}_versions"])
    return {**ours, "baseline": baseline, "path": path, "seconds": round(seconds, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", choices=("auto", "pipeline", "direct"), default="auto",
                        help="ingest through `newslake import-warc` (default) or extract here")
    parser.add_argument("--corpus", choices=("both", "labelled", "wire"), default="both")
    parser.add_argument("--seeds", default="16,29", help="wire-traffic corpus seeds")
    parser.add_argument("--measure", action="store_true", help="print the threshold grids")
    parser.add_argument("--threshold", type=float, default=DedupConfig().threshold)
    parser.add_argument("--keep-lake", default=None, help="lake directory to keep (default: tmp)")
    args = parser.parse_args()
    config = DedupConfig(threshold=args.threshold)
    measure: dict = {}
    out: dict = {}
    if args.corpus in ("both", "labelled"):
        if not (EVAL / "corpus.warc.gz").exists():
            print(json.dumps({"error": f"no corpus under {EVAL}"}))
            return 2
        labelled = labelled_corpus(args, config, measure)
        if labelled is None:
            return 1
        out.update(labelled)
    if args.corpus in ("both", "wire"):
        out["wire"] = {}
        for seed in (int(s) for s in args.seeds.split(",")):
            figures = wire_corpus(seed, args, config, measure)
            if figures is None:
                return 1
            out["wire"][seed] = figures
    if measure:
        out["measure"] = measure
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
