"""Serve a :class:`DemoWeb` over HTTP on one address, routing sites by the ``Host`` header.

Answers GET and HEAD, conditional GET (``If-None-Match`` / ``If-Modified-Since`` -> 304) and
gzip when the client accepts it. ``Host: 127.0.0.1:PORT`` (or any IP / localhost) gets an
HTML index of the sites and feeds.

The demo clock: by default feeds list all three days. ``set_clock(day)`` (or, for other
processes, ``POST http://127.0.0.1:PORT/_clock?date=YYYY-MM-DD``; no date resets) serves
feeds, sitemaps and home pages as they looked at the end of that day, so a crawl of each day
in turn sees feeds change between days and a conditional GET within a day gets a 304.
``GET /_clock`` returns ``{"as_of": ...}``. Every response's ``Date`` header is the demo's
capture time (``syndicated.CAPTURE``), against which its pages render relative times.
"""

from __future__ import annotations

import gzip
import ipaddress
import json
import sys
import threading
from datetime import date
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from newslake_demo.model import DemoWeb, Response
from newslake_demo.pages import error_page
from newslake_demo.syndicated import CAPTURE

_NO_GZIP = ("application/pdf", "image/")


def _is_local(host: str) -> bool:
    if host in ("", "localhost"):
        return True
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _split_host(value: str) -> str:
    value = value.strip().lower()
    if value.startswith("["):
        return value[: value.find("]") + 1]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


