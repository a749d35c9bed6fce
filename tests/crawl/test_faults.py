"""The failure modes that need a real socket, against the fault-injection server: timeouts
(headers late, a trickling body), connection resets, oversized and compressed bodies on the
wire. Each ends in its documented fetch_log row, the run goes on, and every exchange lands in
the WARC file. HTTP-level answers (statuses, redirects, Retry-After, robots.txt, content
types) are covered without a socket in test_http_semantics.py."""

from __future__ import annotations

import gzip

import pytest
from fault_server import WRONG_CHARSET_TEXT
from newslake.crawl import fetch_pages
from newslake.crawl.charset import decode_html
from newslake.crawl.warc import iter_responses
from newslake.lake import schema

pytestmark = pytest.mark.slow  # waits out real timeouts and resets on a socket

# path -> (status, error_class, attempts)
EXPECTED = {
    "/article/1": (200, None, 1),
    "/slow-headers?s=5": (None, "timeout", 3),
    "/slow-body": (200, "timeout", 3),
    "/reset": (None, "connect", 3),
    "/503-once": (200, None, 2),
    "/huge": (200, "too_large", 1),
    "/gzip-bomb": (200, "too_large", 1),
    "/wrong-charset": (200, None, 1),
    "/encoded?e=gzip": (200, None, 1),
    "/encoded?e=deflate": (200, None, 1),
    "/encoded?e=br": (200, None, 1),
}


@pytest.fixture(scope="module")
def run(server, tmp_path_factory, make_config):
    config = make_config(server.address, sources="""
  - {id: deadrobots, url: "http://deadrobots.test/feed.xml", allow_private: true}
""")
    candidates = [{"url": f"http://faults.test{p}", "source_id": "faults"} for p in EXPECTED]
    candidates += [
        {"url": "http://robots.test/article/secret", "source_id": "robots"},
        {"url": "http://robots.test/article/open", "source_id": "robots"},
        {"url": "http://deadrobots.test/article/1", "source_id": "deadrobots"},
    ]
    warc = tmp_path_factory.mktemp("faults") / "raw" / "crawl_date=2022-04-03" / "b.warc.gz"
    result = fetch_pages(candidates, config, warc_path=str(warc))
    return result, warc


def _row(result, url):
    rows = [r for r in result.fetch_log if r["url"] == url and r["kind"] == "page"]
    assert len(rows) == 1, url
    return rows[0]


@pytest.mark.parametrize("path", list(EXPECTED))
def test_endpoint_row(run, path):
    result, warc = run
    status, error_class, attempts = EXPECTED[path]
    row = _row(result, f"http://faults.test{path}")
    assert (row["status"], row["error_class"], row["attempts"]) == (status, error_class, attempts)
    assert row["warc_file"] == str(warc)
    if error_class:
        assert row["error"], "a failure carries a message"


def test_robots_over_the_wire(run):
    result, _ = run
    assert _row(result, "http://robots.test/article/secret")["error_class"] == "robots_disallowed"
    assert _row(result, "http://robots.test/article/open")["error_class"] is None
    dead = _row(result, "http://deadrobots.test/article/1")  # robots.txt answered with a reset
    assert dead["error_class"] == "connect" and "robots.txt" in dead["error"]
    robots = {r["url"]: r for r in result.fetch_log if r["kind"] == "robots"}
    assert robots["http://robots.test/robots.txt"]["status"] == 200


def test_rows_conform_to_fetch_log_schema(run):
    result, _ = run
    table = schema.conform("fetch_log", result.fetch_log)
    assert table.num_rows == len(result.fetch_log)
    classes = set(table["error_class"].drop_null().to_pylist())
    assert classes <= set(schema.ERROR_CLASSES)
    assert result.ok == sum(1 for r in result.fetch_log if r["kind"] == "page"
                            and r["error_class"] is None)
    assert result.ok == 7  # article, 503-once, charset, 3 encoded, robots.test/article/open


