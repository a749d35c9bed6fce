"""A daily run against growing history: the same day ingested into lakes of 0, 100k, 1M articles.

The day is a fixture web on 127.0.0.1 (tests/fixture_web.py, every article of the day listed
in its site's RSS feed; ``--sites`` sites publish about ``--articles`` articles on the day),
ingested in-process by the real stages (discover, plan, fetch, extract, dedup, validate,
publish: what ``newslake ingest`` runs). The history is a year of synthetic days (articles,
stories and syndication from bench/query.py's generator, with their ``url_index``, plus
``dedup_index`` rows with random MinHash band and anchor keys in the current scheme, which
dedup reads for its window), published one commit per day before the run's day. Each history
is generated once under ``--dir`` (kept with ``--reuse``) and copied before every run, so
every run starts from the same lake; the empty history is a lake with its tables and no rows.

Each history size runs in its own process: seconds per stage and the process's peak RSS.

    .venv/bin/python bench/history_growth.py --history 0,100000          # quick
    .venv/bin/python bench/history_growth.py --dir /tmp/hist --reuse     # 0, 100k, 1M

Last line: JSON {"day_s_0", "day_s_100k", "day_s_1m", "growth_ratio", "peak_rss_mb", ...};
``growth_ratio`` is the largest history's day over the empty lake's day (wall clock;
``cpu_growth_ratio`` the same in CPU seconds of the process, steadier on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from pathlib import Path

import numpy as np
import pyarrow as pa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "bench"))

from dedup_scale import PeakRss  # noqa: E402
from fixture_web import FixtureWeb, SimClock, sources_yaml  # noqa: E402
from newslake.dedup import DedupConfig  # noqa: E402
from newslake.lake import ducklake, publish_day, schema  # noqa: E402
from query import DAYS, START, Year  # noqa: E402

DAY = START + timedelta(days=DAYS)
"""The run's day: the day after the generated year."""
STAGES = ("discover", "plan", "fetch", "extract", "dedup", "validate", "publish")
ANCHORS_PER_ARTICLE = 8


def _label(n: int) -> str:
    return "0" if n == 0 else f"{n // 1_000_000}m" if n % 1_000_000 == 0 else f"{n // 1000}k"


def dedup_rows(articles: pa.Table, rng: np.random.Generator, config: DedupConfig) -> pa.Table:
    """``dedup_index`` rows of ``articles``: random signatures and keys of the current scheme."""
    n = articles.num_rows

    def lists(width: int, values: np.ndarray, kind: pa.DataType) -> pa.Array:
        offsets = pa.array(np.arange(0, n * width + 1, width, dtype=np.int32))
        return pa.ListArray.from_arrays(offsets, pa.array(values, kind))

    return schema.conform("dedup_index", pa.table({
        "article_id": articles["article_id"], "story_id": articles["story_id"],
        "canonical_url": articles["canonical_url"],
        "n_shingles": pa.array(rng.integers(200, 1500, n), pa.int32()),
        "signature": lists(config.num_perm, rng.integers(0, 2**32, n * config.num_perm,
                                                         dtype=np.uint64), pa.uint32()),
        "band_keys": lists(config.bands, rng.integers(-2**63, 2**63 - 1, n * config.bands,
                                                      dtype=np.int64), pa.int64()),
        "anchor_keys": lists(ANCHORS_PER_ARTICLE, rng.integers(
            -2**63, 2**63 - 1, n * ANCHORS_PER_ARTICLE, dtype=np.int64), pa.int64()),
        "scheme": pa.array([config.scheme] * n),
    }))


def generate_history(lake: Path, n_articles: int, seed: int = 42) -> float:
    """Publish ``n_articles`` over the year before :data:`DAY`; returns seconds."""
    year = Year(n_articles, seed)
    config = DedupConfig()
    started = time.perf_counter()
    con = ducklake.connect(str(lake), read_only=False)
    try:
        for d in range(DAYS):
            tables = year.day(d)
            tables["dedup_index"] = dedup_rows(tables["articles"], year.rng, config)
            # search indexes belong to the query side: empty, as bench/dedup_scale.py does
            tables |= {t: schema.empty(t) for t in ("terms", "postings")}
            publish_day(str(lake), START + timedelta(days=d), tables, producer="bench",
                        con=con)
    finally:
        con.close()
    return time.perf_counter() - started


def history_lake(base: Path, n_articles: int, reuse: bool) -> Path:
    """The generated history of ``n_articles`` under ``base`` (generated unless reused)."""
    lake = base / f"history-{n_articles}"
    ready = lake / "READY"
    if reuse and ready.exists():
        return lake
    shutil.rmtree(lake, ignore_errors=True)
    lake.mkdir(parents=True)
    if n_articles:
        seconds = generate_history(lake, n_articles)
    else:  # an empty lake, as on the first day (its catalog and tables exist)
        seconds = 0.0
        ducklake.connect(str(lake), read_only=False).close()
    ready.write_text(json.dumps({"articles": n_articles, "generate_s": round(seconds, 1)}))
    print(f"history of {n_articles} articles generated in {seconds:.0f} s", flush=True)
    return lake


