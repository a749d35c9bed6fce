"""Dedup at lake scale: daily batches checked against all history, against an in-memory baseline.

A synthetic corpus (bodies of 300-1,500 words drawn from a 30,000-word vocabulary; ~10% are
syndicated variants of an earlier article: truncated, padded with boilerplate, a paragraph
dropped, words changed) arrives as ``--batches`` daily batches. Each batch goes through
:func:`newslake.dedup.assign_stories` against a real lake (Parquet history, published with
``publish_day`` after each batch, window covering all history). Each batch runs in a fresh
process, as the pipeline's tasks do, from reading its Parquet file to its publication.
Reported per batch: seconds and peak RSS (that process plus its children: the signing
workers of ``DedupConfig.workers``) of reading the batch and ``assign_stories``, and with the
publication; recall on the planted variants (variant joined its source's story).
``--corpus DIR`` keeps the generated batches for a later run of the same size (generating
1.1M articles takes longer than deduping them); ``--from-batch N`` with the ``--lake`` of an
earlier run measures batches N.. again on the history it left. The search indexes that
``publish_day`` builds
for articles (``terms``, ``postings``) are left out unless ``--indexes`` is given: their cost
belongs to the query side (``bench/query.py``), not to deduplication.

Cost grows linearly with history: each batch reads the band keys of every history row group
once (memory holds one row group and the matches only), so the printed ``growth_*`` figures
are the extra seconds and MB per million history articles between the second and last batch.

Baseline in the same run: datasketch's in-memory ``MinHash`` + ``MinHashLSH`` (same shingles,
same bands x rows), every article queried then inserted, all kept in memory;
candidates accepted on containment estimated from the signatures. Up to ``--baseline-articles``.

Last line: JSON {"articles", "batches", "max_batch_s", "max_dedup_s", "peak_rss_mb",
"dedup_peak_rss_mb", "recall", "baseline_s", "ratio", "growth_s_per_1m_history",
"growth_mb_per_1m_history", ...}; ``ratio`` = our seconds (dedup + publish) / baseline
seconds over the batches both ran.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import psutil  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
from newslake.dedup import DedupConfig, assign_stories  # noqa: E402
from newslake.dedup.shingles import shingle_batch  # noqa: E402
from newslake.lake import publish_day, schema  # noqa: E402

DAY0 = date(2024, 1, 1)
SEARCH_INDEXES = ("terms", "postings")
"""Tables publish_day derives from articles for search; published empty unless --indexes."""
BOILERPLATE = [
    "Check out more stories from our partners in the app, the go-to source for news near you.",
    "This article originally appeared on the publisher's website and is republished here.",
    "Advertisement. Story continues below this advertisement.",
    "Copyright 2024. All rights reserved. This material may not be redistributed.",
]


class PeakRss:
    """Samples the RSS of this process plus its child processes (dedup's signing workers)
    every 50 ms; ``take()`` returns and resets the peak."""

    def __init__(self) -> None:
        self._proc = psutil.Process()
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _rss(self) -> int:
        total = self._proc.memory_info().rss
        for child in self._proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):  # exited meanwhile
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self._peak = max(self._peak, self._rss())

    def take(self) -> float:
        peak = max(self._peak, self._rss())
        self._peak = 0
        return peak / 2**20

    def stop(self) -> None:
        self._stop.set()


class Corpus:
    """Deterministic synthetic batches with planted variants (``variant_of`` maps id -> source)."""

    def __init__(self, articles: int, batches: int, seed: int = 7) -> None:
        self.rng = np.random.default_rng(seed)
        letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
        lengths = self.rng.integers(3, 10, size=30000)
        self.vocab = np.array(["".join(self.rng.choice(letters, n)) for n in lengths], dtype=object)
        self.per_batch = articles // batches
        self.pool: list[tuple[str, np.ndarray]] = []  # recent originals a variant may copy
        self.variant_of: dict[str, str] = {}

    def _text(self, words: np.ndarray) -> str:
        return " ".join(self.vocab[words])

    def _variant(self, words: np.ndarray) -> str:
        rng = self.rng
        words = words.copy()
        changed = rng.random(words.size) < 0.02
        words[changed] = rng.integers(0, self.vocab.size, int(changed.sum()))
        if rng.random() < 0.5 and words.size > 200:
            start = int(rng.integers(0, words.size - 60))
            words = np.concatenate([words[:start], words[start + 50 :]])
        keep = int(words.size * rng.uniform(0.6, 1.0))
        text = self._text(words[:keep])
        pad = " ".join(rng.choice(BOILERPLATE, size=int(rng.integers(1, 4))))
        return f"{pad} {text} {pad}" if rng.random() < 0.5 else f"{text} {pad}"

    def batch(self, number: int) -> pa.Table:
        rng = self.rng
        day = DAY0 + timedelta(days=number)
        rows = []
        base = datetime(day.year, day.month, day.day, tzinfo=UTC)
        for n in range(self.per_batch):
            article_id = f"b{number:02d}n{n:06d}"
            url = f"https://site{n % 500}.example/{day.isoformat()}/{article_id}"
            if self.pool and rng.random() < 0.1:
                src_id, words = self.pool[int(rng.integers(0, len(self.pool)))]
                body = self._variant(words)
                self.variant_of[article_id] = src_id
                url = f"https://syndicator{n % 20}.example/{article_id}"
            else:
                size = int(rng.integers(300, 1501))
                words = rng.integers(0, self.vocab.size, size).astype(np.uint16)
                body = self._text(words)
                self._remember(article_id, words)
            when = base + timedelta(seconds=int(rng.integers(0, 86000)))
            rows.append({
                "article_id": article_id, "url": url, "canonical_url": url,
                "site": url.split("/")[2], "body": body, "published_at": when,
                "fetched_at": when + timedelta(minutes=5), "word_count": len(body.split()),
            })
        return schema.conform("articles", rows)

    def _remember(self, article_id: str, words: np.ndarray) -> None:
        if len(self.pool) < 50000:
            self.pool.append((article_id, words))
        else:
            self.pool[int(self.rng.integers(0, len(self.pool)))] = (article_id, words)


def generate(articles: int, batches: int, spool: str) -> None:
    """Write the corpus as one Parquet file per batch plus ``variants.json`` (own process, so
    generating it does not count in the measured RSS)."""
    corpus = Corpus(articles, batches)
    for number in range(batches):
        pq.write_table(corpus.batch(number), os.path.join(spool, f"{number}.parquet"),
                       row_group_size=5000)
    with open(os.path.join(spool, "variants.json"), "w", encoding="utf-8") as handle:
        json.dump(corpus.variant_of, handle)


def _batch_in_child(number: int, spool: str, lake: str, config: DedupConfig,
                    tracked: set[str], indexes: bool, out: multiprocessing.Queue) -> None:
    """One batch in its own process, as a pipeline task runs: read the batch, assign_stories,
    publish; put the batch's figures and the stories of ``tracked`` articles on ``out``."""
    rss = PeakRss()
    day = DAY0 + timedelta(days=number)
    started = time.perf_counter()
    table = pq.read_table(os.path.join(spool, f"{number}.parquet"))
    result = assign_stories(table, lake=lake, crawl_date=day, config=config)
    dedup_s = time.perf_counter() - started
    dedup_rss = rss.take()
    tables = {"articles": result.articles, "dedup_index": result.signatures}
    if not indexes:
        tables.update({name: schema.empty(name) for name in SEARCH_INDEXES
                       if name in schema.TABLES})
    publish_day(lake, day, tables, producer="bench")
    seconds = time.perf_counter() - started
    stories = {a: s for a, s in zip(result.articles["article_id"].to_pylist(),
                                    result.articles["story_id"].to_pylist(), strict=True)
               if a in tracked}
    rss.stop()
    out.put(({"batch": number, "seconds": round(seconds, 2), "dedup_s": round(dedup_s, 2),
              "dedup_peak_rss_mb": round(dedup_rss),
              "peak_rss_mb": round(max(dedup_rss, rss.take())),
              "rows": table.num_rows}, stories))


def _published_stories(lake: str, ids: set[str]) -> dict[str, str]:
    """Story ids of the ``ids`` already in ``lake`` (batches of an earlier run)."""
    from newslake.lake import ducklake

    con = ducklake.connect(lake)
    try:
        con.register("_tracked", pa.table({"id": sorted(ids)}))
        return dict(con.execute(
            "SELECT article_id, story_id FROM lake.articles "
            "WHERE article_id IN (SELECT id FROM _tracked)").fetchall())
    finally:
        con.close()


def run_ours(spool: str, batches: int, lake: str, config: DedupConfig, variant_of,
             indexes: bool = False, first: int = 0):
    """assign_stories + publish for batches ``first..batches-1``, each in a fresh process
    (as the pipeline's dedup and publish tasks run: no memory left over from the batch
    before); per-batch figures. Stories are kept only for planted variants and their
    sources; with ``first`` > 0, those of earlier batches are read from the lake."""
    tracked = set(variant_of) | set(variant_of.values())
    story: dict[str, str] = _published_stories(lake, tracked) if first else {}
    context = multiprocessing.get_context("spawn")
    out = []
    for number in range(first, batches):
        queue = context.Queue()
        child = context.Process(target=_batch_in_child, args=(
            number, spool, lake, config, tracked, indexes, queue))
        child.start()
        figures, stories = queue.get()
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"batch {number} failed ({child.exitcode})")
        story.update(stories)
        ids = pq.read_table(os.path.join(spool, f"{number}.parquet"),
                            columns=["article_id"])["article_id"].to_pylist()
        planted = [a for a in ids if a in variant_of]
        found = sum(story.get(a) == story.get(variant_of[a]) for a in planted)
        figures.update(planted=len(planted), found=found, history=number * figures.pop("rows"))
        out.append(figures)
        print(json.dumps(figures), flush=True)
    return out


