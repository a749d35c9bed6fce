"""Feed and sitemap parsing from bytes, and every feed file of the evaluation set (feedparser's
own test suite, ill-formed and legacy encodings included) through the whole discover path."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from newslake.crawl import discover_source
from newslake.crawl.feeds import FeedParseError, parse_date, parse_feed, sniff_kind
from newslake.sources import Source

HEADER = re.compile(rb"^Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.M)

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>One</title><link href="http://a.test/1"/><updated>2022-04-03T10:00:00Z</updated>
<author><name>Ann</name></author><author><name>Bob</name></author></entry>
<entry><title>No link</title></entry></feed>"""

RSS1 = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
 xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://a.test/"><title>R</title><link>http://a.test/</link></channel>
<item rdf:about="http://a.test/r1"><title>R1</title><link>http://a.test/r1</link>
<dc:date>2022-04-03T01:02:03+02:00</dc:date><dc:creator>Cy</dc:creator></item></rdf:RDF>"""

JSONFEED = json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "J",
    "items": [{"id": "1", "url": "https://a.test/j1", "title": "J1",
               "date_published": "2022-04-03T12:00:00-04:00", "authors": [{"name": "Di"}]},
              {"id": "2", "external_url": "/j2"}, {"id": "3"}, "junk"],
}).encode()


def test_atom_entries():
    parsed = parse_feed(ATOM, "auto", "http://a.test/feed")
    assert [(e.url, e.title, e.authors) for e in parsed.entries] == [
        ("http://a.test/1", "One", ["Ann", "Bob"])]
    assert parsed.entries[0].published_at == datetime(2022, 4, 3, 10, tzinfo=UTC)


def test_rss1_dates_are_utc():
    entry = parse_feed(RSS1, "rss", "http://a.test/").entries[0]
    assert entry.published_at == datetime(2022, 4, 2, 23, 2, 3, tzinfo=UTC)
    assert entry.authors == ["Cy"]


def test_jsonfeed():
    parsed = parse_feed(JSONFEED, "auto", "https://a.test/feed.json")
    assert [e.url for e in parsed.entries] == ["https://a.test/j1", "https://a.test/j2"]
    assert parsed.entries[0].published_at == datetime(2022, 4, 3, 16, tzinfo=UTC)
    assert parsed.entries[0].authors == ["Di"]


@pytest.mark.parametrize("body", [b"", b"   ", b"<html><p>x</p></html>", b"{not json",
                                  b'{"items": 3}', b"<<<>>>", b"\x1f\x8bnot gzip",
                                  b"<?xml version='1.0'?><foo/>"])
def test_garbage_is_a_parse_error(body):
    kind = "sitemap" if body.startswith((b"<<", b"<?xml")) else "auto"
    with pytest.raises(FeedParseError):
        parse_feed(body, kind, "http://a.test/")


def test_sniff_and_dates():
    assert sniff_kind(b'\xef\xbb\xbf {"version": 1}') == "jsonfeed"
    assert sniff_kind(b"<?xml version='1.0'?><sitemapindex>") == "sitemap_index"
    assert sniff_kind(b'<urlset xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">') \
        == "news_sitemap"
    assert parse_date("2022-04-03") == datetime(2022, 4, 3, tzinfo=UTC)
    assert parse_date("Sun, 03 Apr 2022 10:00:00 +0100") == datetime(2022, 4, 3, 9, tzinfo=UTC)
    assert parse_date("yesterday-ish") is None


def _eval_files(root: Path) -> list[Path]:
    manifest = json.loads((root / "MANIFEST.json").read_text())
    files = [root / f["path"] for f in manifest["files"]]
    files += sorted(p for p in (root / "trafilatura-resources").iterdir() if p.name != "LICENSE")
    return files


def _content_type(body: bytes, path: Path) -> str:
    for key, value in HEADER.findall(body[:4000]):
        if key.lower() == b"content-type":
            return value.decode("latin-1")
    if path.suffix == ".json":
        return "application/json"
    return "application/xml"


@pytest.mark.slow
def test_every_eval_feed_parses_or_records_an_error(shared_eval, tmp_path):
    from mock_web import MockWeb, Reply
    from newslake.sources import CrawlerSettings, SourcesConfig

    root = shared_eval / "feeds"
    files = _eval_files(root)
    assert len(files) > 300
    served = {}
    for i, path in enumerate(files):
        body = path.read_bytes()
        served[f"/f/{i}"] = (_content_type(body, path), body)
    outcomes: dict[str, int] = {}
    web = MockWeb()
    for target, (ctype, body) in served.items():
        web.add(f"http://feeds.test{target}", Reply(200, body, {"content-type": ctype}))
    settings = CrawlerSettings(connect_to={"*": "127.0.0.1:9"}, retries=0)  # no socket used
    for i, path in enumerate(files):
        source = Source(id=f"f{i}", url=f"http://feeds.test/f/{i}", allow_private=True)
        config = SourcesConfig(settings, [source])
        result = discover_source(
            source, config, lake=str(tmp_path / "lake"), crawl_date=date(2022, 4, 3),
            interval_start=datetime(1970, 1, 1, tzinfo=UTC),
            interval_end=datetime(2100, 1, 1, tzinfo=UTC),
            warc_path=str(tmp_path / "w" / f"{i}.warc.gz"), transport=web.transport)
        row = result.fetch_log[0]
        assert row["status"] == 200, (path, row)
        assert row["error_class"] in (None, "feed_parse_error"), (path, row)
        if row["error_class"]:
            assert row["error"], path
        key = "entries" if result.candidates else ("error" if row["error_class"] else "empty")
        outcomes[key] = outcomes.get(key, 0) + 1
        # the same bytes give the same outcome without the network
        ctype, body = served[f"/f/{i}"]
        try:
            parsed = parse_feed(body, "auto", source.url, {"content-type": ctype})
            offline = "entries" if parsed.entries else "empty"
            assert (row["error_class"] is not None) == parsed.malformed, path
        except FeedParseError:
            offline = "error"
        assert offline == key, path
    assert outcomes.get("entries", 0) >= 30, outcomes


def test_ill_formed_feed_keeps_recovered_entries():
    body = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            b"<item><title>ok</title><link>http://a.test/ok</link></item>"
            b"<item><title>cut<link>\x00\x01 &bogus; <<</channel>")
    parsed = parse_feed(body, "rss", "http://a.test/feed")
    assert parsed.malformed and parsed.warning
    assert [e.url for e in parsed.entries] == ["http://a.test/ok"]


def test_declared_kind_wrong_falls_back_to_the_sniffed_one():
    sitemap = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               b"<url><loc>http://a.test/x</loc></url></urlset>")
    assert [e.url for e in parse_feed(sitemap, "rss", "http://a.test/").entries] == [
        "http://a.test/x"]
    assert [e.url for e in parse_feed(ATOM, "sitemap", "http://a.test/").entries] == [
        "http://a.test/1"]
