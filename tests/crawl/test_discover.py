"""discover_source over a mock transport: interval, known URLs, conditional GET, sitemap
index, failures as rows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from fault_server import feed_xml
from mock_web import MockWeb, Reply
from newslake.crawl import all_failed, discover_source
from newslake.dedup import canonicalize_url

DAY = date(2022, 4, 3)
START = datetime(2022, 4, 3, tzinfo=UTC)
END = datetime(2022, 4, 4, tzinfo=UTC)

SOURCES = """
  - id: news
    url: http://news.test/feed.xml?n=12
    kind: rss
    site: news.test
    language: en
    syndicator: yahoo
    allow_private: true
    politeness: {min_delay_s: 0.0, max_concurrency: 2}
  - id: mixed
    url: http://news.test/mixed.xml
    allow_private: true
  - id: index
    url: http://news.test/sitemap-index.xml
    kind: sitemap_index
    allow_private: true
  - id: broken
    url: http://news.test/not-a-feed.html
    allow_private: true
  - id: down
    url: http://news.test/500
    allow_private: true
"""

MIXED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>m</title>
<item><link>http://news.test/a/in</link><pubDate>Sun, 03 Apr 2022 10:00:00 GMT</pubDate></item>
<item><link>http://news.test/a/before</link><pubDate>Sat, 02 Apr 2022 23:59:59 GMT</pubDate></item>
<item><link>http://news.test/a/at-end</link><pubDate>Mon, 04 Apr 2022 00:00:00 GMT</pubDate></item>
<item><link>http://news.test/a/undated</link></item>
<item><link>/a/relative</link><pubDate>Sun, 03 Apr 2022 11:00:00 +0200</pubDate></item>
<item><link>http://news.test/a/in</link><pubDate>Sun, 03 Apr 2022 10:00:00 GMT</pubDate></item>
<item><link>http://news.test/a/known?utm_source=x</link></item>
</channel></rss>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>http://news.test/sm-new.xml</loc><lastmod>2022-04-03T05:00:00Z</lastmod></sitemap>
<sitemap><loc>http://news.test/sm-old.xml</loc><lastmod>2021-01-01</lastmod></sitemap>
</sitemapindex>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>http://news.test/s/1</loc><news:news><news:publication><news:name>N</news:name>
<news:language>en</news:language></news:publication>
<news:publication_date>2022-04-03T08:00:00+00:00</news:publication_date>
<news:title>Sitemap story</news:title></news:news></url>
<url><loc>http://news.test/s/2</loc><news:news>
<news:publication_date>2022-03-01T08:00:00+00:00</news:publication_date></news:news></url>
</urlset>"""

FILES = {
    "/mixed.xml": ("application/rss+xml", MIXED),
    "/sitemap-index.xml": ("application/xml", INDEX),
    "/sm-new.xml": ("application/xml", NEWS_SITEMAP),
    "/sm-old.xml": ("application/xml", NEWS_SITEMAP.replace(b"/s/", b"/old/")),
    "/not-a-feed.html": ("text/html", b"<html><body><p>hello</p></body></html>"),
}


NOWHERE = "127.0.0.1:9"  # every host maps here; the mock transport answers instead
ETAG = '"feed-v1"'


def _news_feed(request: httpx.Request) -> httpx.Response:
    """RSS of 12 articles with an ETag; 304 when the client already has it."""
    if request.headers.get("if-none-match") == ETAG:
        return httpx.Response(304, headers={"etag": ETAG})
    return Reply(200, feed_xml("news.test", 12),
                 {"content-type": "application/rss+xml", "etag": ETAG}).response()


@pytest.fixture
def web() -> MockWeb:
    web = MockWeb()
    web.add("http://news.test/feed.xml?n=12", _news_feed)
    web.add("http://news.test/500", Reply(500, b"oops"))
    for path, (ctype, body) in FILES.items():
        web.add(f"http://news.test{path}", Reply(200, body, {"content-type": ctype}))
    return web


@pytest.fixture
def config(make_config):
    return make_config(NOWHERE, sources=SOURCES)


