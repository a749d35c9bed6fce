"""Feed and sitemap documents: RSS 2.0, Atom, JSON Feed, Google News sitemap, sitemap index."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

from newslake_demo.model import Site
from newslake_demo.pages import https, iso


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed."""

    url: str
    title: str
    published_at: datetime
    authors: tuple[str, ...] = ()
    summary: str = ""
    tags: tuple[str, ...] = ()
    content_type: str = "text/html"


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def rss(site: Site, items: list[FeedItem]) -> bytes:
    """An RSS 2.0 channel with dc:creator and category elements."""
    latest = max(i.published_at for i in items)
    body = "".join(
        "<item>"
        f"<title>{_x(i.title)}</title><link>{_x(i.url)}</link>"
        f'<guid isPermaLink="true">{_x(i.url)}</guid>'
        f"<pubDate>{format_datetime(i.published_at, usegmt=True)}</pubDate>"
        + "".join(f"<dc:creator>{_x(a)}</dc:creator>" for a in i.authors)
        + "".join(f"<category>{_x(t)}</category>" for t in i.tags)
        + f"<description>{_x(i.summary)}</description>"
        + (f'<enclosure url="{_x(i.url)}" type="{i.content_type}" length="0"/>'
           if i.content_type != "text/html" else "")
        + "</item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
        f"<title>{_x(site.name)}</title><link>{https(site.base)}/</link>"
        f'<atom:link href="{_x(site.feed_url)}" rel="self" type="application/rss+xml"/>'
        f"<description>Latest stories from {_x(site.name)}</description>"
        f"<language>{site.locale.replace('_', '-').lower()}</language>"
        f"<lastBuildDate>{format_datetime(latest, usegmt=True)}</lastBuildDate>"
        f"{body}</channel></rss>\n"
    ).encode()


def atom(site: Site, items: list[FeedItem]) -> bytes:
    """An Atom 1.0 feed."""
    latest = max(i.published_at for i in items)
    body = "".join(
        "<entry>"
        f"<title>{_x(i.title)}</title>"
        f'<link rel="alternate" type="text/html" href="{_x(i.url)}"/>'
        f"<id>{_x(i.url)}</id><published>{iso(i.published_at)}</published>"
        f"<updated>{iso(i.published_at)}</updated>"
        + "".join(f"<author><name>{_x(a)}</name></author>" for a in i.authors)
        + "".join(f'<category term="{_x(t)}"/>' for t in i.tags)
        + f"<summary>{_x(i.summary)}</summary></entry>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{site.language}">'
        f"<title>{_x(site.name)}</title><id>{https(site.base)}/</id>"
        f'<link rel="self" href="{_x(site.feed_url)}"/>'
        f'<link rel="alternate" href="{https(site.base)}/"/>'
        f"<updated>{iso(latest)}</updated>{body}</feed>\n"
    ).encode()


def json_feed(site: Site, items: list[FeedItem]) -> bytes:
    """A JSON Feed 1.1 document."""
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.name,
        "home_page_url": https(site.base) + "/",
        "feed_url": site.feed_url,
        "language": site.language,
        "items": [
            {"id": i.url, "url": i.url, "title": i.title, "summary": i.summary,
             "date_published": iso(i.published_at),
             "authors": [{"name": a} for a in i.authors], "tags": list(i.tags)}
            for i in items
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def news_sitemap(site: Site, items: list[FeedItem]) -> bytes:
    """A Google News sitemap (``news:`` namespace with title and publication date)."""
    body = "".join(
        f"<url><loc>{_x(i.url)}</loc><news:news><news:publication>"
        f"<news:name>{_x(site.name)}</news:name><news:language>{site.language}"
        "</news:language></news:publication>"
        f"<news:publication_date>{iso(i.published_at)}</news:publication_date>"
        f"<news:title>{_x(i.title)}</news:title>"
        f"<news:keywords>{_x(', '.join(i.tags))}</news:keywords></news:news></url>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"{body}</urlset>\n"
    ).encode()


def sitemap(items: list[FeedItem]) -> bytes:
    """A plain XML sitemap with ``lastmod``."""
    body = "".join(
        f"<url><loc>{_x(i.url)}</loc><lastmod>{iso(i.published_at)}</lastmod></url>"
        for i in items
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{body}</urlset>\n").encode()


def sitemap_index(children: list[tuple[str, datetime]]) -> bytes:
    """A sitemap index pointing at child sitemaps."""
    body = "".join(
        f"<sitemap><loc>{_x(url)}</loc><lastmod>{iso(when)}</lastmod></sitemap>"
        for url, when in children
    )
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{body}</sitemapindex>\n").encode()


def malformed_rss(site: Site, items: list[FeedItem]) -> bytes:
    """An RSS document cut off mid-element followed by junk: not well-formed XML."""
    good = rss(site, items).decode("utf-8")
    cut = good.index("</item>") + len("</item>")
    return (good[:cut] + "<item><title>Opinion: the week in review<link>"
            "\x00\x01 &bogus; <<</channel>").encode("utf-8")
