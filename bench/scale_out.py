"""Scale-out benchmark: one day of a synthetic news web, in-process and on 1 and 2 Celery workers.

A synthetic web (``--hosts`` sites, ``--articles`` articles in all, an RSS feed per site) is
served on 127.0.0.1 by a child process; a generated sources.yaml maps every host name to it
(``connect_to``). The same day is run (1) in-process with ``newslake ingest`` (the baseline),
(2) by news_ingest on Airflow's CeleryExecutor with one worker and (3) with two workers
(deploy/cluster.py: PostgreSQL and Redis on 127.0.0.1). Wall time counts from the trigger to
the run's success; cluster start-up is not counted.

    .venv/bin/python bench/scale_out.py                          # 10,000 articles, 100 hosts
    .venv/bin/python bench/scale_out.py --articles 600 --hosts 12   # scaled down

The last line of output is one JSON object: articles, inprocess_s, workers_1_s, workers_2_s,
overhead_ratio (workers_1_s / inprocess_s) and scaling (workers_1_s / workers_2_s).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "deploy"))

DAG_ID = "news_ingest"
_VOCABULARY = (
    "council mayor budget river bridge school teachers union strike hospital nurses patients "
    "minister election voters campaign police court judge ruling company shares investors "
    "market energy prices winter storm flood farmers harvest drought rail station passengers "
    "museum artists festival stadium coach season players league scientists study climate "
    "ocean forest wildlife airport flights tourists housing rent tenants landlords library "
    "students university research funding tax reform health vaccine clinic doctors ambulance"
)
WORDS = _VOCABULARY.split()
VERBS = ("approved", "rejected", "announced", "delayed", "questioned", "welcomed", "criticised",
         "expanded", "reviewed", "postponed", "defended", "supported", "reported", "planned")


def article(host: int, k: int, day: date) -> tuple[str, str, datetime]:
    """Title, HTML and publication time of article ``k`` of host ``host`` (deterministic)."""
    rng = random.Random(host * 100_003 + k)
    title = (f"{rng.choice(WORDS).title()} {rng.choice(VERBS)} over "
             f"{rng.choice(WORDS)} {rng.choice(WORDS)} in district {host}-{k}")
    published = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
        minutes=(k * 7 + host) % 1400)
    paragraphs = []
    for _ in range(6):
        sentences = []
        for _ in range(4):
            w = [rng.choice(WORDS) for _ in range(6)]
            sentences.append(f"The {w[0]} {rng.choice(VERBS)} the {w[1]} {w[2]} after "
                             f"{rng.randint(2, 90)} {w[3]} and {w[4]} met the {w[5]}.")
        paragraphs.append(" ".join(sentences))
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    iso = published.isoformat().replace("+00:00", "Z")
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": title, "datePublished": iso,
                     "author": [{"@type": "Person", "name": f"Reporter {k % 17}"}],
                     "publisher": {"@type": "Organization", "name": f"Bench News {host}"}})
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{escape(title)}</title><meta name="author" content="Reporter {k % 17}">
<meta property="og:site_name" content="Bench News {host}">
<meta property="article:published_time" content="{iso}">
<script type="application/ld+json">{ld}</script></head><body>
<nav><a href="/">Home</a> <a href="/feed.xml">Feed</a></nav>
<article><h1>{escape(title)}</h1><p class="byline">By Reporter {k % 17}</p>
<time datetime="{iso}">{published:%d %B %Y}</time>
{body}</article><footer>Bench News {host}</footer></body></html>"""
    return title, html, published


def feed(host: int, per_host: int, day: date) -> str:
    items = []
    for k in range(per_host):
        title, _, published = article(host, k, day)
        url = f"http://{hostname(host)}/{day:%Y/%m/%d}/story-{k}.html"
        pub = format_datetime(published, usegmt=True)
        items.append(f"<item><title>{escape(title)}</title><link>{url}</link>"
                     f"<guid>{url}</guid><pubDate>{pub}</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench News {host}</title><link>http://{hostname(host)}/</link>"
            f"<description>bench</description>{''.join(items)}</channel></rss>")


def hostname(host: int) -> str:
    return f"news-{host:03d}.bench.test"


def _serve(port_queue, hosts: int, per_host: int, day: date) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server API
            name = (self.headers.get("Host") or "").split(":")[0]
            try:
                host = int(name.split(".")[0].split("-")[1])
            except (IndexError, ValueError):
                host = -1
            status, ctype, body = 404, "text/plain", b"not found"
            if 0 <= host < hosts:
                if self.path == "/robots.txt":
                    status, body = 200, b"User-agent: *\nAllow: /\n"
                elif self.path == "/feed.xml":
                    status, ctype = 200, "application/rss+xml"
                    body = feed(host, per_host, day).encode()
                elif self.path.startswith(f"/{day:%Y/%m/%d}/story-"):
                    k = int(self.path.rsplit("-", 1)[1].split(".")[0])
                    if k < per_host:
                        status, ctype = 200, "text/html; charset=utf-8"
                        body = article(host, k, day)[1].encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