def run_baseline(corpus_batches, config: DedupConfig, rss: PeakRss, variant_of, limit: int):
    """datasketch MinHash + in-memory MinHashLSH over the same batches."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(num_perm=config.num_perm, params=(config.bands, config.rows))
    sigs: dict[str, tuple[np.ndarray, int]] = {}
    story: dict[str, str] = {}
    out, seen = [], 0
    for number, table in enumerate(corpus_batches):
        if seen + table.num_rows > limit:
            break
        seen += table.num_rows
        rss.take()
        started = time.perf_counter()
        ids = table["article_id"].to_pylist()
        batch = []
        shingled = shingle_batch(table["body"], config)
        for n, article_id in enumerate(ids):
            shingles = shingled.doc(n)
            m = MinHash(num_perm=config.num_perm, hashfunc=int, seed=config.seed)
            m.update_batch(shingles.tolist())
            batch.append((article_id, m, shingles.size))
        for article_id, m, size in batch:
            best = None
            for other in lsh.query(m):
                other_sig, other_size = sigs[other]
                j = float(np.mean(m.hashvalues == other_sig))
                common = j * (size + other_size) / (1 + j)
                if common / max(1, min(size, other_size)) >= config.threshold:
                    best = other
                    break
            story[article_id] = story[best] if best else article_id
            lsh.insert(article_id, m)
            sigs[article_id] = (m.hashvalues, size)
        seconds = time.perf_counter() - started
        planted = [a for a in ids if a in variant_of]
        found = sum(story.get(a) == story.get(variant_of[a]) for a in planted)
        out.append({"batch": number, "seconds": round(seconds, 2),
                    "peak_rss_mb": round(rss.take()), "planted": len(planted), "found": found})
        print("baseline", json.dumps(out[-1]), flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--baseline-articles", type=int, default=300_000,
                        help="run the in-memory baseline on the first batches up to this many")
    parser.add_argument("--lake", default=None, help="lake directory (default: a temp dir)")
    parser.add_argument("--generate-only", action="store_true",
                        help="only write the corpus to --corpus")
    parser.add_argument("--corpus", default=None,
                        help="directory keeping the generated batches: reused by a later run "
                             "of the same --articles/--batches (default: a temp dir)")
    parser.add_argument("--indexes", action="store_true",
                        help="also build the articles' search indexes when publishing")
    parser.add_argument("--from-batch", type=int, default=0,
                        help="start at this batch: the earlier ones are already in --lake "
                             "(from a run of the same --corpus)")
    args = parser.parse_args()
    if args.from_batch and not (args.lake and args.corpus and os.path.isdir(args.lake)):
        parser.error("--from-batch needs the --lake and --corpus of an earlier run")
    config = DedupConfig(window_days=args.batches + 1)
    tmp = tempfile.mkdtemp(prefix="dedup-scale-")
    lake = args.lake or os.path.join(tmp, "lake")
    spool = args.corpus or os.path.join(tmp, "batches")
    os.makedirs(spool, exist_ok=True)
    started = time.perf_counter()
    stamp = os.path.join(spool, f"corpus-{args.articles}-{args.batches}.done")
    if not os.path.exists(stamp):
        child = multiprocessing.get_context("spawn").Process(
            target=generate, args=(args.articles, args.batches, spool))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"corpus generation failed ({child.exitcode})")
        open(stamp, "w").close()
    print(f"corpus ready in {time.perf_counter() - started:.0f} s", flush=True)
    if args.generate_only:
        shutil.rmtree(tmp, ignore_errors=True)
        return 0
    with open(os.path.join(spool, "variants.json"), encoding="utf-8") as handle:
        variant_of = json.load(handle)
    rss = PeakRss()

    def batches():
        for number in range(args.batches):
            table = pq.read_table(os.path.join(spool, f"{number}.parquet"))
            pa.default_memory_pool().release_unused()
            yield table
            del table

    try:
        ours = run_ours(spool, args.batches, lake, config, variant_of, args.indexes,
                        args.from_batch)
        gc.collect()
        base = [] if args.from_batch else run_baseline(  # its batches start at 0
            batches(), config, rss, variant_of, args.baseline_articles)
    finally:
        rss.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    both = len(base)
    ours_s = sum(b["seconds"] for b in ours[:both])
    base_s = sum(b["seconds"] for b in base)
    planted = sum(b["planted"] for b in ours)
    first, last = ours[1] if len(ours) > 1 else ours[0], ours[-1]
    span = max(1, last["history"] - first["history"])
    growth = (last["dedup_s"] - first["dedup_s"]) / span
    growth_mb = (last["dedup_peak_rss_mb"] - first["dedup_peak_rss_mb"]) / span
    print(f"growth with history: {growth * 1e6:.2f} s and {growth_mb * 1e6:.0f} MB of dedup per "
          f"million history articles (batch 1: {first['dedup_s']} s, "
          f"{first['dedup_peak_rss_mb']} MB; last: {last['dedup_s']} s, "
          f"{last['dedup_peak_rss_mb']} MB)")
    print(json.dumps({
        "articles": args.articles, "batches": args.batches,
        "max_batch_s": max(b["seconds"] for b in ours),
        "max_dedup_s": max(b["dedup_s"] for b in ours),
        "peak_rss_mb": max(b["peak_rss_mb"] for b in ours),
        "dedup_peak_rss_mb": max(b["dedup_peak_rss_mb"] for b in ours),
        "first_batch_peak_rss_mb": ours[0]["peak_rss_mb"],
        "last_batch_peak_rss_mb": ours[-1]["peak_rss_mb"],
        "recall": round(sum(b["found"] for b in ours) / planted, 4) if planted else None,
        "baseline_s": round(base_s, 2), "ratio": round(ours_s / base_s, 3) if base_s else None,
        "ours_s_same_batches": round(ours_s, 2), "baseline_batches": both,
        "baseline_recall": round(
            sum(b["found"] for b in base) / max(1, sum(b["planted"] for b in base)), 4),
        "baseline_peak_rss_mb": max((b["peak_rss_mb"] for b in base), default=None),
        "growth_s_per_1m_history": round(growth * 1e6, 2),
        "growth_mb_per_1m_history": round(growth_mb * 1e6),
        "search_indexes": args.indexes,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
