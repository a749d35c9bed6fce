"""HTML of syndicated copies: a NewsBreak-like app page, a Yahoo-like portal page and a
news-digest aggregator page."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from html import escape

from newslake_demo.model import DemoArticle, Site
from newslake_demo.pages import https, iso

CAPTURE = datetime.fromisoformat("2022-04-04T20:30:00+00:00")
"""The moment relative dates ("1 day ago") are rendered against: fixed, never the clock."""


def relative(dt: datetime, now: datetime = CAPTURE) -> str:
    """``"3h ago"`` / ``"1 day ago"`` as an app renders it at ``now``."""
    delta = now - dt
    if delta < timedelta(hours=1):
        return f"{max(1, int(delta.total_seconds() // 60))}m ago"
    if delta < timedelta(days=1):
        return f"{int(delta.total_seconds() // 3600)}h ago"
    days = delta.days
    return f"{days} day ago" if days == 1 else f"{days} days ago"


def _ld(copy: DemoArticle, host: str, source: Site, based_on: bool = False) -> str:
    data = {
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": copy.title,
        "datePublished": iso(copy.published_at),
        "author": [{"@type": "Person", "name": a} for a in copy.authors],
        "publisher": {"@type": "Organization", "name": host},
        "sourceOrganization": {"@type": "NewsMediaOrganization", "name": source.name,
                               "url": https(source.base) + "/"},
        "image": copy.image_url, "keywords": list(copy.tags),
    }
    if based_on:
        data["isBasedOn"] = https(copy.original_url)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>'


def newsbreak_page(copy: DemoArticle, source: Site, related: list[DemoArticle],
                   names: dict[str, str]) -> bytes:
    """A NewsBreak-style copy: byline, relative date, comments, related, publisher stats."""
    paras = "".join(f"<p>{escape(p)}</p>" for p in copy.paragraphs)
    original = https(copy.original_url)
    more = (f'<p class="read-more"><a href="{escape(original)}">Read more at '
            f"{escape(source.name)}</a></p>" if copy.is_truncated else "")
    comments = "".join(
        f'<li class="comment"><span class="c-author">{escape(c.author)}</span>'
        f'<span class="c-time">{escape(c.ago)}</span><p>{escape(c.text)}</p>'
        f'<span class="c-reply">Reply</span><span class="c-likes">{c.likes}</span></li>'
        for c in copy.comments
    )
    rel = "".join(
        f'<li class="related-item"><span class="r-publisher">{escape(names[r.site])}</span>'
        f'<a href="{escape(r.url)}"><h3>{escape(r.title)}</h3></a>'
        f'<p class="r-summary">{escape(r.description)}</p>'
        f'<span class="r-section">{escape(r.section.upper())}</span></li>'
        for r in related
    )
    tags = "".join(f'<a class="tag" href="/topics/{escape(t.lower().replace(" ", "-"))}">'
                   f"#{escape(t)}</a>" for t in copy.tags)
    stats = "".join(f'<div class="stat"><div class="n">{n}</div><div>{label}</div></div>'
                    for n, label in ((source.followers, "Followers"), (source.posts, "Posts"),
                                     (source.views, "Views")))
    stats = f'<div class="pub-stats">{stats}</div>'
    author = " and ".join(copy.authors)
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(copy.title)} | NewsBreak</title>"
        f'<link rel="canonical" href="{escape(https(copy.url))}">'
        f'<meta property="og:title" content="{escape(copy.title)}">'
        f'<meta property="og:site_name" content="NewsBreak">'
        f'<meta property="og:image" content="{escape(copy.image_url)}">'
        f'<meta property="article:published_time" content="{iso(copy.published_at)}">'
        f"{_ld(copy, 'NewsBreak', source)}</head><body>"
        '<header class="nb-top"><a class="nb-logo" href="/">NewsBreak</a><nav>'
        '<a href="/contributors">Contributors</a><a href="/publishers">Publishers</a>'
        '<a href="/advertisers">Advertisers</a></nav></header><main class="nb-article">'
        f'<div class="nb-section">{escape(copy.section)}</div>'
        f'<h1 class="nb-title">{escape(copy.title)}</h1>'
        f'<div class="nb-byline">By {escape(author)}</div>'
        f'<div class="nb-source"><img alt="{escape(source.name)}" src="/logos/{source.key}.png">'
        f'<a class="nb-publisher" href="{escape(https(source.base))}">{escape(source.name)}</a>'
        f'<time datetime="{iso(copy.published_at)}">{relative(copy.published_at)}</time></div>'
        f'<figure><img src="{escape(copy.image_url)}"><figcaption>'
        f"{escape(copy.image_caption)}</figcaption></figure>"
        f'<div class="nb-body">{paras}</div>'
        f'<p class="nb-origin">Originally published by <a class="original-link" '
        f'href="{escape(original)}">{escape(source.name)}</a></p>{more}'
        f'<section class="nb-comments"><h2>Comments / {copy.comment_count}</h2>'
        f"<ul>{comments}</ul></section>"
        '<section class="nb-more"><p>Check out more stories from</p>'
        f'<div class="nb-more-pub"><img alt="{escape(source.name)}" '
        f'src="/logos/{source.key}.png"><div>{escape(source.name)}</div></div>{stats}'
        "<p>and other trusted sources in the NewsBreak App, the go-to source for breaking news "
        "around you</p></section>"
        f'<section class="nb-related"><h2>Related</h2><ul>{rel}</ul></section>'
        f'<section class="nb-tags"><h2>IN THIS ARTICLE</h2>{tags}</section>'
        f'<aside class="nb-publisher-card"><h2>{escape(source.name)}</h2>'
        f"<p>{escape(source.city)}</p>{stats}<h3>ABOUT</h3><p>{escape(source.name)} covers "
        f"news, politics and policy for readers in {escape(source.city)} and beyond.</p>"
        f'<a href="{escape(https(source.base))}">{escape(https(source.base))}</a></aside>'
        '</main><footer class="nb-footer"><a href="/community-policy">Community Policy</a>'
        '<a href="/privacy">Privacy</a><a href="/terms">Terms</a></footer></body></html>'
    )
    return html.encode("utf-8")


YAHOO_BOILERPLATE = (
    "Story continues",
    "Sign up for the Yahoo News morning newsletter to get the top headlines before you start "
    "your day.",
)


def yahoo_page(copy: DemoArticle, source: Site, canonical_to_original: bool) -> bytes:
    """A Yahoo-style copy with "Originally published on" attribution and portal chrome."""
    paras = "".join(f"<p>{escape(p)}</p>" for p in copy.paragraphs)
    canonical = https(copy.original_url if canonical_to_original else copy.url)
    stamp = copy.published_at.strftime("%a, %B %-d, %Y at %-I:%M %p")
    html = (
        '<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8">'
        f"<title>{escape(copy.title)}</title>"
        f'<link rel="canonical" href="{escape(canonical)}">'
        f'<meta property="og:title" content="{escape(copy.title)}">'
        '<meta property="og:site_name" content="Yahoo News">'
        f'<meta property="og:url" content="{escape(canonical)}">'
        f'<meta property="og:image" content="{escape(copy.image_url)}">'
        f'<meta name="description" content="{escape(copy.description)}">'
        f'<meta property="article:published_time" content="{iso(copy.published_at)}">'
        f'<meta name="author" content="{escape(", ".join(copy.authors))}">'
        f'<meta name="provider" content="{escape(source.name)}">'
        f"{_ld(copy, 'Yahoo News', source, based_on=not canonical_to_original)}</head><body>"
        '<div id="ybar"><a href="/">Yahoo News</a><a href="/us/">US</a><a href="/world/">'
        'World</a><a href="/politics/">Politics</a><a href="/health/">Health</a>'
        '<a href="/science/">Science</a></div><div id="main"><article class="caas">'
        f'<header><div class="caas-logo">{escape(source.name)}</div>'
        f'<h1 data-test-locator="headline">{escape(copy.title)}</h1>'
        f'<div class="caas-attr"><span class="caas-author">{escape(", ".join(copy.authors))}'
        f'</span> <time datetime="{iso(copy.published_at)}">{stamp}</time> '
        f'<span class="caas-read">{max(1, len(copy.body.split()) // 230)} min read</span>'
        "</div></header>"
        f'<figure class="caas-img"><img src="{escape(copy.image_url)}"><figcaption>'
        f"{escape(copy.image_caption)}</figcaption></figure>"
        f'<div class="caas-body">{paras}<p class="attribution">Originally published on '
        f'<a href="{escape(https(copy.original_url))}">{escape(source.name)}</a></p></div>'
        "</article>"
        '<aside class="recommended"><h3>Trending now</h3><ul><li>Markets close mixed as '
        "investors weigh rate outlook</li><li>Weekend weather: storms expected across the "
        "Plains</li></ul></aside></div>"
        '<footer id="yfooter">Terms and Privacy Policy &middot; Privacy Dashboard &middot; '
        "About Our Ads</footer></body></html>"
    )
    return html.encode("utf-8")


def digest_page(copy: DemoArticle, source: Site) -> bytes:
    """An aggregator copy: dateline, the story's first paragraphs, "Continue reading" link."""
    paras = "".join(f"<p>{escape(p)}</p>" for p in copy.paragraphs)
    original = https(copy.original_url)
    stamp = copy.published_at.strftime("%B %-d, %Y")
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(copy.title)} - Newsline Digest</title>"
        f'<link rel="canonical" href="{escape(https(copy.url))}">'
        f'<meta property="og:title" content="{escape(copy.title)}">'
        '<meta property="og:site_name" content="Newsline Digest">'
        f'<meta property="article:published_time" content="{iso(copy.published_at)}">'
        "</head><body>"
        '<div class="topbar"><a href="/">Newsline Digest</a> <span>Your daily news roundup'
        '</span></div><div class="ad-slot">Advertisement</div><div class="wrap">'
        f'<h1>{escape(copy.title)}</h1><div class="meta">{stamp}</div>'
        f'<p class="byline">By {escape(" and ".join(copy.authors))}</p>'
        f'<p class="credit">Source: {escape(source.name)}</p>'
        f'<div class="entry">{paras}<div class="ad-slot">Advertisement</div>'
        f'<p class="continue"><a href="{escape(original)}">Continue reading at '
        f"{escape(source.name)}</a></p></div>"
        '<p class="copyright">Content republished with permission. All rights remain with the '
        "original publisher.</p></div>"
        '<footer>Newsline Digest &middot; <a href="/about">About</a> &middot; '
        '<a href="/privacy">Privacy</a></footer></body></html>'
    )
    return html.encode("utf-8")
