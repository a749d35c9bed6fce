"""Demo web: build time, and request throughput of the demo server vs a static file server.

The baseline serves the same bytes from a temporary directory with the standard library's
``SimpleHTTPRequestHandler`` (threaded); the demo server routes by Host, adds validators and
answers conditional GETs. Both are fetched over keep-alive connections by ``--clients``
threads, every article page ``--rounds`` times.

    .venv/bin/python bench/demo_server.py --rounds 2       # quick
    .venv/bin/python bench/demo_server.py                  # 10 rounds

The last line of output is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import json
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from newslake_demo import DemoServer, build_site


class _Quiet(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # same socket tuning as the demo server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def _fetch_all(address: str, jobs: list[tuple[str, str]], clients: int,
               headers: dict[str, str] | None = None) -> tuple[float, int]:
    ip, port = address.split(":")
    chunks = [jobs[i::clients] for i in range(clients)]

    def run(chunk: list[tuple[str, str]]) -> int:
        conn = http.client.HTTPConnection(ip, int(port), timeout=10)
        done = 0
        for host, path in chunk:
            conn.request("GET", path, headers={"Host": host, **(headers or {})})
            resp = conn.getresponse()
            resp.read()
            done += resp.status in (200, 304)
        conn.close()
        return done

    start = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        ok = sum(pool.map(run, chunks))
    return time.perf_counter() - start, ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()

    t0 = time.perf_counter()
    web = build_site()
    build_s = time.perf_counter() - t0
    articles = [a.url.removeprefix("http://").split("/", 1) for a in web.articles]
    jobs = [(host, "/" + path) for host, path in articles] * args.rounds

    with tempfile.TemporaryDirectory() as root:
        static_jobs = []
        for i, a in enumerate(web.articles):
            name = f"a{i}.html"
            Path(root, name).write_bytes(web.pages[a.url][2])
            static_jobs.append(("127.0.0.1", "/" + name))
        httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                    functools.partial(_Quiet, directory=root))
        httpd.daemon_threads = True
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        base_s, base_ok = _fetch_all(f"127.0.0.1:{httpd.server_address[1]}",
                                     static_jobs * args.rounds, args.clients)
        httpd.shutdown()
        httpd.server_close()

    with DemoServer(web) as server:
        demo_s, demo_ok = _fetch_all(server.address, jobs, args.clients)
        feed_urls = [f.url.removeprefix("http://").split("/", 1) for f in web.feeds]
        etag_jobs = []
        for host, path in feed_urls:
            etag = web.pages[f"http://{host}/{path}"][3]["ETag"]
            etag_jobs.append((host, "/" + path, etag))
        t1 = time.perf_counter()
        not_modified = 0
        ip, port = server.address.split(":")
        conn = http.client.HTTPConnection(ip, int(port), timeout=10)
        for _ in range(args.rounds * 10):
            for host, path, etag in etag_jobs:
                conn.request("GET", path, headers={"Host": host, "If-None-Match": etag})
                resp = conn.getresponse()
                resp.read()
                not_modified += resp.status == 304
        conn.close()
        cond_s = time.perf_counter() - t1

    n = len(jobs)
    figures = {
        "articles": len(web.articles), "urls": len(web.pages), "build_s": round(build_s, 3),
        "requests": n, "clients": args.clients,
        "demo_req_per_s": round(n / demo_s, 1), "static_req_per_s": round(n / base_s, 1),
        "demo_vs_static": round((n / demo_s) / (n / base_s), 2),
        "ok": demo_ok == n and base_ok == n,
        "conditional_304_per_s": round(not_modified / cond_s, 1),
        "conditional_all_304": not_modified == args.rounds * 10 * len(etag_jobs),
    }
    print(f"build_site: {build_s:.3f} s for {len(web.articles)} articles, {len(web.pages)} URLs")
    print(f"article GETs: demo {figures['demo_req_per_s']}/s vs static file server "
          f"{figures['static_req_per_s']}/s ({figures['demo_vs_static']}x)")
    print(f"conditional feed GETs answered 304: {figures['conditional_304_per_s']}/s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
