"""Feeds, sitemaps and home pages of every site, as the web looked at the end of a given day.

``feeds_as_of(..., None)`` lists everything; a day gives the snapshot a crawler would have
seen that evening, so a later day's conditional GET sees a changed feed (200, not 304).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime
from html import escape

from newslake_demo import feeds as fd
from newslake_demo.model import DemoArticle, DemoFeed, Response, Site
from newslake_demo.sites import MALFORMED_FEED, PUBLISHERS, SYNDICATORS
from newslake_demo.stories import DAYS

HTML = "text/html; charset=utf-8"
NOT_FOUND_URL = "http://www.politico.com/news/2022/04/02/senate-budget-markup-delayed-00022390"
SERVER_ERROR_URL = "http://www.lakesidegazette.com.au/story/council-meeting-live-updates-20220402"
PDF_URL = "http://www.lakesidegazette.com.au/documents/2022/tillman-falls-bridge-inspection.pdf"

FEED_TYPES = {"rss": "application/rss+xml; charset=utf-8",
              "atom": "application/atom+xml; charset=utf-8",
              "jsonfeed": "application/feed+json; charset=utf-8",
              "news_sitemap": "application/xml; charset=utf-8",
              "sitemap_index": "application/xml; charset=utf-8",
              "auto": "text/xml; charset=utf-8"}  # an RSS body the crawler must sniff

EXTRA_ITEMS = {
    "politico": (fd.FeedItem(NOT_FOUND_URL, "Senate budget markup delayed again",
                             datetime(2022, 4, 2, 10, 5, tzinfo=UTC), ("Avery Lindstrom",),
                             "Committee leaders pushed the session to next week."),),
    "lakeside": (fd.FeedItem(SERVER_ERROR_URL, "Live: Tillman Falls council meeting",
                             datetime(2022, 4, 2, 9, 30, tzinfo=UTC), ("Talia Georgiou",),
                             "Follow the council meeting as it happens."),
                 fd.FeedItem(PDF_URL, "Read the Aldous Street Bridge inspection report",
                             datetime(2022, 4, 1, 12, 0, tzinfo=UTC), ("Kieran Mulholland",),
                             "The full inspection report (PDF).",
                             content_type="application/pdf")),
}
"""Feed items whose pages are broken on purpose (404, 500, a PDF)."""


def response(status: int, content_type: str, body: bytes, modified: datetime) -> Response:
    """A response with validators (ETag from the body, Last-Modified from ``modified``)."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    return status, content_type, body, {
        "ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}


def _item(a: DemoArticle) -> fd.FeedItem:
    summary = a.description if len(a.description) < 300 else a.description[:297] + "..."
    return fd.FeedItem(a.url, a.title, a.published_at, a.authors, summary, a.tags)


def _home(site: Site, articles: list[DemoArticle]) -> bytes:
    links = "".join(f'<li><a href="{escape(a.url)}">{escape(a.title)}</a> '
                    f"<time>{a.published_at:%Y-%m-%d}</time></li>" for a in articles)
    return (f'<!DOCTYPE html><html lang="{site.language}"><head><meta charset="utf-8">'
            f"<title>{escape(site.name)}</title></head><body><h1>{escape(site.name)}</h1>"
            f'<ul class="latest">{links}</ul></body></html>').encode()


def _newest_first(items: list, cutoff: datetime | None) -> list:
    kept = [i for i in items if cutoff is None or i.published_at < cutoff]
    return sorted(kept, key=lambda i: (i.published_at, i.url), reverse=True)


def _publisher(site: Site, mine: list[DemoArticle], cutoff: datetime | None,
               out: dict[str, Response], feeds: list[DemoFeed]) -> None:
    items = _newest_first([*map(_item, mine), *EXTRA_ITEMS.get(site.key, ())], cutoff)
    latest = items[0].published_at
    out[site.base + "/"] = response(200, HTML, _home(site, mine), mine[0].published_at)
    if site.feed_kind == "sitemap_index":
        children = []
        for day in DAYS:
            todays = [i for i in items if i.published_at.date() == day]
            if not todays:
                continue
            url = f"{site.base}/sitemaps/articles-{day:%Y-%m-%d}.xml"
            when = max(i.published_at for i in todays)
            children.append((url, when))
            out[url] = response(200, "application/xml; charset=utf-8", fd.sitemap(todays),
                                when)
        doc = fd.sitemap_index(children)
    else:
        render = {"rss": fd.rss, "atom": fd.atom, "jsonfeed": fd.json_feed,
                  "news_sitemap": fd.news_sitemap}[site.feed_kind]
        doc = render(site, items)
    out[site.feed_url] = response(200, FEED_TYPES[site.feed_kind], doc, latest)
    feeds.append(DemoFeed(site.key, site.feed_url, site.feed_kind, site.domain, None,
                          tuple(i.url for i in items)))
    if site.key == "meridian":
        bad = items[:3]
        out[MALFORMED_FEED] = response(200, FEED_TYPES["rss"], fd.malformed_rss(site, bad),
                                       latest)
        feeds.append(DemoFeed("meridian_opinion", MALFORMED_FEED, "rss", site.domain, None,
                              tuple(i.url for i in bad), malformed=True))


def feeds_as_of(originals: list[DemoArticle], copies: list[DemoArticle], day: date | None
                ) -> tuple[dict[str, Response], list[DemoFeed]]:
    """Every feed, sitemap and home page as of the end of ``day`` (None: everything)."""
    cutoff = None
    if day is not None:
        cutoff = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    out: dict[str, Response] = {}
    feeds: list[DemoFeed] = []
    for site in PUBLISHERS:
        mine = _newest_first([a for a in originals if a.site == site.domain], cutoff)
        _publisher(site, mine, cutoff, out, feeds)
    for site in SYNDICATORS:
        mine = _newest_first([c for c in copies if c.site == site.domain], cutoff)
        items = [_item(c) for c in mine]
        doc = fd.atom(site, items) if site.feed_kind == "atom" else fd.rss(site, items)
        out[site.feed_url] = response(200, FEED_TYPES[site.feed_kind], doc,
                                      items[0].published_at)
        out[site.base + "/"] = response(200, HTML, _home(site, mine), mine[0].published_at)
        feeds.append(DemoFeed(site.key, site.feed_url, site.feed_kind, site.domain,
                              site.syndicator, tuple(i.url for i in items)))
    return out, feeds
