"""Assemble the demo web: every URL's bytes and headers, plus the ground-truth manifest."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

from newslake_demo import pages, syndicated
from newslake_demo.feedset import (
    HTML,
    NOT_FOUND_URL,
    PDF_URL,
    SERVER_ERROR_URL,
    feeds_as_of,
    response,
)
from newslake_demo.model import DemoArticle, DemoWeb, Response
from newslake_demo.sites import MALFORMED_FEED, PUBLISHERS, SYNDICATORS
from newslake_demo.stories import DAYS, copies, originals

__all__ = ["NOT_FOUND_URL", "PDF_URL", "SERVER_ERROR_URL", "build_site", "pdf_document"]

EPOCH = datetime(2022, 4, 1, tzinfo=UTC)


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
        elif c.syndicator == "yahoo":
            body = syndicated.yahoo_page(c, source, c.canonical_url != pages.https(c.url))
        else:
            body = syndicated.digest_page(c, source)
        web_pages[c.url] = response(200, HTML, body, c.published_at)

    feed_pages, feeds = feeds_as_of(origs, copies_, None)
    web_pages.update(feed_pages)
    snapshots = {day: feeds_as_of(origs, copies_, day)[0] for day in DAYS}

    all_sites = [*PUBLISHERS, *SYNDICATORS]
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
                   broken=broken, index_html=pages.index_page(all_sites, feeds, articles),
                   snapshots=snapshots)