def write_sources(path: Path, port: int, hosts: int) -> None:
    polite = {"min_delay_s": 0.0, "max_concurrency": 4}
    config = {
        "crawler": {"connect_to": {"*": f"127.0.0.1:{port}"}, "politeness": polite,
                    "max_pages_per_source": 100_000},
        "sources": [{"id": f"bench-{h:03d}", "url": f"http://{hostname(h)}/feed.xml",
                     "kind": "rss", "site": hostname(h), "language": "en",
                     "allow_private": True, "politeness": polite} for h in range(hosts)],
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def count_articles(lake: Path, day: str) -> int:
    import duckdb

    con = duckdb.connect()
    try:
        return con.sql(f"""SELECT count(DISTINCT article_id) FROM read_parquet(
            '{lake}/articles/**/*.parquet', hive_partitioning=true)
            WHERE crawl_date = DATE '{day}'""").fetchone()[0]
    finally:
        con.close()


def run_inprocess(sources: Path, lake: Path, day: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSLAKE_")}
    env["PYTHONWARNINGS"] = "ignore"
    t0 = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("newslake")), "ingest", "--date", day,
                    "--sources", str(sources), "--lake", str(lake)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def run_cluster(sources: Path, lake: Path, day: str, workers_list: list[int],
                concurrency: int, home: Path) -> dict[int, dict]:
    """Runs of ``day`` on one cluster, growing it to each worker count in turn."""
    from cluster import NativeCluster

    env = {"NEWSLAKE_LAKE": str(lake), "NEWSLAKE_SOURCES": str(sources),
           "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
           "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
           "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING"}
    results: dict[int, dict] = {}
    with NativeCluster(home, workers=workers_list[0], concurrency=concurrency,
                       extra_env=env) as cl:
        api = cl.api()
        api.wait_for_dag(DAG_ID)
        api.set_paused(DAG_ID, False)
        run_id = None
        for n in workers_list:
            while len(cl.worker_names()) < n:
                cl.add_worker(len(cl.worker_names()) + 1)
            cl.wait_healthy()
            shutil.rmtree(lake, ignore_errors=True)
            t0 = time.perf_counter()
            if run_id is None:
                run_id = api.trigger(DAG_ID, day, run_id=f"bench__{day}")
            else:
                api.clear_run(DAG_ID, run_id)
            state = api.wait_for_run(DAG_ID, run_id, timeout=6 * 3600)
            elapsed = time.perf_counter() - t0
            if state != "success":
                raise RuntimeError(f"run with {n} worker(s) {state}:\n{cl.logs()}")
            tis = api.task_instances(DAG_ID, run_id)
            tasks = len(tis)
            busy = sum(t.get("duration") or 0.0 for t in tis)
            results[n] = {"seconds": elapsed, "tasks": tasks, "busy": busy,
                          "articles": count_articles(lake, day)}
            print(f"{n} worker(s) x {concurrency} slots: {elapsed:.1f} s, {tasks} tasks, "
                  f"{tasks / elapsed:.2f} tasks/s, {busy / tasks:.2f} s in a task on average, "
                  f"slots busy {busy / (elapsed * n * concurrency):.0%}, "
                  f"{results[n]['articles']} articles", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=2, help="task slots per worker")
    parser.add_argument("--date", default="2022-04-03")
    args = parser.parse_args(argv)
    per_host = max(1, args.articles // args.hosts)
    day = date.fromisoformat(args.date)
    work = Path(tempfile.mkdtemp(prefix="newslake-scale-out-"))
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.Process(target=_serve, args=(queue, args.hosts, per_host, day),
                                     daemon=True)
    server.start()
    try:
        port = queue.get(timeout=30)
        sources = work / "sources.yaml"
        write_sources(sources, port, args.hosts)
        articles = per_host * args.hosts
        print(f"synthetic web: {args.hosts} hosts x {per_host} articles on 127.0.0.1:{port}",
              flush=True)
        inprocess_s = run_inprocess(sources, work / "lake-inprocess", args.date)
        inproc_articles = count_articles(work / "lake-inprocess", args.date)
        print(f"in-process: {inprocess_s:.1f} s, {inproc_articles} articles", flush=True)
        runs = run_cluster(sources, work / "lake-cluster", args.date, [1, 2],
                           args.concurrency, work / "airflow")
    finally:
        server.terminate()
        server.join(10)
        shutil.rmtree(work, ignore_errors=True)
    w1, w2 = runs[1]["seconds"], runs[2]["seconds"]
    figures = {
        "articles": articles,
        "published_articles": inproc_articles,
        "inprocess_s": round(inprocess_s, 2),
        "workers_1_s": round(w1, 2),
        "workers_2_s": round(w2, 2),
        "tasks": runs[1]["tasks"],
        "tasks_per_s_1": round(runs[1]["tasks"] / w1, 3),
        "tasks_per_s_2": round(runs[2]["tasks"] / w2, 3),
        "mean_task_s": round(runs[1]["busy"] / runs[1]["tasks"], 3),
        "overhead_ratio": round(w1 / inprocess_s, 3),
        "scaling": round(w1 / w2, 3),
    }
    print(f"Airflow overhead (1 worker / in-process): {figures['overhead_ratio']}x; "
          f"2 workers are {figures['scaling']}x as fast as 1")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
