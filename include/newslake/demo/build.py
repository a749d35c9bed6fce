"""Assemble the demo web: every URL's bytes and headers, plus the ground-truth manifest."""

from __future__ import annotations

import hashlib
import zlib
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape

from newslake.demo import feeds as fd
from newslake.demo import pages, syndicated
from newslake.demo.model import DemoArticle, DemoFeed, DemoWeb, Response, Site
from newslake.demo.sites import MALFORMED_FEED, NEWSBREAK, PUBLISHERS, SYNDICATORS, YAHOO
from newslake.demo.stories import DAYS, copies, originals

HTML = "text/html; charset=utf-8"
EPOCH = datetime(2022, 4, 1, tzinfo=UTC)

NOT_FOUND_URL = "http://www.politico.com/news/2022/04/02/senate-budget-markup-delayed-00022390"
SERVER_ERROR_URL = "http://www.lakesidegazette.com.au/story/council-meeting-live-updates-20220402"
PDF_URL = "http://www.lakesidegazette.com.au/documents/2022/tillman-falls-bridge-inspection.pdf"

_FEED_TYPES = {"rss": "application/rss+xml; charset=utf-8",
               "atom": "application/atom+xml; charset=utf-8",
               "jsonfeed": "application/feed+json; charset=utf-8",
               "news_sitemap": "application/xml; charset=utf-8",
               "sitemap_index": "application/xml; charset=utf-8"}


