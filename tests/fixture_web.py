"""A simulated day of news on 127.0.0.1: many sites whose feeds roll over as they publish.

Each site publishes at random (an inhomogeneous Poisson process with a morning and an
afternoon peak, quiet at night) at its own daily volume; its RSS feed lists its last
``feed_size`` articles published at or before the shared clock's time, with an ETag so an
unchanged feed answers 304. Every article ever published is known (:attr:`FixtureWeb.articles`),
so completeness is measured, not estimated.

The clock is a file holding an ISO time (:class:`SimClock`): the server reads it on every
request, the poller reads the same file through ``NEWSLAKE_CLOCK`` (see
:mod:`newslake.crawl.clock`), so a simulated day runs as fast as the driver advances it, in
this process or in another one (Airflow tasks).

    with FixtureWeb.build(sites=50, day=date(2022, 4, 1), clock=SimClock(path)) as web:
        web.address   # "127.0.0.1:PORT": map every host there with connect_to
"""

from __future__ import annotations

import hashlib
import math
import random
import threading
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from newslake_demo.textgen import generate_body
from newslake_demo.topics import TOPICS

PEAKS = ((9.5, 2.5, 1.0), (15.5, 3.0, 0.8))
"""Daytime peaks of the publishing rate: (hour UTC, width in hours, weight)."""
NIGHT = 0.08
"""Share of the peak rate at night."""


class SimClock:
    """A settable clock kept in a file so that several processes share it."""

    def __init__(self, path: str | Path, start: datetime | None = None) -> None:
        self.path = Path(path)
        if start is not None:
            self.set(start)

    def set(self, when: datetime) -> None:
        """Move the clock to ``when`` (atomically for readers)."""
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(when.astimezone(UTC).isoformat(), encoding="utf-8")
        tmp.replace(self.path)

    def now(self) -> datetime:
        """The clock's time (UTC)."""
        return datetime.fromisoformat(self.path.read_text(encoding="utf-8").strip())


def _shape(hour: float) -> float:
    """Relative publishing rate at ``hour`` (peak about 1)."""
    peak = sum(w * math.exp(-0.5 * ((hour - h) / s) ** 2) for h, s, w in PEAKS)
    return NIGHT + (1 - NIGHT) * min(peak, 1.0)


_MEAN_SHAPE = sum(_shape(h / 10) for h in range(240)) / 240


@dataclass(frozen=True)
class FixtureArticle:
    """One published article of the fixture web."""

    site: str
    n: int
    published_at: datetime
    title: str
    topic: int

    @property
    def url(self) -> str:
        return f"http://{self.site}/news/{self.n}.html"


@dataclass(frozen=True)
class FixtureSite:
    """A site: its host, daily volume and articles in publication order."""

    host: str
    per_day: int
    articles: tuple[FixtureArticle, ...]

    @property
    def feed_url(self) -> str:
        return f"http://{self.host}/feed.xml"


def _arrivals(rng: random.Random, per_day: int, start: datetime, end: datetime) -> list[datetime]:
    """Publication times in [start, end) at ``per_day`` a day on average (thinning)."""
    peak_rate = per_day / _MEAN_SHAPE / 86400  # per second at shape 1
    out, t = [], start
    while True:
        t += timedelta(seconds=rng.expovariate(peak_rate))
        if t >= end:
            return out
        hour = t.hour + t.minute / 60
        if rng.random() < _shape(hour):
            out.append(t.replace(microsecond=0))