def test_warc_holds_every_exchange(run):
    result, warc = run
    assert warc.exists() and not list(warc.parent.glob(".*.tmp"))
    from warcio.archiveiterator import ArchiveIterator

    with open(warc, "rb") as fh:
        records = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI"),
                    r.rec_headers.get_header("WARC-Truncated")) for r in ArchiveIterator(fh)]
    with open(warc, "rb") as fh:  # gzip per record: a multi-member gzip file
        assert fh.read(2) == b"\x1f\x8b"
    with gzip.open(warc) as fh:
        assert fh.read(9) == b"WARC/1.0\r"
    requested = {url for kind, url, _ in records if kind == "request"}
    for path in EXPECTED:
        assert f"http://faults.test{path}" in requested
    failures = {url for kind, url, _ in records if kind == "metadata"}
    assert "http://faults.test/reset" in failures
    assert "http://faults.test/slow-headers?s=5" in failures
    truncated = {url: t for kind, url, t in records if kind == "response" and t}
    assert truncated["http://faults.test/gzip-bomb"] == "length"
    assert truncated["http://faults.test/huge"] == "length"
    assert truncated["http://faults.test/slow-body"] == "time"
    slow = [p for p in iter_responses(warc) if p.final_url == "http://faults.test/slow-body"]
    assert slow and all(p.body.startswith(b"<html><body>x") for p in slow)  # partial body kept


def test_pages_read_back(run):
    _, warc = run
    pages = {p.final_url: p for p in iter_responses(warc)}
    page = pages["http://faults.test/wrong-charset"]
    assert page.source_id == "faults"
    assert page.charset == "cp1252"  # what the header claims
    text, charset = decode_html(page.body, page.headers["content-type"])
    assert charset == "utf-8" and WRONG_CHARSET_TEXT in text
    assert pages["http://faults.test/article/1"].status == 200
    bomb = pages["http://faults.test/gzip-bomb"]
    assert len(bomb.body) == 2_000_000 and "content-encoding" not in bomb.headers
    assert all(p.fetched_at.tzinfo is not None for p in pages.values())


def test_retry_after_is_honoured(run):
    result, _ = run
    assert _row(result, "http://faults.test/503-once")["elapsed_ms"] >= 1000  # Retry-After: 1


def test_user_agent_names_project_and_contact(run, server):
    assert "newslake-test/1.0 (+https://example.org/contact)" in server.stats.user_agents


def test_content_encodings_decoded(run):
    _, warc = run
    pages = {p.final_url: p for p in iter_responses(warc)}
    for encoding in ("gzip", "deflate", "br"):
        page = pages[f"http://faults.test/encoded?e={encoding}"]
        assert page.body.startswith(b"<!DOCTYPE html>"), encoding
        assert page.headers["x-newslake-content-encoding"] == encoding


def test_dead_host_is_given_up(make_config, tmp_path):
    """After max_host_failures attempts in a row got no response, the host's other URLs are
    skipped with the same error class instead of being tried (and retried) one by one."""
    from fault_server import FixtureServer

    sources = """
  - id: dead
    url: http://dead.test/feed.xml
    allow_private: true
    politeness: {min_delay_s: 0.0, max_concurrency: 1}
"""
    with FixtureServer() as server:
        config = make_config(server.address, extra_crawler="max_host_failures: 3",
                             sources=sources)
        candidates = [{"url": f"http://dead.test/reset?i={i}", "source_id": "dead"}
                      for i in range(10)]
        result = fetch_pages(candidates, config, warc_path=str(tmp_path / "d.warc.gz"))
        requests = [p for p, _ in server.stats.requests["dead.test"] if p == "/reset"]
    pages = [r for r in result.fetch_log if r["kind"] == "page"]
    assert [r["error_class"] for r in pages] == ["connect"] * 10
    assert sum("skipped for this run" in r["error"] for r in pages) >= 8
    assert len(requests) == 3  # three attempts got no answer; nothing more was sent
