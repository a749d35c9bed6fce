"""HTML of publisher article pages, error pages and the demo index."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from newslake_demo.model import DemoArticle, DemoFeed, Site


def iso(dt: datetime) -> str:
    """ISO 8601 with a ``Z`` suffix."""
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def https(url: str) -> str:
    """The https:// form of a demo URL (pages declare it as canonical)."""
    return url.replace("http://", "https://", 1)


def _nav(site: Site) -> str:
    links = "".join(
        f'<li><a href="/section/{s.lower().replace(" ", "-")}/">{escape(s)}</a></li>'
        for s in site.sections
    )
    return (
        f'<header class="masthead" style="border-bottom:4px solid {site.accent}">'
        f'<a class="logo" href="/">{escape(site.name)}</a>'
        f'<nav class="primary"><ul>{links}<li><a href="/newsletters/">Newsletters</a></li>'
        f'<li><a href="/subscribe/">Subscribe</a></li></ul></nav>'
        '<form class="search" action="/search"><input name="q" placeholder="Search"></form>'
        "</header>"
    )


def _footer(site: Site) -> str:
    return (
        '<footer class="site-footer"><ul>'
        '<li><a href="/about/">About us</a></li><li><a href="/contact/">Contact</a></li>'
        '<li><a href="/privacy/">Privacy policy</a></li><li><a href="/terms/">Terms of service'
        "</a></li><li><a href=\"/careers/\">Careers</a></li></ul>"
        f"<p>&copy; 2022 {escape(site.name)}. All rights reserved. Reproduction of material "
        "from this site without written permission is prohibited.</p></footer>"
    )


def _newsletter(site: Site) -> str:
    return (
        '<aside class="newsletter-signup"><h3>Get the morning briefing</h3>'
        f"<p>The day's most important stories from {escape(site.name)}, in your inbox before "
        "7 a.m.</p><form action=\"/newsletters/subscribe\" method=\"post\">"
        '<input type="email" name="email" placeholder="Email address">'
        "<button>Sign up</button></form></aside>"
    )