class _Handler(BaseHTTPRequestHandler):
    server: _DemoHTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "newslake-demo/1.0"
    disable_nagle_algorithm = True
    wbufsize = 1 << 16  # headers and body leave in one write

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header: the moment the demo's pages were captured, not the clock, so
        their relative times ("1h ago") resolve to 2022 like everything else on them."""
        return format_datetime(CAPTURE, usegmt=True)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._answer(with_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(with_body=False)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        host = _split_host(self.headers.get("Host", ""))
        parts = urlsplit(self.path)
        if not (_is_local(host) and parts.path == "/_clock"):
            self._send(405, "text/plain; charset=utf-8", b"method not allowed\n", {}, True)
            return
        values = parse_qs(parts.query) | parse_qs(form)
        raw = (values.get("date") or [""])[0].strip()
        try:
            self.server.as_of = date.fromisoformat(raw) if raw else None
        except ValueError:
            self._send(400, "text/plain; charset=utf-8", b"date must be YYYY-MM-DD\n", {}, True)
            return
        self._send(200, "application/json", self.server.clock_json(), {}, True)

    def _lookup(self) -> Response:
        web = self.server.web
        host = _split_host(self.headers.get("Host", ""))
        if _is_local(host):
            if self.path in ("/", "/index.html"):
                return 200, "text/html; charset=utf-8", web.index_html, {}
            if self.path == "/_clock":
                return 200, "application/json", self.server.clock_json(), {}
            return 404, "text/html; charset=utf-8", error_page("newslake demo", 404), {}
        if host not in web.hosts:
            return 404, "text/plain; charset=utf-8", b"unknown host " + host.encode() + b"\n", {}
        url = f"http://{host}{self.path}"
        as_of = self.server.as_of
        found = web.response(url, as_of) or web.response(url.split("?", 1)[0], as_of)
        if found is None:
            name = next(s.name for s in web.sites if s.host == host)
            return 404, "text/html; charset=utf-8", error_page(name, 404), {}
        return found

    def _not_modified(self, headers: dict[str, str], etags: tuple[str, ...]) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            wanted = {t.strip().removeprefix("W/") for t in inm.split(",")}
            return "*" in wanted or any(t in wanted for t in etags)
        ims, lm = self.headers.get("If-Modified-Since"), headers.get("Last-Modified")
        if ims and lm:
            try:
                return parsedate_to_datetime(lm) <= parsedate_to_datetime(ims)
            except (TypeError, ValueError):
                return False
        return False

    def _answer(self, with_body: bool) -> None:
        status, ctype, body, headers = self._lookup()
        headers = dict(headers)
        etag = headers.get("ETag")
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "").lower()
        use_gzip = accepts_gzip and status == 200 and body and not ctype.startswith(_NO_GZIP)
        if use_gzip:
            body = self.server.gzipped(body)
            headers["Content-Encoding"] = "gzip"
            if etag:
                headers["ETag"] = etag[:-1] + '-gzip"'
        if not ctype.startswith(_NO_GZIP):
            headers["Vary"] = "Accept-Encoding"
        etags = tuple(t for t in (etag, etag[:-1] + '-gzip"' if etag else None) if t)
        if status == 200 and etags and self._not_modified(headers, etags):
            status, body = 304, b""
            headers.pop("Content-Encoding", None)
        self._send(status, ctype, body, headers, with_body)

    def _send(self, status: int, ctype: str, body: bytes, headers: dict[str, str],
              with_body: bool) -> None:
        self.server.record(self.command, self.headers.get("Host", ""), self.path, status)
        self.send_response(status)
        if status != 304:  # a 304 carries neither type nor length (RFC 9110 15.4.5)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        if with_body and status != 304:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # crawlers open many connections at once

    def __init__(self, address: tuple[str, int], web: DemoWeb, verbose: bool,
                 requests: list[tuple[str, str, str, int]]) -> None:
        super().__init__(address, _Handler)
        self.web = web
        self.verbose = verbose
        self.requests = requests
        self.as_of: date | None = None
        self._lock = threading.Lock()
        self._gzip: dict[int, bytes] = {}

    def handle_error(self, request: object, client_address: object) -> None:
        if self.verbose:
            super().handle_error(request, client_address)

    def gzipped(self, body: bytes) -> bytes:
        key = id(body)
        with self._lock:
            if key not in self._gzip:
                self._gzip[key] = gzip.compress(body, compresslevel=6, mtime=0)
            return self._gzip[key]

    def clock_json(self) -> bytes:
        return json.dumps({"as_of": self.as_of.isoformat() if self.as_of else None}).encode()

    def record(self, method: str, host: str, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, host, path, status))


class DemoServer:
    """The demo web on ``host:port`` (port 0 picks a free port) in a background thread."""

    def __init__(self, web: DemoWeb | None = None, host: str = "127.0.0.1", port: int = 0,
                 verbose: bool = False, as_of: date | None = None) -> None:
        if web is None:
            from newslake_demo.build import build_site

            web = build_site()
        self.web = web
        self._bind = (host, port)
        self._verbose = verbose
        self._httpd: _DemoHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._requests: list[tuple[str, str, str, int]] = []
        self._as_of = as_of

    def start(self) -> DemoServer:
        """Bind and serve in a daemon thread; returns self."""
        if self._httpd is None:
            self._httpd = _DemoHTTPServer(self._bind, self.web, self._verbose,
                                          self._requests)
            self._httpd.as_of = self._as_of
            self._thread = threading.Thread(target=self._httpd.serve_forever,
                                            kwargs={"poll_interval": 0.1},
                                            name="newslake-demo", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._httpd = self._thread = None

    def set_clock(self, day: date | None) -> None:
        """Serve feeds as of the end of ``day`` (None: all days)."""
        self._as_of = day
        if self._httpd is not None:
            self._httpd.as_of = day

    @property
    def clock(self) -> date | None:
        """The day feeds are served as of, or None for all days."""
        return self._httpd.as_of if self._httpd is not None else self._as_of

    def wait(self) -> None:
        """Block until the server is stopped."""
        if self._thread is not None:
            self._thread.join()

    @property
    def address(self) -> str:
        """``"127.0.0.1:PORT"`` of the running server."""
        if self._httpd is None:
            raise RuntimeError("demo server is not running")
        host, port = self._httpd.server_address[:2]
        return f"{host}:{port}"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.address}"

    @property
    def connect_to(self) -> dict[str, str]:
        """The ``crawler.connect_to`` mapping that routes every demo host here."""
        return {"*": self.address}

    @property
    def requests(self) -> list[tuple[str, str, str, int]]:
        """(method, Host header, path, status) of every request answered so far."""
        return list(self._requests)

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(port: int = 0, host: str = "127.0.0.1", web: DemoWeb | None = None) -> DemoServer:
    """Start a :class:`DemoServer` and return it (call ``.stop()`` when done)."""
    return DemoServer(web, host=host, port=port).start()
