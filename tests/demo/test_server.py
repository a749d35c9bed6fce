"""The demo server over real HTTP on 127.0.0.1: Host routing, HEAD, 304, gzip, errors."""

from __future__ import annotations

import gzip
import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import feedparser
from newslake_demo import DemoServer, DemoWeb
from newslake_demo.build import NOT_FOUND_URL, PDF_URL, SERVER_ERROR_URL


def _get(server: DemoServer, url: str, method: str = "GET", **headers: str):
    host, rest = url.removeprefix("http://").split("/", 1)
    ip, port = server.address.split(":")
    conn = http.client.HTTPConnection(ip, int(port), timeout=5)
    try:
        conn.request(method, "/" + rest, headers={"Host": host, **headers})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_address_is_loopback(server: DemoServer) -> None:
    assert server.address.startswith("127.0.0.1:")
    assert server.connect_to == {"*": server.address}


def test_routes_by_host_header(server: DemoServer, web: DemoWeb) -> None:
    seed = next(a for a in web.articles if a.title.startswith("Blinken, Stoltenberg"))
    status, headers, body = _get(server, seed.url)
    assert status == 200 and body == web.pages[seed.url][2]
    assert headers["content-type"] == "text/html; charset=utf-8"
    politico_feed = "http://www.politico.com/rss/politics.xml"
    status, _, body = _get(server, politico_feed)
    assert status == 200 and feedparser.parse(body).feed.title == "POLITICO"
    other = "http://www.meridianledger.com/rss/politics.xml"
    assert _get(server, other)[0] == 404  # same path, other host
    assert _get(server, "http://unknown.example.com/")[0] == 404


def test_index_for_the_bare_address(server: DemoServer, web: DemoWeb) -> None:
    status, _, body = _get(server, f"http://{server.address}/")
    assert status == 200 and b"www.politico.com" in body and b"news_sitemap" in body


def test_head_has_headers_and_no_body(server: DemoServer, web: DemoWeb) -> None:
    url = web.feeds[0].url
    status, headers, body = _get(server, url, method="HEAD")
    assert status == 200 and body == b""
    assert int(headers["content-length"]) == len(web.pages[url][2])
    assert headers["etag"] == web.pages[url][3]["ETag"]


def test_conditional_get(server: DemoServer, web: DemoWeb) -> None:
    url = web.feeds[0].url
    _, headers, _ = _get(server, url)
    status, not_modified, body = _get(server, url, **{"If-None-Match": headers["etag"]})
    assert (status, body) == (304, b"")
    assert not_modified["etag"] == headers["etag"] and "content-length" not in not_modified
    assert _get(server, url, **{"If-None-Match": '"other"'})[0] == 200
    assert _get(server, url, **{"If-Modified-Since": headers["last-modified"]})[0] == 304
    old = "Thu, 31 Mar 2022 00:00:00 GMT"
    assert _get(server, url, **{"If-Modified-Since": old})[0] == 200


def test_gzip_when_accepted(server: DemoServer, web: DemoWeb) -> None:
    url = web.originals()[0].url
    status, headers, body = _get(server, url, **{"Accept-Encoding": "gzip, br"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert gzip.decompress(body) == web.pages[url][2]
    status, _, _ = _get(server, url, **{"Accept-Encoding": "gzip",
                                        "If-None-Match": headers["etag"]})
    assert status == 304
    assert "content-encoding" not in _get(server, url)[1]


def test_broken_things_over_http(server: DemoServer) -> None:
    assert _get(server, NOT_FOUND_URL)[0] == 404
    assert _get(server, SERVER_ERROR_URL)[0] == 500
    status, headers, body = _get(server, PDF_URL, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-type"] == "application/pdf"
    assert body.startswith(b"%PDF") and "content-encoding" not in headers
    status, _, body = _get(server, "http://www.newsbreak.com/robots.txt")
    assert status == 200 and b"Crawl-delay: 0" in body


def test_parallel_requests(server: DemoServer, web: DemoWeb) -> None:
    urls = [a.url for a in web.articles[:24]]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda u: _get(server, u), urls))
    assert all(r[0] == 200 and r[2] == web.pages[u][2] for r, u in zip(results, urls, strict=True))
    assert any(req[1] == "www.politico.com" for req in server.requests)


def test_context_manager_stops(web: DemoWeb) -> None:
    with DemoServer(web) as running:
        address = running.address
        assert _get(running, "http://www.politico.com/robots.txt")[0] == 200
    ip, port = address.split(":")
    conn = http.client.HTTPConnection(ip, int(port), timeout=1)
    try:
        conn.request("GET", "/")
        conn.getresponse()
        raise AssertionError("server still answering after stop")
    except OSError:
        pass
    finally:
        conn.close()


def test_demo_clock_over_http(web: DemoWeb) -> None:
    feed = "http://www.politico.com/rss/politics.xml"
    with DemoServer(web) as running:
        status, _, body = _get(running, f"http://{running.address}/_clock")
        assert (status, json.loads(body)) == (200, {"as_of": None})
        full_etag = _get(running, feed)[1]["etag"]
        ip, port = running.address.split(":")
        conn = http.client.HTTPConnection(ip, int(port), timeout=5)
        conn.request("POST", "/_clock?date=2022-04-01", headers={"Host": running.address})
        resp = conn.getresponse()
        assert (resp.status, json.loads(resp.read())) == (200, {"as_of": "2022-04-01"})
        conn.request("POST", "/_clock?date=yesterday", headers={"Host": running.address})
        resp = conn.getresponse()
        assert resp.status == 400 and resp.read()
        conn.close()
        assert running.clock == date(2022, 4, 1)
        status, headers, body = _get(running, feed, **{"If-None-Match": full_etag})
        assert status == 200 and headers["etag"] != full_etag
        dates = {e.published[:16] for e in feedparser.parse(body).entries}
        assert dates and all("01 Apr 2022" in d for d in dates)
        assert _get(running, feed, **{"If-None-Match": headers["etag"]})[0] == 304
        running.set_clock(None)
        assert _get(running, feed)[1]["etag"] == full_etag


def test_date_header_is_the_capture_time_pages_render_against(server: DemoServer,
                                                              web: DemoWeb) -> None:
    from email.utils import parsedate_to_datetime

    from newslake_demo.syndicated import CAPTURE

    seed = next(a for a in web.articles if a.title.startswith("Blinken, Stoltenberg"))
    _, headers, _ = _get(server, seed.url)
    assert parsedate_to_datetime(headers["date"]) == CAPTURE
