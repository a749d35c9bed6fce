"""Feeds and sitemaps parse, carry dates, and match include/newslake_demo/sources.yaml."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date

import feedparser
import pytest
from newslake_demo import DemoWeb
from newslake_demo.sources import SOURCES as DEMO_SOURCES

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
DAYS = {date(2022, 4, 1), date(2022, 4, 2), date(2022, 4, 3)}


def _feed(web: DemoWeb, kind: str):
    return [f for f in web.feeds if f.kind == kind and not f.malformed]


def test_feed_kinds_cover_rss_atom_and_sitemaps(web: DemoWeb) -> None:
    kinds = {f.kind for f in web.feeds}
    assert {"rss", "atom", "news_sitemap", "jsonfeed", "sitemap_index"} <= kinds
    assert len({f.source_id for f in web.feeds}) == len(web.feeds)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_rss_and_atom_parse_with_dates(web: DemoWeb, kind: str) -> None:
    for feed in _feed(web, kind):
        parsed = feedparser.parse(web.pages[feed.url][2])
        assert not parsed.bozo, (feed.url, parsed.get("bozo_exception"))
        assert parsed.version.startswith(kind)
        links = [e.link for e in parsed.entries]
        assert links == list(feed.entries)
        for entry in parsed.entries:
            when = entry.get("published_parsed") or entry.get("updated_parsed")
            assert date(*when[:3]) in DAYS, entry.link
            assert entry.title


def test_news_sitemap_parses(web: DemoWeb) -> None:
    (feed,) = _feed(web, "news_sitemap")
    root = ET.fromstring(web.pages[feed.url][2])
    urls = root.findall(f"{SM}url")
    assert [u.findtext(f"{SM}loc") for u in urls] == list(feed.entries)
    for u in urls:
        news = u.find(f"{NEWS}news")
        assert news.findtext(f"{NEWS}title")
        assert news.findtext(f"{NEWS}publication_date")[:10] in {d.isoformat() for d in DAYS}
        assert news.find(f"{NEWS}publication/{NEWS}name").text


def test_sitemap_index_children_resolve(web: DemoWeb) -> None:
    (feed,) = _feed(web, "sitemap_index")
    root = ET.fromstring(web.pages[feed.url][2])
    children = [s.findtext(f"{SM}loc") for s in root.findall(f"{SM}sitemap")]
    assert len(children) == 3
    found = []
    for child in children:
        status, _, body, _ = web.pages[child]
        assert status == 200
        found += [u.findtext(f"{SM}loc") for u in ET.fromstring(body).findall(f"{SM}url")]
    assert sorted(found) == sorted(feed.entries)


def test_json_feed(web: DemoWeb) -> None:
    (feed,) = _feed(web, "jsonfeed")
    doc = json.loads(web.pages[feed.url][2])
    assert doc["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["url"] for i in doc["items"]] == list(feed.entries)
    assert all(i["date_published"].startswith("2022-04-0") for i in doc["items"])


def test_every_article_is_reachable_from_a_feed(web: DemoWeb) -> None:
    linked = {u for f in web.feeds if not f.malformed for u in f.entries}
    assert {a.url for a in web.articles} <= linked


def test_malformed_feed_is_broken_xml(web: DemoWeb) -> None:
    (feed,) = [f for f in web.feeds if f.malformed]
    body = web.pages[feed.url][2]
    with pytest.raises(ET.ParseError):
        ET.fromstring(body)
    assert feedparser.parse(body).bozo
    assert web.broken[feed.url] == "malformed_feed"


def test_feeds_have_validators(web: DemoWeb) -> None:
    for feed in web.feeds:
        headers = web.pages[feed.url][3]
        assert headers["ETag"].startswith('"') and headers["Last-Modified"].endswith("GMT")


def test_sources_yaml_matches_the_web(web: DemoWeb, monkeypatch: pytest.MonkeyPatch) -> None:
    from newslake.sources import load_sources

    monkeypatch.setenv("NEWSLAKE_DEMO_ADDR", "127.0.0.1:8765")
    config = load_sources(DEMO_SOURCES)
    assert config.crawler.connect_to == {"*": "127.0.0.1:8765"}
    got = {(s.id, s.url, s.kind, s.site, s.syndicator) for s in config.sources}
    want = {(f.source_id, f.url, f.kind, f.site, f.syndicator) for f in web.feeds}
    assert got == want
    assert all(s.allow_private and s.enabled for s in config.sources)


def test_snapshots_list_only_entries_up_to_their_day(web: DemoWeb) -> None:
    etags = {}
    for day in sorted(DAYS):
        for feed in _feed(web, "rss") + _feed(web, "atom"):
            status, _, body, headers = web.response(feed.url, day)
            assert status == 200
            parsed = feedparser.parse(body)
            dates = {date(*e.published_parsed[:3]) for e in parsed.entries}
            assert dates and max(dates) == day, (feed.url, day)
            etags.setdefault(feed.url, set()).add(headers["ETag"])
    assert all(len(tags) == 3 for tags in etags.values())
    last = max(DAYS)
    assert all(web.response(f.url, last) == web.pages[f.url] for f in web.feeds)
    article = web.articles[0]
    assert web.response(article.url, min(DAYS)) == web.pages[article.url]


def test_auto_feed_is_rss_under_a_generic_type(web: DemoWeb) -> None:
    (feed,) = _feed(web, "auto")
    _, ctype, body, _ = web.pages[feed.url]
    assert ctype.startswith("text/xml")
    parsed = feedparser.parse(body)
    assert not parsed.bozo and parsed.version == "rss20"
    assert [e.link for e in parsed.entries] == list(feed.entries)