def _discover(web, config, source_id, lake, warc, day=DAY, start=START, end=END,
              known=frozenset()):
    source = config.source(source_id)
    def seen_in_lake(urls):
        return {u for u in urls if u in known or canonicalize_url(u) in known}

    return discover_source(source, config, lake=str(lake), crawl_date=day, interval_start=start,
                           interval_end=end, seen_in_lake=seen_in_lake, warc_path=str(warc),
                           transport=web.transport)


def test_feed_candidates_carry_hints(web, config, tmp_path):
    result = _discover(web, config, "news", tmp_path / "lake", tmp_path / "f.warc.gz")
    assert len(result.candidates) == 12
    first = result.candidates[0]
    assert first == {
        "url": "http://news.test/article/0", "source_id": "news", "site": "news.test",
        "language": "en", "syndicator": "yahoo", "feed_title": "Story 0",
        "feed_published_at": datetime(2022, 4, 3, tzinfo=UTC), "feed_authors": ["Writer 0"],
    }
    assert [r["error_class"] for r in result.fetch_log] == [None]
    assert not result.failed
    assert (tmp_path / "f.warc.gz").exists()


def test_interval_known_urls_and_repeats(web, config, tmp_path):
    known = frozenset({canonicalize_url("http://news.test/a/known")})  # as the lake keeps them
    result = _discover(web, config, "mixed", tmp_path / "lake", tmp_path / "m.warc.gz", known=known)
    urls = [c["url"] for c in result.candidates]
    assert urls == ["http://news.test/a/in", "http://news.test/a/undated",
                    "http://news.test/a/relative"]
    assert result.candidates[1]["feed_published_at"] is None


def test_conditional_get(web, config, tmp_path):
    lake = tmp_path / "lake"
    first = _discover(web, config, "news", lake, tmp_path / "1.warc.gz")
    assert first.fetch_log[0]["status"] == 200
    assert (lake / "_state" / "feeds" / "news.json").exists()
    again = _discover(web, config, "news", lake, tmp_path / "2.warc.gz")  # same day: full fetch
    assert again.fetch_log[0]["status"] == 200 and len(again.candidates) == 12
    later = date(2022, 4, 4)
    nxt = _discover(web, config, "news", lake, tmp_path / "3.warc.gz", day=later,
                    start=END, end=datetime(2022, 4, 5, tzinfo=UTC))
    assert nxt.fetch_log[0]["status"] == 304
    assert nxt.fetch_log[0]["error_class"] == "not_modified"
    assert nxt.candidates == [] and not nxt.failed


def test_sitemap_index_reads_recent_children(web, config, tmp_path):
    result = _discover(web, config, "index", tmp_path / "lake", tmp_path / "i.warc.gz")
    assert [c["url"] for c in result.candidates] == ["http://news.test/s/1"]
    assert result.candidates[0]["feed_title"] == "Sitemap story"
    fetched = [r["url"] for r in result.fetch_log if r["kind"] == "feed"]
    assert fetched == ["http://news.test/sitemap-index.xml", "http://news.test/sm-new.xml"]


def test_failures_are_rows_and_all_failed(web, config, tmp_path):
    broken = _discover(web, config, "broken", tmp_path / "lake", tmp_path / "b.warc.gz")
    assert broken.fetch_log[0]["error_class"] == "feed_parse_error" and broken.failed
    down = _discover(web, config, "down", tmp_path / "lake", tmp_path / "d.warc.gz")
    assert down.fetch_log[0]["error_class"] == "http_5xx" and down.failed
    good = _discover(web, config, "news", tmp_path / "lake", tmp_path / "g.warc.gz")
    assert all_failed([broken, down])
    assert not all_failed([broken, down, good])
    assert not all_failed([])


def test_max_pages_per_source(web, make_config, tmp_path):
    config = make_config(NOWHERE, extra_crawler="max_pages_per_source: 5", sources=SOURCES)
    result = _discover(web, config, "news", tmp_path / "lake", tmp_path / "x.warc.gz")
    assert len(result.candidates) == 5


def test_fixture_feed_is_valid_rss():
    assert feed_xml("h.test", 2).count(b"<item>") == 2