def volumes(sites: int) -> list[int]:
    """Daily volumes: a tenth of the sites at 300, a tenth at 5, the rest log-spaced between
    5 and 150."""
    fast, slow = max(1, sites // 10), max(1, sites // 10)
    middle = sites - fast - slow
    mids = [round(5 * (30 ** ((i + 1) / (middle + 1)))) for i in range(middle)]
    return [300] * fast + mids + [5] * slow


class FixtureWeb:
    """The sites, their articles and an HTTP server answering for every host."""

    def __init__(self, sites: list[FixtureSite], day: date, clock: SimClock,
                 feed_size: int = 30) -> None:
        self.sites = {s.host: s for s in sites}
        self.day = day
        self.clock = clock
        self.feed_size = feed_size
        self.requests: list[tuple[str, str, datetime, int]] = []  # host, kind, sim time, status
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def build(cls, sites: int, day: date, clock: SimClock, seed: int = 7,
              feed_size: int = 30) -> FixtureWeb:
        """Sites publishing from the evening before ``day`` until the morning after it."""
        rng = random.Random(seed)
        start = datetime.combine(day, time(), UTC) - timedelta(hours=12)
        end = datetime.combine(day, time(), UTC) + timedelta(hours=36)
        out = []
        for i, per_day in enumerate(volumes(sites)):
            host = f"site{i:02d}.test"
            topic = rng.randrange(len(TOPICS))
            arts = tuple(
                FixtureArticle(host, n, at, f"{TOPICS[topic].subject.capitalize()}: "
                                            f"report {n} from {host}", topic)
                for n, at in enumerate(_arrivals(rng, per_day, start, end)))
            out.append(FixtureSite(host, per_day, arts))
        return cls(out, day, clock, feed_size)

    # -- what was published ----------------------------------------------------------------
    def published(self, start: datetime, end: datetime) -> list[FixtureArticle]:
        """Every article published in [start, end)."""
        return [a for s in self.sites.values() for a in s.articles
                if start <= a.published_at < end]

    def day_articles(self) -> list[FixtureArticle]:
        """The articles published on the fixture day (UTC)."""
        start = datetime.combine(self.day, time(), UTC)
        return self.published(start, start + timedelta(days=1))

    def listing(self, site: FixtureSite, now: datetime) -> list[FixtureArticle]:
        """The feed of ``site`` at ``now``: its last ``feed_size`` articles, newest first."""
        live = [a for a in site.articles if a.published_at <= now]
        return live[-self.feed_size:][::-1]

    def peak_requests_per_host_minute(self) -> int:
        """Most requests one host got in one simulated minute."""
        counts = Counter((host, at.replace(second=0, microsecond=0))
                         for host, _, at, _ in self.requests)
        return max(counts.values(), default=0)

    def polls(self) -> dict[str, Counter]:
        """Feed requests per host, by status."""
        out: dict[str, Counter] = defaultdict(Counter)
        for host, kind, _, status in self.requests:
            if kind == "feed":
                out[host][status] += 1
        return out

    # -- documents -------------------------------------------------------------------------
    def feed(self, site: FixtureSite, now: datetime) -> tuple[bytes, str, datetime | None]:
        items = self.listing(site, now)
        etag = '"' + hashlib.sha1(",".join(str(a.n) for a in items).encode()).hexdigest()[:16] \
            + '"'
        body = "".join(
            f"<item><title>{escape(a.title)}</title><link>{a.url}</link><guid>{a.url}</guid>"
            f"<pubDate>{format_datetime(a.published_at, usegmt=True)}</pubDate>"
            f"<dc:creator>Reporter {a.n % 7} of {site.host}</dc:creator></item>"
            for a in items)
        xml = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
               'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
               f"<title>{site.host}</title><link>http://{site.host}/</link>"
               f"<description>News from {site.host}</description>{body}</channel></rss>")
        return xml.encode("utf-8"), etag, items[0].published_at if items else None

    def page(self, article: FixtureArticle) -> bytes:
        topic = TOPICS[article.topic]
        paragraphs = generate_body(topic, f"{article.site}/{article.n}",
                                   article.published_at.strftime("%A"))
        body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        stamp = article.published_at.isoformat().replace("+00:00", "Z")
        author = f"Reporter {article.n % 7} of {article.site}"
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(article.title)}</title>"
            f'<meta property="og:title" content="{escape(article.title)}">'
            f'<meta property="article:published_time" content="{stamp}">'
            f'<meta name="author" content="{escape(author)}">'
            f'<link rel="canonical" href="{article.url}"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/news/">News</a></nav><main><article>'
            f"<h1>{escape(article.title)}</h1><p class=\"byline\">By {escape(author)}</p>"
            f'<time datetime="{stamp}">{stamp}</time>{body}</article></main>'
            f"<footer>Copyright {article.site}</footer></body></html>"
        ).encode()

    # -- server ----------------------------------------------------------------------------
    @property
    def address(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    def __enter__(self) -> FixtureWeb:
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                status, ctype, body, headers = web._answer(host, urlsplit(self.path).path,
                                                           self.headers)
                self.send_response(status)
                for key, value in [("Content-Type", ctype), *headers]:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _answer(self, host: str, path: str, headers) -> tuple[int, str, bytes, list]:
        now = self.clock.now()
        site = self.sites.get(host)
        kind = "feed" if path == "/feed.xml" else "robots" if path == "/robots.txt" else "page"
        status, ctype, body, extra = 404, "text/plain", b"not found", []
        if site is not None and kind == "robots":
            status, body = 200, b"User-agent: *\nAllow: /\n"
        elif site is not None and kind == "feed":
            xml, etag, newest = self.feed(site, now)
            extra = [("ETag", etag)]
            if newest is not None:
                extra.append(("Last-Modified", format_datetime(newest, usegmt=True)))
            if headers.get("If-None-Match") == etag:
                status, body = 304, b""
            else:
                status, ctype, body = 200, "application/rss+xml; charset=utf-8", xml
        elif site is not None and path.startswith("/news/") and path.endswith(".html"):
            try:
                article = site.articles[int(path[6:-5])]
            except (ValueError, IndexError):
                article = None
            if article is not None and article.published_at <= now:
                status, ctype, body = 200, "text/html; charset=utf-8", self.page(article)
        with self._lock:
            self.requests.append((host, kind, now, status))
        return status, ctype, body, extra


def sources_yaml(web: FixtureWeb, extra_crawler: str = "") -> str:
    """A sources.yaml for every site of ``web`` (routed to its address)."""
    lines = ["crawler:", '  user_agent: "newslake-bench/1.0 (+https://example.org/newslake)"',
             f'  connect_to: {{"*": "{web.address}"}}', "  retries: 0",
             "  politeness: {min_delay_s: 0.0, max_concurrency: 4}"]
    lines += [f"  {line}" for line in extra_crawler.splitlines() if line.strip()]
    lines.append("sources:")
    for site in web.sites.values():
        lines.append(f"  - {{id: {site.host.split('.')[0]}, url: \"{site.feed_url}\", kind: rss,"
                     f" site: {site.host}, language: en, allow_private: true}}")
    return "\n".join(lines) + "\n"