def run_day(lake: str, work: Path, sites: int) -> dict:
    """Ingest :data:`DAY` from a fixture web into ``lake``; seconds and peak MB per stage."""
    from newslake.config import resolve_settings
    from newslake.pipeline import stages
    from newslake.pipeline.runs import default_run_id
    from newslake.pipeline.staging import RunContext

    clock = SimClock(work / "clock", datetime.combine(DAY, dtime(), UTC) + timedelta(days=2))
    rss = PeakRss()
    with FixtureWeb.build(sites=sites, day=DAY, clock=clock, feed_size=100_000) as web:
        sources = work / "sources.yaml"
        sources.write_text(sources_yaml(web))
        ctx = RunContext(resolve_settings(lake=lake, sources=str(sources)), DAY,
                         producer="ingest", run_id=default_run_id("ingest"))
        seconds: dict[str, float] = {}
        cpu: dict[str, float] = {}
        peaks: dict[str, float] = {}

        def timed(stage: str, action):
            rss.take()
            started, cpu_started = time.perf_counter(), time.process_time()
            result = action()
            seconds[stage] = seconds.get(stage, 0.0) + time.perf_counter() - started
            cpu[stage] = cpu.get(stage, 0.0) + time.process_time() - cpu_started
            peaks[stage] = max(peaks.get(stage, 0.0), rss.take())
            return result

        ids = timed("discover", lambda: stages.stage_sources(ctx)).source_ids
        discovered = timed("discover", lambda: [stages.stage_discover(ctx, s) for s in ids])
        plan = timed("plan", lambda: stages.stage_plan(ctx, discovered))
        fetched = timed("fetch", lambda: [stages.stage_fetch(ctx, p) for p in plan.plan_files])
        extracted = timed("extract", lambda: [stages.stage_extract(ctx, f) for f in fetched])
        deduped = timed("dedup", lambda: stages.stage_dedup(ctx, extracted))
        validated = timed("validate", lambda: stages.stage_validate(ctx, deduped, discovered,
                                                                   fetched))
        published = timed("publish", lambda: stages.stage_publish(ctx, validated)).to_xcom()
        day_articles = len(web.day_articles())
    rss.stop()
    return {"seconds": {s: round(seconds[s], 2) for s in STAGES},
            "cpu": {s: round(cpu[s], 2) for s in STAGES}, "day_cpu_s": round(sum(cpu.values()), 2),
            "peak_mb": {s: round(peaks[s]) for s in STAGES},
            "day_s": round(sum(seconds.values()), 2), "peak_rss_mb": round(max(peaks.values())),
            "day_articles": day_articles,
            "extracted": sum(e.articles for e in extracted),
            "published": published}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", default="0,100000,1000000",
                        help="history sizes in articles, comma-separated")
    parser.add_argument("--sites", type=int, default=80,
                        help="fixture sites (80: about 5,000 articles on the day)")
    parser.add_argument("--dir", default=None, help="keep the generated histories here")
    parser.add_argument("--reuse", action="store_true", help="reuse histories under --dir")
    parser.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    base = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="history-growth-"))
    base.mkdir(parents=True, exist_ok=True)
    if args.one is not None:  # one history size, in a process of its own
        work = Path(tempfile.mkdtemp(prefix="day-", dir=base))
        try:
            lake = work / "lake"
            shutil.copytree(history_lake(base, args.one, True), lake)
            print(json.dumps(run_day(str(lake), work, args.sites), default=str))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return 0
    sizes = [int(s) for s in args.history.split(",")]
    results: dict[int, dict] = {}
    for size in sizes:
        history_lake(base, size, args.reuse)
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--sites",
                              str(args.sites), "--dir", str(base)],
                             check=True, capture_output=True, text=True)
        results[size] = json.loads(out.stdout.strip().splitlines()[-1])
        r = results[size]
        print(f"history {size:>9,}: day {r['day_s']:7.1f} s ({r['day_cpu_s']:.1f} s CPU), "
              f"peak {r['peak_rss_mb']:5d} MB, "
              f"{r['day_articles']} articles on the day, {r['extracted']} extracted | "
              + "  ".join(f"{s} {r['seconds'][s]:.1f}s/{r['peak_mb'][s]}MB" for s in STAGES),
              flush=True)
    if not args.dir:
        shutil.rmtree(base, ignore_errors=True)
    first, last = results[sizes[0]], results[sizes[-1]]
    ratio = last["day_s"] / first["day_s"] if first["day_s"] else None
    print("seconds (CPU seconds) per stage, smallest -> largest history:")
    for stage in STAGES:
        growth = last["cpu"][stage] - first["cpu"][stage]
        print(f"  {stage:9s} {first['seconds'][stage]:7.2f} ({first['cpu'][stage]:6.2f}) -> "
              f"{last['seconds'][stage]:7.2f} ({last['cpu'][stage]:6.2f})  CPU {growth:+.2f} s")
    summary: dict = {f"day_s_{_label(n)}": r["day_s"] for n, r in results.items()}
    for key in ("day_s_0", "day_s_100k", "day_s_1m"):
        summary.setdefault(key, None)
    summary = {"day_s_0": summary.pop("day_s_0"), "day_s_100k": summary.pop("day_s_100k"),
               "day_s_1m": summary.pop("day_s_1m"), **summary}
    summary["growth_ratio"] = round(ratio, 3) if ratio else None
    summary["peak_rss_mb"] = max(r["peak_rss_mb"] for r in results.values())
    cpu_ratio = last["day_cpu_s"] / first["day_cpu_s"] if first["day_cpu_s"] else None
    summary["cpu_growth_ratio"] = round(cpu_ratio, 3) if cpu_ratio else None
    summary["history_sizes"] = sizes
    summary["day_articles"] = first["day_articles"]
    for n, r in results.items():
        summary[f"stages_s_{_label(n)}"] = r["seconds"]
        summary[f"stages_cpu_s_{_label(n)}"] = r["cpu"]
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
