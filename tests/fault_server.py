"""A fault-injection HTTP server on 127.0.0.1 for tests and benchmarks.

Virtual hosts share one port (map them with ``connect_to: {"*": server.address}``); every
host serves the same paths, each one a behaviour:

``/article/N``  an HTML article            ``/feed.xml?n=N``  RSS of N articles (ETag, 304)
``/slow-headers?s=S``  headers after S s    ``/slow-body``      body trickles for ~10 s
``/reset``      connection reset (RST)      ``/loop/a``         301 a -> b -> a
``/redirect``   302 to /article/1 (or ?to=U)  ``/429``            429, Retry-After: 1, always
``/chain?n=N``  N redirects, then an article ``/encoded?e=E``  article with gzip|deflate|br
``/429-once``   429 then 200                ``/429-long``       429, Retry-After: 3600
``/503-once``   503 (Retry-After: 1) then 200                   ``/500``, ``/404``
``/huge``       advertises a 10 GB body     ``/gzip-bomb``      50 MB of zeros, gzipped
``/wrong-charset``  UTF-8 sent as ISO-8859-1                    ``/binary``  PNG as text/html
``/pdf``        application/pdf             ``/robots.txt``     per-host text (``robots=``;
None: 404, "!500": 500, "!reset": connection reset)
``/__stats``    JSON: per-host request count, max in flight, request start times
``files=``      extra paths served as given: ``{path: (content_type, body)}``

Hosts get a per-host latency before the headers (``latency=`` a dict or a function of the
host). Run it in-process with ``with FixtureServer() as server:`` or as a process with
``python tests/fault_server.py --hosts 50`` (prints the address on its first line).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gzip
import json
import random
import socket
import struct
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import brotli

_BOMB: bytes | None = None
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
WRONG_CHARSET_TEXT = "Café naïve — “quoted” Zürich"
_TEXT = ("the council said on tuesday that new rules for river water quality would take "
         "effect next spring after a long public consultation with farmers and towns")
_WORDS = _TEXT.split()


@functools.lru_cache(maxsize=20_000)
def article_html(host: str, n: int | str, words: int = 600) -> bytes:
    """A deterministic article page of about ``words`` words."""
    rng = random.Random(f"{host}/{n}")
    paras = []
    for _ in range(max(1, words // 60)):
        paras.append("<p>" + " ".join(rng.choice(_WORDS) for _ in range(60)).capitalize()
                     + ".</p>")
    return (
        f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Story {n} on {host}</title></head><body><article><h1>Story {n} on {host}</h1>"
        + "".join(paras) + "</article></body></html>"
    ).encode()


def feed_xml(host: str, count: int, day: str = "Sun, 03 Apr 2022") -> bytes:
    """An RSS 2.0 feed of ``count`` articles of ``host``, dated on ``day``."""
    items = "".join(
        f"<item><title>Story {i}</title><link>http://{host}/article/{i}</link>"
        f"<pubDate>{day} {i % 24:02d}:00:00 GMT</pubDate><author>a{i}@{host} (Writer {i})"
        f"</author></item>" for i in range(count)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{host}</title><link>http://{host}/</link>{items}</channel></rss>").encode()


def _bomb() -> bytes:
    global _BOMB
    if _BOMB is None:
        _BOMB = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    return _BOMB


class _Stats:
    def __init__(self) -> None:
        self.in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self.requests: dict[str, list[tuple[str, float]]] = defaultdict(list)
        self.counters: dict[tuple[str, str], int] = defaultdict(int)
        self.user_agents: set[str] = set()

    def as_dict(self) -> dict:
        return {"max_in_flight": dict(self.max_in_flight),
                "count": {h: len(r) for h, r in self.requests.items()},
                "requests": {h: r for h, r in self.requests.items()}}


class FixtureServer:
    """The fault-injection server; ``address`` is ``127.0.0.1:PORT``."""

    def __init__(self, latency: dict[str, float] | Callable[[str], float] | None = None,
                 robots: dict[str, str | None] | None = None, port: int = 0,
                 files: dict[str, tuple[str | None, bytes]] | None = None) -> None:
        self.latency = latency or {}
        self.files = files if files is not None else {}
        self.robots = robots or {}
        self.stats = _Stats()
        self.port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._ready = threading.Event()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def latency_of(self, host: str) -> float:
        if callable(self.latency):
            return self.latency(host)
        return self.latency.get(host, 0.0)

    # -- lifecycle -----------------------------------------------------------------------
    async def start_async(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port,
                                                  backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]

    def __enter__(self) -> FixtureServer:
        def run() -> None:
            self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self.start_async())
            self._ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True, name="fixture-server")
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is None:
            return

        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)

    # -- protocol ------------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                        ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
                headers = {}
                for line in lines[1:]:
                    if ":" in line:
                        key, value = line.split(":", 1)
                        headers[key.strip().lower()] = value.strip()
                host = headers.get("host", "").rsplit(":", 1)[0].lower()
                keep = await self._respond(writer, method, target, host, headers)
                if not keep:
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            if not writer.is_closing():
                writer.close()

    async def _respond(self, writer: asyncio.StreamWriter, method: str, target: str,
                       host: str, headers: dict[str, str]) -> bool:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/__stats":
            body = json.dumps(self.stats.as_dict()).encode()
            await _send(writer, 200, "application/json", body)
            return True
        stats = self.stats
        stats.requests[host].append((path, time.monotonic()))
        stats.user_agents.add(headers.get("user-agent", ""))
        stats.in_flight[host] += 1
        stats.max_in_flight[host] = max(stats.max_in_flight[host], stats.in_flight[host])
        try:
            delay = self.latency_of(host)
            if delay:
                await asyncio.sleep(delay)
            return await self._route(writer, path, query, host, headers)
        finally:
            stats.in_flight[host] -= 1

    async def _route(self, writer: asyncio.StreamWriter, path: str, query: dict, host: str,
                     headers: dict[str, str]) -> bool:
        count = self.stats.counters
        count[(host, path)] += 1
        first = count[(host, path)] == 1
        html = "text/html; charset=utf-8"
        if path in self.files:
            ctype, body = self.files[path]
            await _send(writer, 200, ctype, body)
        elif path == "/robots.txt":
            text = self.robots.get(host, "User-agent: *\nAllow: /\n")
            if text == "!reset":
                writer.transport.abort()
                return False
            if text == "!500":
                await _send(writer, 500, "text/plain", b"robots broken")
            elif text is None:
                await _send(writer, 404, "text/plain", b"no robots")
            else:
                await _send(writer, 200, "text/plain", text.encode())
        elif path.startswith("/article/") or path == "/private":
            await _send(writer, 200, html, article_html(host, path.rsplit("/", 1)[-1]))
        elif path == "/feed.xml":
            etag = '"feed-v1"'
            if headers.get("if-none-match") == etag:
                await _send(writer, 304, None, b"", [("ETag", etag)])
            else:
                n = int(query.get("n", ["10"])[0])
                await _send(writer, 200, "application/rss+xml", feed_xml(host, n),
                            [("ETag", etag)])
        elif path == "/slow-headers":
            await asyncio.sleep(float(query.get("s", ["5"])[0]))
            await _send(writer, 200, html, article_html(host, 1))
        elif path == "/slow-body":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                         b"Content-Length: 100000\r\n\r\n<html><body>")
            for _ in range(100):
                await writer.drain()
                await asyncio.sleep(0.1)
                writer.write(b"x" * 10)
            return False
        elif path == "/reset":
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        elif path in ("/loop/a", "/loop/b"):
            other = "/loop/b" if path == "/loop/a" else "/loop/a"
            await _send(writer, 301, "text/html", b"moved", [("Location", other)])
        elif path == "/chain":
            n = int(query.get("n", ["1"])[0])
            target = f"/chain?n={n - 1}" if n > 1 else "/article/chain-end"
            await _send(writer, 302, "text/html", b"moved", [("Location", target)])
        elif path == "/redirect":
            target = query.get("to", ["/article/1"])[0]
            await _send(writer, 302, "text/html", b"moved", [("Location", target)])
        elif path == "/429" or (path == "/429-once" and first):
            await _send(writer, 429, "text/plain", b"slow down", [("Retry-After", "1")])
        elif path == "/429-long":
            await _send(writer, 429, "text/plain", b"slow down", [("Retry-After", "3600")])
        elif path == "/503-once" and first:
            await _send(writer, 503, "text/plain", b"busy", [("Retry-After", "1")])
        elif path in ("/429-once", "/503-once"):
            await _send(writer, 200, html, article_html(host, 2))
        elif path == "/500":
            await _send(writer, 500, "text/plain", b"broken")
        elif path == "/huge":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                         b"Content-Length: 10000000000\r\n\r\n" + b"<html>" + b" " * 65536)
            await writer.drain()
            return False
        elif path == "/gzip-bomb":
            await _send(writer, 200, "text/html", _bomb(), [("Content-Encoding", "gzip")])
        elif path == "/wrong-charset":
            body = f"<html><head><title>{WRONG_CHARSET_TEXT}</title></head><body><p>" \
                   f"{WRONG_CHARSET_TEXT}</p></body></html>".encode()
            await _send(writer, 200, "text/html; charset=iso-8859-1", body)
        elif path == "/encoded":
            encoding = query.get("e", ["gzip"])[0]
            raw = article_html(host, f"encoded-{encoding}")
            packed = {"gzip": gzip.compress, "deflate": zlib.compress,
                      "br": brotli.compress}[encoding](raw)
            await _send(writer, 200, html, packed, [("Content-Encoding", encoding)])
        elif path == "/binary":
            await _send(writer, 200, "text/html", PNG)
        elif path == "/pdf":
            await _send(writer, 200, "application/pdf", b"%PDF-1.4\n" + b"0" * 1000)
        else:
            await _send(writer, 404, "text/html", b"<html>not found</html>")
        return True


async def _send(writer: asyncio.StreamWriter, status: int, ctype: str | None, body: bytes,
                extra: list[tuple[str, str]] | None = None) -> None:
    reasons = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
               404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error",
               503: "Service Unavailable"}
    lines = [f"HTTP/1.1 {status} {reasons.get(status, 'Unknown')}"]
    if ctype:
        lines.append(f"Content-Type: {ctype}")
    if status != 304:
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{k}: {v}" for k, v in extra or []]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()


def bench_latency(host: str) -> float:
    """Latency of a benchmark host: 50-150 ms, fixed per host name."""
    return 0.05 + (sum(host.encode()) % 101) / 1000


def main() -> None:
    """Serve until killed; print the address first."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--bench-latency", action="store_true",
                        help="50-150 ms per host before the headers")
    args = parser.parse_args()
    server = FixtureServer(latency=bench_latency if args.bench_latency else None,
                           port=args.port)

    async def serve() -> None:
        await server.start_async()
        print(server.address, flush=True)
        await asyncio.Event().wait()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
