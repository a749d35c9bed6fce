"""Crawler throughput against the fault-injection server with per-host latency.

Fetches ``--pages`` article pages spread over ``--hosts`` virtual hosts (each answering after
50-150 ms) with politeness on (robots.txt, ``--delay`` between request starts and at most
``--concurrency`` requests in flight per host), and compares with a naive baseline: a
sequential loop over one ``requests.Session`` on a subset of the pages, measured in the same
run. The server runs in its own process. The last line is one JSON object of the figures.

    .venv/bin/python bench/crawl.py                      # 5,000 pages, 50 hosts
    .venv/bin/python bench/crawl.py --pages 500 --hosts 10 --baseline-pages 60
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from newslake.crawl import fetch_pages
from newslake.sources import CrawlerSettings, Politeness, Source, SourcesConfig

FAULT_SERVER = Path(__file__).resolve().parents[1] / "tests" / "fault_server.py"


def start_server() -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, str(FAULT_SERVER), "--bench-latency"],
        stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout is not None
    address = proc.stdout.readline().strip()
    if not address:
        proc.kill()
        raise SystemExit("fixture server did not start")
    return proc, address


def plan(pages: int, hosts: int) -> list[tuple[str, str]]:
    """(host, path) pairs, round-robin over hosts."""
    return [(f"h{i % hosts:03d}.test", f"/article/{i}") for i in range(pages)]


def baseline(address: str, pairs: list[tuple[str, str]]) -> float:
    """Pages per second of a sequential requests.Session loop."""
    session = requests.Session()
    session.headers["User-Agent"] = "naive-baseline/1.0"
    started = time.perf_counter()
    for host, path in pairs:
        response = session.get(f"http://{address}{path}", headers={"Host": host}, timeout=30)
        response.raise_for_status()
        _ = response.content
    return len(pairs) / (time.perf_counter() - started)


def crawl(address: str, pairs: list[tuple[str, str]], hosts: int, delay: float,
          concurrency: int, warc: str) -> tuple[float, float, int]:
    """Pages per second, CPU ms per page and good pages of fetch_pages."""
    politeness = Politeness(min_delay_s=delay, max_concurrency=concurrency)
    settings = CrawlerSettings(user_agent="newslake-bench/0.1", connect_to={"*": address},
                               max_connections=max(64, hosts * concurrency),
                               politeness=politeness, retries=1)
    sources = [Source(id=f"s{i:03d}", url=f"http://h{i:03d}.test/feed.xml", site=f"h{i:03d}.test",
                      allow_private=True, politeness=politeness) for i in range(hosts)]
    config = SourcesConfig(settings, sources)
    candidates = [{"url": f"http://{host}{path}", "source_id": f"s{host[1:4]}"}
                  for host, path in pairs]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = fetch_pages(candidates, config, warc_path=warc)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    return len(pairs) / wall, cpu * 1000 / len(pairs), result.ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--baseline-pages", type=int, default=300)
    parser.add_argument("--delay", type=float, default=0.05,
                        help="politeness: minimum seconds between request starts per host")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="politeness: maximum requests in flight per host")
    args = parser.parse_args()
    proc, address = start_server()
    try:
        pairs = plan(args.pages, args.hosts)
        base_rate = baseline(address, plan(min(args.baseline_pages, args.pages), args.hosts))
        print(f"baseline (sequential requests.Session): {base_rate:.1f} pages/s", flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            warc = str(Path(tmp) / "bench.warc.gz")
            rate, cpu_ms, ok = crawl(address, pairs, args.hosts, args.delay, args.concurrency,
                                     warc)
            warc_mb = Path(warc).stat().st_size / 1e6
        stats = requests.get(f"http://{address}/__stats", timeout=30).json()
    finally:
        proc.terminate()
        proc.wait(10)
    seen = max(stats["max_in_flight"].values())
    gaps = []
    for requests_of_host in stats["requests"].values():
        starts = sorted(t for _, t in requests_of_host)
        gaps += [b - a for a, b in zip(starts, starts[1:], strict=False)]
    print(f"crawler: {rate:.1f} pages/s, {ok}/{len(pairs)} ok, {cpu_ms:.2f} CPU ms/page, "
          f"WARC {warc_mb:.1f} MB; max in flight per host {seen} (allowed {args.concurrency}); "
          f"gap between request arrivals at one host: min {min(gaps, default=0):.3f} s, "
          f"1st percentile {sorted(gaps)[len(gaps) // 100] if gaps else 0:.3f} s "
          f"(delay {args.delay} s; the server's clock jitters under load)")
    if ok != len(pairs):
        print(f"warning: {len(pairs) - ok} pages failed", file=sys.stderr)
    print(json.dumps({
        "pages": len(pairs),
        "hosts": args.hosts,
        "crawler_pages_per_s": round(rate, 1),
        "baseline_pages_per_s": round(base_rate, 2),
        "ratio": round(rate / base_rate, 1),
        "max_concurrency_seen_per_host": seen,
        "allowed_concurrency_per_host": args.concurrency,
        "cpu_ms_per_page": round(cpu_ms, 2),
    }))


if __name__ == "__main__":
    main()
