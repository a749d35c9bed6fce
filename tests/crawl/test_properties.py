"""Parsers never crash on arbitrary input (they take bytes/str and do no I/O)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from newslake.crawl.charset import decode_html
from newslake.crawl.exchange import retry_after_seconds
from newslake.crawl.feeds import FeedParseError, parse_feed
from newslake.crawl.robots import parse_robots

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

xml_ish = st.one_of(
    st.binary(max_size=400),
    st.text(alphabet="<>/?=\"' abcdeilmnorstuxy&;:\n\x00é", max_size=300).map(str.encode),
    st.sampled_from([b"<rss><channel><item><link>", b"<urlset><url><loc>http://",
                     b'{"items": [{"url": 1}]}', b"<sitemapindex><sitemap><loc>"]).flatmap(
        lambda head: st.binary(max_size=100).map(lambda tail: head + tail)),
)


@FAST
@given(body=xml_ish, kind=st.sampled_from(["auto", "rss", "atom", "jsonfeed", "sitemap",
                                           "sitemap_index", "news_sitemap"]))
def test_parse_feed_returns_or_raises_feed_parse_error(body, kind):
    try:
        parsed = parse_feed(body, kind, "http://a.test/feed")
    except FeedParseError:
        return
    assert all(e.url.startswith(("http://", "https://")) for e in parsed.entries)
    assert all(e.published_at is None or e.published_at.tzinfo for e in parsed.entries)


@FAST
@given(body=st.binary(max_size=2000),
       header=st.one_of(st.none(), st.text(max_size=40).map(lambda t: f"text/html; charset={t}")))
def test_decode_html_total(body, header):
    text, charset = decode_html(body, header)
    assert isinstance(text, str) and charset


@FAST
@given(text=st.text(max_size=500), path=st.text(max_size=50))
def test_robots_total(text, path):
    robots = parse_robots(text, "newslake")
    assert robots.allowed("http://a.test/" + path) in (True, False)


@FAST
@given(value=st.one_of(st.none(), st.text(max_size=40)))
def test_retry_after_total(value):
    seconds = retry_after_seconds(value)
    assert seconds is None or seconds >= 0