def response(status: int, content_type: str, body: bytes, modified: datetime) -> Response:
    """A response with validators (ETag from the body, Last-Modified from ``modified``)."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    return status, content_type, body, {
        "ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}


def pdf_document(lines: list[str]) -> bytes:
    """A small valid PDF (one page of text)."""
    text = "BT /F1 11 Tf 60 760 Td 14 TL " + " ".join(
        "(" + ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
        for ln in lines) + " ET"
    stream = zlib.compress(text.encode("latin-1"), 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _item(a: DemoArticle) -> fd.FeedItem:
    summary = a.description if len(a.description) < 300 else a.description[:297] + "..."
    return fd.FeedItem(a.url, a.title, a.published_at, a.authors, summary, a.tags)


def _home(site: Site, articles: list[DemoArticle]) -> bytes:
    links = "".join(f'<li><a href="{escape(a.url)}">{escape(a.title)}</a> '
                    f"<time>{a.published_at:%Y-%m-%d}</time></li>" for a in articles)
    return (f'<!DOCTYPE html><html lang="{site.language}"><head><meta charset="utf-8">'
            f"<title>{escape(site.name)}</title></head><body><h1>{escape(site.name)}</h1>"
            f'<ul class="latest">{links}</ul></body></html>').encode()


def _feed_doc(site: Site, items: list[fd.FeedItem]) -> bytes:
    render = {"rss": fd.rss, "atom": fd.atom, "jsonfeed": fd.json_feed,
              "news_sitemap": fd.news_sitemap}[site.feed_kind]
    return render(site, items)


def _related(article: DemoArticle, pool: list[DemoArticle], n: int = 4) -> list[DemoArticle]:
    others = [a for a in pool if a.url != article.url]
    others.sort(key=lambda a: (abs((a.published_at - article.published_at).total_seconds()),
                               a.url))
    return others[:n]


def build_site() -> DemoWeb:
    """Build the whole demo web; the same bytes on every call."""
    origs = originals()
    copies_ = copies({a.story_key: a for a in origs})
    names = {s.domain: s.name for s in (*PUBLISHERS, *SYNDICATORS)}
    by_domain = {s.domain: s for s in PUBLISHERS}
    web_pages: dict[str, Response] = {}
    feeds: list[DemoFeed] = []
    broken = {NOT_FOUND_URL: "not_found", SERVER_ERROR_URL: "server_error",
              PDF_URL: "non_html", MALFORMED_FEED: "malformed_feed"}

    for a in origs:
        site = by_domain[a.site]
        mine = [b for b in origs if b.site == a.site]
        web_pages[a.url] = response(200, HTML, pages.publisher_page(a, site, _related(a, mine)),
                                    a.modified_at or a.published_at)
    for c in copies_:
        source = by_domain[origs[[o.url for o in origs].index(c.original_url)].site]
        if c.syndicator == "newsbreak":
            pool = [o for o in origs if o.site != source.domain
                    and o.published_at.date() == c.published_at.date()]
            body = syndicated.newsbreak_page(c, source, _related(c, pool), names)
        else:
            body = syndicated.yahoo_page(c, source, c.canonical_url != pages.https(c.url))
        web_pages[c.url] = response(200, HTML, body, c.published_at)

    extra = {
        "politico": [fd.FeedItem(NOT_FOUND_URL, "Senate budget markup delayed again",
                                 datetime(2022, 4, 2, 10, 5, tzinfo=UTC), ("Avery Lindstrom",),
                                 "Committee leaders pushed the session to next week.")],
        "lakeside": [fd.FeedItem(SERVER_ERROR_URL, "Live: Tillman Falls council meeting",
                                 datetime(2022, 4, 2, 9, 30, tzinfo=UTC), ("Talia Georgiou",),
                                 "Follow the council meeting as it happens."),
                     fd.FeedItem(PDF_URL, "Read the Aldous Street Bridge inspection report",
                                 datetime(2022, 4, 1, 12, 0, tzinfo=UTC), ("Kieran Mulholland",),
                                 "The full inspection report (PDF).",
                                 content_type="application/pdf")],
    }
    for site in PUBLISHERS:
        mine = sorted((a for a in origs if a.site == site.domain),
                      key=lambda a: (a.published_at, a.url), reverse=True)
        web_pages[site.base + "/"] = response(200, HTML, _home(site, mine), mine[0].published_at)
        items = sorted([_item(a) for a in mine] + extra.get(site.key, []),
                       key=lambda i: (i.published_at, i.url), reverse=True)
        latest = items[0].published_at
        if site.feed_kind == "sitemap_index":
            children = []
            for day in DAYS:
                url = f"{site.base}/sitemaps/articles-{day:%Y-%m-%d}.xml"
                todays = [i for i in items if i.published_at.date() == day]
                when = max(i.published_at for i in todays)
                children.append((url, when))
                web_pages[url] = response(200, "application/xml; charset=utf-8",
                                          fd.sitemap(todays), when)
            doc = fd.sitemap_index(children)
        else:
            doc = _feed_doc(site, items)
        web_pages[site.feed_url] = response(200, _FEED_TYPES[site.feed_kind], doc, latest)
        feeds.append(DemoFeed(site.key, site.feed_url, site.feed_kind, site.domain, None,
                              tuple(i.url for i in items)))
        if site.key == "meridian":
            bad = [_item(a) for a in mine[:3]]
            web_pages[MALFORMED_FEED] = response(200, _FEED_TYPES["rss"],
                                                 fd.malformed_rss(site, bad), latest)
            feeds.append(DemoFeed("meridian_opinion", MALFORMED_FEED, "rss", site.domain, None,
                                  tuple(i.url for i in bad), malformed=True))

    for site in SYNDICATORS:
        mine = sorted((c for c in copies_ if c.site == site.domain),
                      key=lambda a: (a.published_at, a.url), reverse=True)
        items = [_item(c) for c in mine]
        doc = fd.rss(site, items) if site is NEWSBREAK else fd.atom(site, items)
        web_pages[site.feed_url] = response(200, _FEED_TYPES[site.feed_kind], doc,
                                            items[0].published_at)
        web_pages[site.base + "/"] = response(200, HTML, _home(site, mine), mine[0].published_at)
        feeds.append(DemoFeed(site.key, site.feed_url, site.feed_kind, site.domain,
                              site.syndicator, tuple(i.url for i in items)))

    all_sites = [*PUBLISHERS, NEWSBREAK, YAHOO]
    for site in all_sites:
        web_pages[site.base + "/robots.txt"] = response(
            200, "text/plain; charset=utf-8", pages.robots_txt(site), EPOCH)
    web_pages[NOT_FOUND_URL] = response(404, HTML, pages.error_page("POLITICO", 404), EPOCH)
    web_pages[SERVER_ERROR_URL] = response(500, HTML, pages.error_page("Lakeside Gazette", 500),
                                           EPOCH)
    web_pages[PDF_URL] = response(200, "application/pdf", pdf_document([
        "Aldous Street Bridge - inspection summary",
        "Prepared for the Tillman Falls district office, March 2022.",
        "Section loss observed on several steel girders; closure recommended."]),
        datetime(2022, 4, 1, 12, 0, tzinfo=UTC))

    articles = sorted([*origs, *copies_], key=lambda a: (a.published_at, a.url))
    return DemoWeb(pages=web_pages, articles=articles, feeds=feeds, sites=all_sites,
                   broken=broken, index_html=pages.index_page(all_sites, feeds, articles))
