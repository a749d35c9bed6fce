"""What the crawler makes of each HTTP answer (status, redirects, Retry-After, limits, content
encodings, robots.txt, transport errors), through ``httpx.MockTransport``: no socket.

The failure modes that need a real socket (timeouts, resets, bodies that trickle) are in
test_faults.py against the fault-injection server.
"""

from __future__ import annotations

import gzip
import zlib

import brotli
import httpx
import pytest
from fault_server import PNG, WRONG_CHARSET_TEXT, article_html
from mock_web import MockWeb, Reply, html
from newslake.crawl import fetch_pages
from newslake.crawl.charset import decode_html
from newslake.crawl.warc import iter_responses
from newslake.lake import schema

NOWHERE = "127.0.0.1:9"  # every host maps here; the mock transport answers instead
ARTICLE = article_html("faults.test", 1)


def _redirect(status: int, location: str) -> Reply:
    return Reply(status, b"", {"location": location})


def _chain(request: httpx.Request) -> httpx.Response:
    n = int(request.url.params["n"])
    if n > 0:
        return httpx.Response(302, headers={"location": f"/chain?n={n - 1}"})
    return httpx.Response(200, headers={"content-type": "text/html"}, content=ARTICLE)


def _raises(error: type[httpx.TransportError], message: str):
    def handler(request: httpx.Request) -> httpx.Response:
        raise error(message, request=request)

    return handler


def _encoded(encoding: str) -> Reply:
    pack = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}[encoding]
    return Reply(200, pack(ARTICLE), {"content-type": "text/html", "content-encoding": encoding})