def json_ld(article: DemoArticle, site: Site) -> str:
    """A schema.org NewsArticle object as a script element."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.description,
        "author": [{"@type": "Person", "name": a} for a in article.authors],
        "datePublished": iso(article.published_at),
        "dateModified": iso(article.modified_at or article.published_at),
        "publisher": {"@type": "Organization", "name": site.name,
                      "url": f"https://{site.host}/",
                      "logo": {"@type": "ImageObject",
                               "url": f"https://{site.host}/static/logo.png"}},
        "image": {"@type": "ImageObject", "url": article.image_url,
                  "caption": article.image_caption},
        "keywords": list(article.tags),
        "articleSection": article.section,
        "inLanguage": article.language,
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.canonical_url},
        "isAccessibleForFree": True,
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def _meta(article: DemoArticle, site: Site) -> str:
    tags = "".join(f'<meta property="article:tag" content="{escape(t)}">' for t in article.tags)
    return (
        f'<link rel="canonical" href="{escape(article.canonical_url)}">'
        f'<meta name="description" content="{escape(article.description)}">'
        f'<meta property="og:type" content="article">'
        f'<meta property="og:title" content="{escape(article.title)}">'
        f'<meta property="og:description" content="{escape(article.description)}">'
        f'<meta property="og:url" content="{escape(article.canonical_url)}">'
        f'<meta property="og:image" content="{escape(article.image_url)}">'
        f'<meta property="og:site_name" content="{escape(site.name)}">'
        f'<meta property="og:locale" content="{site.locale}">'
        f'<meta property="article:published_time" content="{iso(article.published_at)}">'
        f'<meta property="article:modified_time" '
        f'content="{iso(article.modified_at or article.published_at)}">'
        f'<meta property="article:section" content="{escape(article.section)}">{tags}'
        f'<meta name="author" content="{escape(", ".join(article.authors))}">'
        '<meta name="twitter:card" content="summary_large_image">'
    )


def _byline(article: DemoArticle) -> str:
    names = " and ".join(
        f'<a rel="author" href="/staff/{n.lower().replace(" ", "-")}/">{escape(n)}</a>'
        for n in article.authors
    )
    stamp = article.published_at.strftime("%B %-d, %Y %-I:%M %p UTC")
    return (f'<p class="byline">By {names}</p><time class="timestamp" '
            f'datetime="{iso(article.published_at)}">{stamp}</time>')


def publisher_page(article: DemoArticle, site: Site,
                   related: list[DemoArticle]) -> bytes:
    """The article page of an original publisher, with chrome around the body."""
    body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    more = "".join(
        f'<li><a href="{escape(r.url)}">{escape(r.title)}</a></li>' for r in related
    )
    tags = "".join(
        f'<li><a href="/tag/{escape(t.lower().replace(" ", "-"))}/">{escape(t)}</a></li>'
        for t in article.tags
    )
    html = (
        f'<!DOCTYPE html><html lang="{article.language}"><head><meta charset="utf-8">'
        f"<title>{escape(article.title)} - {escape(site.name)}</title>"
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{_meta(article, site)}{json_ld(article, site)}</head><body>{_nav(site)}"
        f'<main><article class="story"><p class="kicker"><a href="/section/'
        f'{article.section.lower().replace(" ", "-")}/">{escape(article.section)}</a></p>'
        f'<h1 class="headline">{escape(article.title)}</h1>'
        f'<p class="dek">{escape(article.description)}</p>{_byline(article)}'
        f'<figure class="lead-art"><img src="{escape(article.image_url)}" '
        f'alt="{escape(article.image_caption)}"><figcaption>{escape(article.image_caption)}'
        f'</figcaption></figure><div class="story-text">{body}</div>'
        f'<ul class="story-tags">{tags}</ul></article>{_newsletter(site)}'
        f'<section class="related"><h2>More from {escape(site.name)}</h2><ul>{more}</ul>'
        f"</section></main>{_footer(site)}</body></html>"
    )
    return html.encode("utf-8")


def error_page(site_name: str, status: int) -> bytes:
    """A small HTML error page."""
    label = {404: "Page not found", 500: "Internal server error"}.get(status, "Error")
    return (f"<!DOCTYPE html><html><head><title>{status} {label} - {escape(site_name)}"
            f"</title></head><body><h1>{label}</h1><p>The page you requested is not "
            f"available.</p></body></html>").encode()


def robots_txt(site: Site) -> bytes:
    """Allow everything except search, no crawl delay; sitemap sites name their sitemap."""
    text = (f"# robots.txt for {site.host}\nUser-agent: *\nAllow: /\nDisallow: /search\n"
            "Crawl-delay: 0\n")
    if "sitemap" in site.feed_kind:
        text += f"\nSitemap: {site.feed_url}\n"
    return text.encode()


def index_page(sites: list[Site], feeds: list[DemoFeed], articles: list[DemoArticle]) -> bytes:
    """The human index served for ``Host: 127.0.0.1:PORT``."""
    rows = "".join(
        f"<tr><td>{escape(s.name)}</td><td>{escape(s.host)}</td>"
        f"<td>{'syndicator: ' + s.syndicator if s.syndicator else 'publisher'}</td>"
        f"<td>{sum(1 for a in articles if a.url.startswith(s.base + '/'))}</td></tr>"
        for s in sites
    )
    feed_rows = "".join(
        f"<tr><td>{escape(f.source_id)}</td><td>{escape(f.kind)}</td>"
        f"<td>{escape(f.url)}</td><td>{len(f.entries)}</td>"
        f"<td>{'malformed' if f.malformed else ''}</td></tr>"
        for f in feeds
    )
    return (
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>newslake demo web</title>"
        "</head><body><h1>newslake demo web</h1><p>All sites are served here and routed by "
        "the Host header; point a client at this address with the site's host name.</p>"
        "<h2>Sites</h2><table><tr><th>name</th><th>host</th><th>role</th><th>articles</th></tr>"
        f"{rows}</table><h2>Feeds</h2><table><tr><th>source</th><th>kind</th><th>url</th>"
        f"<th>entries</th><th></th></tr>{feed_rows}</table></body></html>"
    ).encode()