ROUTES = {
    "/article/1": html(ARTICLE.decode()),
    "/redirect": _redirect(302, "/article/1"),
    "/loop/a": _redirect(301, "/loop/b"),
    "/loop/b": _redirect(301, "/loop/a"),
    "/chain?n=5": _chain, "/chain?n=4": _chain, "/chain?n=3": _chain, "/chain?n=2": _chain,
    "/chain?n=1": _chain, "/chain?n=0": _chain, "/chain?n=6": _chain,
    "/429": Reply(429, b"slow down", {"retry-after": "0"}),
    "/429-once": [Reply(429, b"", {"retry-after": "0.3"}), html(ARTICLE.decode())],
    "/429-long": Reply(429, b"", {"retry-after": "3600"}),
    "/503-once": [Reply(503, b"", {"retry-after": "0.3"}), html(ARTICLE.decode())],
    "/500": Reply(500, b"oops"),
    "/404": Reply(404, b"gone"),
    "/huge": Reply(200, b"", {"content-type": "text/html", "content-length": "10000000000"}),
    "/gzip-bomb": Reply(200, gzip.compress(b"\0" * 8_000_000, 1),
                        {"content-type": "text/html", "content-encoding": "gzip"}),
    "/wrong-charset": Reply(200, f"<html><body><p>{WRONG_CHARSET_TEXT}</p></body></html>".encode(),
                            {"content-type": "text/html; charset=ISO-8859-1"}),
    "/binary": Reply(200, PNG, {"content-type": "text/html"}),
    "/pdf": Reply(200, b"%PDF-1.4 x", {"content-type": "application/pdf"}),
    "/encoded?e=gzip": _encoded("gzip"),
    "/encoded?e=deflate": _encoded("deflate"),
    "/encoded?e=br": _encoded("br"),
    "/refused": _raises(httpx.ConnectError, "[Errno 111] Connection refused"),
    "/read-timeout": _raises(httpx.ReadTimeout, "timed out"),
    "/bad-cert": _raises(httpx.ConnectError, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate"),
    "/bad-encoding": Reply(200, b"not gzip at all",
                           {"content-type": "text/html", "content-encoding": "gzip"}),
}

# path -> (status, error_class, attempts); retries: 2, max_redirects: 5, max body 2 MB
EXPECTED = {
    "/article/1": (200, None, 1),
    "/redirect": (200, None, 2),
    "/loop/a": (301, "redirect_loop", 2),
    "/chain?n=5": (200, None, 6),  # five hops are fine
    "/chain?n=6": (302, "redirect_loop", 6),  # the sixth is one too many
    "/429": (429, "http_429", 3),  # transient: retried
    "/429-once": (200, None, 2),
    "/429-long": (429, "http_429", 1),  # asks for too long a wait: not retried
    "/503-once": (200, None, 2),
    "/500": (500, "http_5xx", 3),
    "/404": (404, "http_4xx", 1),  # terminal: not retried
    "/huge": (200, "too_large", 1),
    "/gzip-bomb": (200, "too_large", 1),
    "/wrong-charset": (200, None, 1),
    "/binary": (200, "not_html", 1),
    "/pdf": (200, "not_html", 1),
    "/encoded?e=gzip": (200, None, 1),
    "/encoded?e=deflate": (200, None, 1),
    "/encoded?e=br": (200, None, 1),
    "/refused": (None, "connect", 3),
    "/read-timeout": (None, "timeout", 3),
    "/bad-cert": (None, "tls", 1),
    "/bad-encoding": (200, "decode_error", 1),
}

ROBOTS = {
    "robots.test": Reply(200, b"User-agent: *\nDisallow: /article/secret\n",
                         {"content-type": "text/plain"}),
    "deadrobots.test": _raises(httpx.ConnectError, "[Errno 104] Connection reset by peer"),
    "brokenrobots.test": Reply(500, b"robots broken"),
}


@pytest.fixture(scope="module")
def web() -> MockWeb:
    web = MockWeb()
    for path, reply in ROUTES.items():
        web.add(f"http://faults.test{path}", reply)
    for host, reply in ROBOTS.items():
        web.add(f"http://{host}/robots.txt", reply)
        web.add(f"http://{host}/article/1", html())
        web.add(f"http://{host}/article/open", html())
    return web


@pytest.fixture(scope="module")
def run(web, tmp_path_factory, make_config):
    config = make_config(NOWHERE, sources="""
  - {id: deadrobots, url: "http://deadrobots.test/feed.xml", allow_private: true}
  - {id: brokenrobots, url: "http://brokenrobots.test/feed.xml", allow_private: true}
""")
    candidates = [{"url": f"http://faults.test{p}", "source_id": "faults"} for p in EXPECTED]
    candidates += [
        {"url": "http://robots.test/article/secret", "source_id": "robots"},
        {"url": "http://robots.test/article/open", "source_id": "robots"},
        {"url": "http://public.test/article/1", "source_id": "public-only"},
        {"url": "ftp://faults.test/file", "source_id": "faults"},
        {"url": "http://norobots.test/article/1", "source_id": "hosts"},
        {"url": "http://deadrobots.test/article/1", "source_id": "deadrobots"},
        {"url": "http://brokenrobots.test/article/1", "source_id": "brokenrobots"},
    ]
    web.add("http://norobots.test/article/1", html())
    warc = tmp_path_factory.mktemp("mock") / "raw" / "crawl_date=2022-04-03" / "m.warc.gz"
    result = fetch_pages(candidates, config, warc_path=str(warc), transport=web.transport)
    return result, warc


def _row(result, url):
    rows = [r for r in result.fetch_log if r["url"] == url and r["kind"] == "page"]
    assert len(rows) == 1, url
    return rows[0]


@pytest.mark.parametrize("path", list(EXPECTED))
def test_answer_becomes_its_row(run, path):
    result, warc = run
    status, error_class, attempts = EXPECTED[path]
    row = _row(result, f"http://faults.test{path}")
    assert (row["status"], row["error_class"], row["attempts"]) == (status, error_class, attempts)
    assert row["warc_file"] == str(warc)
    if error_class:
        assert row["error"], "a failure carries a message"


def test_requests_sent_match_attempts(run, web):
    for path in ("/429", "/500", "/refused", "/404", "/429-long"):
        assert web.hits(f"http://faults.test{path}") == EXPECTED[path][2], path


def test_retry_after_is_honoured(run):
    result, _ = run
    for path in ("/429-once", "/503-once"):
        assert _row(result, f"http://faults.test{path}")["elapsed_ms"] >= 300  # Retry-After


def test_robots_ssrf_and_scheme(run, web):
    result, _ = run
    assert _row(result, "http://robots.test/article/secret")["error_class"] == "robots_disallowed"
    assert web.hits("http://robots.test/article/secret") == 0
    assert _row(result, "http://robots.test/article/open")["error_class"] is None
    assert _row(result, "http://public.test/article/1")["error_class"] == "ssrf_blocked"
    assert not web.requests["public.test"]  # refused before anything is sent
    assert _row(result, "ftp://faults.test/file")["error_class"] == "invalid_url"
    assert _row(result, "http://norobots.test/article/1")["error_class"] is None  # 404: allowed
    dead = _row(result, "http://deadrobots.test/article/1")
    assert dead["error_class"] == "connect" and "robots.txt" in dead["error"]
    broken = _row(result, "http://brokenrobots.test/article/1")
    assert broken["error_class"] == "robots_disallowed" and "unavailable" in broken["error"]
    robots = {r["url"]: r for r in result.fetch_log if r["kind"] == "robots"}
    assert robots["http://robots.test/robots.txt"]["status"] == 200
    assert robots["http://public.test/robots.txt"]["error_class"] == "ssrf_blocked"


def test_rows_conform_to_fetch_log_schema(run):
    result, _ = run
    table = schema.conform("fetch_log", result.fetch_log)
    assert table.num_rows == len(result.fetch_log)
    assert set(table["error_class"].drop_null().to_pylist()) <= set(schema.ERROR_CLASSES)
    pages = [r for r in result.fetch_log if r["kind"] == "page"]
    assert result.ok == sum(1 for r in pages if r["error_class"] is None)
    assert result.ok == 11  # article, 3 encoded, redirect, chain 5, 429/503-once, charset,
    # and the pages of robots.test and norobots.test


def test_warc_holds_every_exchange(run):
    result, warc = run
    from warcio.archiveiterator import ArchiveIterator

    with open(warc, "rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.rec_headers.get_header("WARC-Truncated")) for r in ArchiveIterator(fh)]
    requested = {url for kind, url, _ in records if kind == "request"}
    assert {f"http://faults.test{p}" for p in EXPECTED} <= requested
    failures = {url for kind, url, _ in records if kind == "metadata"}
    assert {"http://faults.test/refused", "http://faults.test/read-timeout"} <= failures
    truncated = {url: t for kind, url, t in records if kind == "response" and t}
    assert truncated["http://faults.test/gzip-bomb"] == "length"
    assert truncated["http://faults.test/huge"] == "length"


def test_pages_read_back_decoded(run):
    _, warc = run
    pages = {p.final_url: p for p in iter_responses(warc)}
    page = pages["http://faults.test/wrong-charset"]
    assert page.source_id == "faults" and page.charset == "cp1252"  # what the header claims
    text, charset = decode_html(page.body, page.headers["content-type"])
    assert charset == "utf-8" and WRONG_CHARSET_TEXT in text
    for encoding in ("gzip", "deflate", "br"):
        encoded = pages[f"http://faults.test/encoded?e={encoding}"]
        assert encoded.body == ARTICLE, encoding
        assert encoded.headers["x-newslake-content-encoding"] == encoding
    bomb = pages["http://faults.test/gzip-bomb"]
    assert len(bomb.body) == 2_000_000 and "content-encoding" not in bomb.headers
    assert all(p.fetched_at.tzinfo is not None for p in pages.values())


def test_request_headers(run, web):
    _, _, request = web.requests["faults.test"][0]
    assert request.headers["user-agent"] == "newslake-test/1.0 (+https://example.org/contact)"
    assert request.headers["host"] == "faults.test"
    assert request.url.host == "127.0.0.1"  # the address was resolved, checked and pinned
    assert "br" in request.headers["accept-encoding"]


def test_mock_transport_needs_no_socket(make_config, tmp_path, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    web = MockWeb().add("http://faults.test/article/1", html(ARTICLE.decode()))
    result = fetch_pages([{"url": "http://faults.test/article/1", "source_id": "faults"}],
                         make_config(NOWHERE), warc_path=str(tmp_path / "n.warc.gz"),
                         transport=web.transport)
    assert result.ok == 1 and web.hits("http://faults.test/article/1") == 1
